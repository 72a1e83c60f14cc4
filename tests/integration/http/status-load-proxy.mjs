// The proxy's side of status-load.test.ts: forward-auth calls at a steady rate, whatever Hall
// does, each timed from its own send. In its own worker thread, as Traefik is its own process:
// while Hall's event loop is held up, requests keep arriving and all of them wait, which a loop
// sending the next request only after the last answer (or one sharing Hall's thread) would hide.
// Plain JavaScript: a worker loads it without a TypeScript loader on every Node.
import { Agent, request } from 'node:http'
import { performance } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'

/** @type {{ url: string, hosts: string[], durationMs: number, intervalMs: number }} */
const { url, hosts, durationMs, intervalMs } = workerData
/** A request still unanswered after this is a failure, so the run always ends. */
const TIMEOUT_MS = 30_000

// a pool, as a proxy keeps one: a request waiting on Hall does not hold back the next
const agent = new Agent({ keepAlive: true, maxSockets: 512 })
const latencies = []
const failures = []

function call (host) {
  return new Promise(resolve => {
    const started = performance.now()
    const headers = { 'x-forwarded-host': host, 'x-forwarded-proto': 'https', 'x-forwarded-uri': '/', 'x-forwarded-method': 'GET' }
    const req = request(`${url}/forward-auth`, { agent, headers, timeout: TIMEOUT_MS }, res => {
      res.resume()
      res.on('end', () => {
        latencies.push(performance.now() - started)
        if (res.statusCode !== 200) failures.push(`${host}: ${res.statusCode}`)
        resolve()
      })
    })
    req.on('timeout', () => req.destroy(new Error('no answer')))
    req.on('error', err => { failures.push(`${host}: ${err.message}`); resolve() })
    req.end()
  })
}

const calls = []
const count = Math.floor(durationMs / intervalMs)
await new Promise(resolve => {
  const timer = setInterval(() => {
    calls.push(call(hosts[calls.length % hosts.length]))
    if (calls.length >= count) { clearInterval(timer); resolve() }
  }, intervalMs)
})
await Promise.all(calls)
agent.destroy()
parentPort.postMessage({ latencies, failures })
