import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { test, type TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
import { startDemo, type Demo } from '../../../service/src/demo/run-demo.js'
import { createLogger } from '../../../service/src/logger.js'
import { freePort } from '../../helpers/free-port.js'
import { until } from '../../helpers/hall-in-process.js'

// `hall demo` as its README walk-through uses it: the home page's link, and an API key made with
// `hall apikey create` while the demo runs. The shipped demo config, on free ports.

const REPO = fileURLToPath(new URL('../../../', import.meta.url))

async function freeUdpPort (): Promise<number> {
  const sock = createSocket('udp4')
  await new Promise<void>(resolve => sock.bind(0, '127.0.0.1', resolve))
  const { port } = sock.address()
  await new Promise<void>(resolve => sock.close(resolve))
  return port
}

/** deploy/demo/domains.json with its simulated server moved to free ports. */
async function demoConfig (dir: string): Promise<string> {
  const [http, udp] = [await freePort(), await freeUdpPort()]
  const text = readFileSync(join(REPO, 'deploy/demo/domains.json'), 'utf8')
    .replaceAll('8091', String(http)).replace('"port": 40009', `"port": ${udp}`)
  assert.ok(!text.includes('8091') && !text.includes('40009'), 'every fixed port was replaced')
  const file = join(dir, 'domains.json')
  writeFileSync(file, text)
  return file
}

/** The demo, with its working directory `dir` (so HALL_DB's default lands there) and its log kept. */
async function startInDir (t: TestContext, dir: string, env: Record<string, string> = {}): Promise<{ demo: Demo, logLines: () => Array<Record<string, unknown>> }> {
  const cwd = process.cwd()
  process.chdir(dir)
  t.after(() => process.chdir(cwd))
  let logged = ''
  const sink = new Writable({ write (chunk, _enc, done) { logged += String(chunk); done() } })
  const demo = await startDemo({
    hallPort: await freePort(),
    proxyPort: await freePort(),
    configFile: await demoConfig(dir),
    env,
    log: createLogger('warn', sink),
    simLog: () => {}
  })
  t.after(() => demo.close())
  await until(() => demo.hall.fleet.lookup('app.localhost')?.phase === 'OFFLINE')
  return { demo, logLines: () => logged.split('\n').filter(Boolean).map(l => JSON.parse(l) as Record<string, unknown>) }
}

function tempDir (t: TestContext): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'hall-demo-')))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** `npm run hall -- apikey create` from `cwd`: the source CLI, without the developer's HALL_* settings. */
async function createKey (cwd: string, name: string, env: Record<string, string> = {}): Promise<{ key: string, stderr: string }> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HALL_')))
  const tsx = join(REPO, 'node_modules/.bin/tsx')
  return await new Promise((resolve, reject) => {
    execFile(tsx, [join(REPO, 'service/src/cli.ts'), 'apikey', 'create', '--name', name], { cwd, env: { ...inherited, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`apikey create failed: ${stderr}`, { cause: err }))
      else resolve({ key: stdout.trim(), stderr })
    })
  })
}

async function wake (demo: Demo, key: string): Promise<{ status: number, body: string }> {
  const res = await request(`${demo.hall.url}/api/wol/demo`, { method: 'POST', headers: { 'x-api-key': key } })
  return { status: res.statusCode, body: await res.body.text() }
}

test('the home page links the domain to the demo proxy, and the proxy serves that address', async (t) => {
  const dir = tempDir(t)
  const { demo } = await startInDir(t, dir)
  const port = new URL(demo.proxyUrl).port
  assert.equal(demo.proxyUrl, `http://app.localhost:${port}/`)
  const home = await (await request(`${demo.hall.url}/`)).body.text()
  assert.match(home, new RegExp(`<a href="http://app\\.localhost:${port}/">app\\.localhost</a>`))
  assert.doesNotMatch(home, /https:\/\/app\.localhost/)
  // what a browser following the link gets: the proxy asks Hall, Hall wakes and sends it to wait
  const res = await request(`http://127.0.0.1:${port}/`, { headers: { host: `app.localhost:${port}`, accept: 'text/html' } })
  await res.body.dump()
  assert.equal(res.statusCode, 302)
  assert.match(String(res.headers.location), /\/waiting\/app\.localhost\?to=/)
})

test('the key `hall apikey create` makes is the key the demo accepts: both read HALL_DB the same way', async (t) => {
  const dir = tempDir(t)
  const { demo } = await startInDir(t, dir)
  assert.equal(demo.dbFile, join(dir, 'data', 'hall.db'), 'no HALL_DB: the CLI\'s default, data/hall.db')
  const { key, stderr } = await createKey(dir, 'demo-test')
  assert.ok(stderr.includes(`in ${demo.dbFile}:`), stderr)
  const answer = await wake(demo, key)
  assert.equal(answer.status, 202, answer.body)
  assert.equal(JSON.parse(answer.body).outcome, 'started')
})

test('HALL_DB set: the demo uses it too', async (t) => {
  const dir = tempDir(t)
  const dbFile = join(dir, 'elsewhere', 'keys.db')
  const { demo } = await startInDir(t, dir, { HALL_DB: dbFile })
  assert.equal(demo.dbFile, dbFile)
  const { key } = await createKey(dir, 'demo-test', { HALL_DB: dbFile })
  assert.equal((await wake(demo, key)).status, 202)
})

test('a key made in another database is refused with the generic 401; only the log says which database was read', async (t) => {
  const dir = tempDir(t)
  const { demo, logLines } = await startInDir(t, dir)
  const { key } = await createKey(dir, 'misplaced', { HALL_DB: join(dir, 'other.db') })
  const answer = await wake(demo, key)
  assert.equal(answer.status, 401)
  assert.deepEqual(JSON.parse(answer.body), { error: 'HALL_ERR_API_KEY_INVALID', message: 'a valid X-API-Key header is required' })
  assert.ok(!answer.body.includes(dir), 'no path in the answer')
  const prefix = key.slice(5, 13) // hall_<prefix>_<secret>
  const refusal = logLines().find(l => l.reason === 'unknown')
  assert.ok(refusal !== undefined, 'the refusal is logged')
  assert.equal(refusal.database, demo.dbFile)
  assert.equal(refusal.prefix, prefix)
  assert.ok(String(refusal.msg).includes(`no key with prefix ${prefix} in ${demo.dbFile} `), String(refusal.msg))
  assert.ok(!JSON.stringify(logLines()).includes(key.slice(14)), 'the secret is never logged')
})
