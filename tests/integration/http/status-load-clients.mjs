// The status clients of status-load.test.ts, in a worker thread: reading their answers (1 MB
// each) loads another event loop and heap than Hall's, the one under test. Plain JavaScript: a
// worker loads it without a TypeScript loader on every Node.
//
// `url` set: each client calls GET {url}/api/status in a loop, pausing `pauseMs` after each
// answer, and records when it called and what came back. `replay` set instead: the same calls at
// the same times, answered by a stand-in server in this thread with the same statuses and sizes.
// The machine then does the same client work while Hall stays quiet: what the test compares is
// Hall's share, not how busy clients on a small shared machine slow everything on it.
import { createServer, Agent, request } from 'node:http'
import { parentPort, workerData } from 'node:worker_threads'

/** @type {{ url: string | null, addresses: string[], until: number, pauseMs: number, replay: Array<Array<[number, number, number]>> | null }} */
const { url, addresses, until, pauseMs, replay } = workerData
const run = { stopped: false }
parentPort.once('message', () => { run.stopped = true })
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

/** One call; the body is counted and dropped. */
function get (agent, target, headers) {
  return new Promise((resolve, reject) => {
    const req = request(`${target}/api/status`, { agent, headers }, res => {
      let bytes = 0
      res.on('data', chunk => { bytes += chunk.length })
      res.on('end', () => resolve({ status: res.statusCode, bytes }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/** Answers client `x-client`'s n-th call with the status and body size Hall gave it. */
async function startStandIn (answers) {
  const bodies = new Map()
  const served = answers.map(() => 0)
  const server = createServer((req, res) => {
    const client = Number(req.headers['x-client'])
    const [, status, bytes] = answers[client][served[client]++] ?? [0, 200, 0]
    if (!bodies.has(bytes)) bodies.set(bytes, Buffer.alloc(bytes, 'x'))
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes })
    res.end(bodies.get(bytes))
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => { server.closeAllConnections(); server.close() } }
}

async function loop (client, target, started) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const calls = []
  const plan = replay?.[client] ?? null
  const count = plan === null ? Infinity : plan.length
  try {
    while (!run.stopped && Date.now() < until && calls.length < count) {
      if (plan !== null) await sleep(started + plan[calls.length][0] - Date.now())
      const at = Date.now() - started
      // through the trusted loopback proxy, X-Forwarded-For makes each loop its own internet client
      const { status, bytes } = await get(agent, target, { 'x-forwarded-for': addresses[client], 'x-client': String(client) })
      calls.push([at, status, bytes])
      if (plan === null) await sleep(pauseMs)
    }
  } finally {
    agent.destroy()
  }
  return calls
}

const standIn = replay === null ? null : await startStandIn(replay)
const started = Date.now()
parentPort.postMessage({ started: true })
const calls = await Promise.all(addresses.map((_, client) => loop(client, standIn?.url ?? url, started)))
standIn?.close()
parentPort.postMessage({ calls })
