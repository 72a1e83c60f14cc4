import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { isHallError } from '../../../service/src/errors.js'
import { lockDatabase } from '../../../service/src/store/instance-lock.js'
import { freePort } from '../../helpers/free-port.js'
import { writeLoopbackConfig } from '../../helpers/hall-config.js'
import { startHall } from '../../helpers/hall-process.js'
import { listenForMagicPackets } from '../../helpers/udp-listener.js'
import { runHall } from '../cli/run-hall.js'

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const DOMAIN = 'app.hall.test'

/** `hall serve` that should refuse to start: its exit code and output, or a failure if it serves instead. */
async function serveExpectingRefusal (env: Record<string, string>): Promise<{ code: number | null, output: string }> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HALL_')))
  const child = spawn(process.execPath, ['--import', 'tsx', 'service/src/cli.ts', 'serve'], { cwd: REPO_ROOT, env: { ...inherited, HALL_HOST: '127.0.0.1', HALL_LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`the second hall serve did not exit within 15 s:\n${output}`)) }, 15_000)
    const collect = (s: string): void => {
      output += s
      if (output.includes('hall started')) {
        clearTimeout(timer)
        child.kill('SIGKILL')
        reject(new Error(`a second hall serve started on the same database:\n${output}`))
      }
    }
    child.stdout.setEncoding('utf8').on('data', collect)
    child.stderr.setEncoding('utf8').on('data', collect)
    child.once('exit', (code) => { clearTimeout(timer); resolve({ code, output }) })
  })
}

/** The pid of the process serving on `port` whose environment names it: only /proc knows, and this test runs on Linux. */
function pidServing (port: number, output: string): number {
  const pid = Number(/pid (\d+)/.exec(output)?.[1])
  assert.ok(Number.isInteger(pid), `no pid in: ${output}`)
  const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')
  assert.ok(environ.includes(`HALL_PORT=${port}`), `pid ${pid} is not the Hall on port ${port}`)
  return pid
}

test('one Hall per database: a second hall serve refuses to start, naming the database and the first; once the first is killed, a new one starts', { skip: process.platform !== 'linux' && 'reads /proc' }, async (t) => {
  const packets = await listenForMagicPackets()
  const config = writeLoopbackConfig({ udpPort: packets.port, httpPort: await freePort(), domain: DOMAIN })
  const dir = mkdtempSync(join(tmpdir(), 'hall-instance-'))
  t.after(async () => { await packets.close(); config.cleanup(); rmSync(dir, { recursive: true, force: true }) })
  const dbFile = join(dir, 'hall.db')
  // the same file by another name is the same database
  symlinkSync(dir, join(dir, 'alias'))

  const first = await startHall({ configFile: config.file, env: { HALL_DB: dbFile } })
  t.after(() => first.stop())

  const second = await serveExpectingRefusal({ HALL_CONFIG: config.file, HALL_DB: join(dir, 'alias', 'hall.db'), HALL_PORT: String(await freePort()) })
  assert.notEqual(second.code, 0)
  assert.match(second.output, /HALL_ERR_STORE_IN_USE/)
  assert.ok(second.output.includes(realpathSync(dbFile)), `the database is named: ${second.output}`)
  assert.ok(second.output.includes(first.url), `the first Hall's address is named: ${second.output}`)
  pidServing(first.port, second.output)
  t.diagnostic(second.output.trim())

  // the first never noticed
  const health = await fetch(`${first.url}/healthz`)
  assert.equal(health.status, 200)
  const res = await fetch(`${first.url}/forward-auth`, { headers: { 'x-forwarded-host': DOMAIN, accept: 'text/html' }, redirect: 'manual' })
  assert.equal(res.status, 302)
  await packets.waitFor(1, 3000)

  // the CLI's writes are not a second Hall: a key made now works at once
  const created = await runHall(['apikey', 'create', '--name', 'ci'], { HALL_DB: dbFile, HALL_CONFIG: config.file })
  assert.equal(created.code, 0, created.stderr)
  const key = /hall_[0-9a-f]{8}_[A-Za-z0-9_-]{43}/.exec(created.stdout)?.[0]
  assert.ok(key !== undefined, created.stdout)
  const wake = await fetch(`${first.url}/api/wol/lab`, { method: 'POST', headers: { 'x-api-key': key } })
  assert.ok(wake.status < 300, `the key was accepted: ${wake.status}`)

  // a crash leaves no lock behind
  first.kill9()
  await first.exited
  const third = await startHall({ configFile: config.file, env: { HALL_DB: dbFile } })
  t.after(() => third.stop())
  assert.equal((await fetch(`${third.url}/healthz`)).status, 200)
})

test('the lock is the real file: the same database by another path is refused; another file is not', { skip: process.platform !== 'linux' && 'abstract sockets are Linux only' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hall-instance-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const lock = await lockDatabase(join(dir, 'hall.db'))
  t.after(() => lock.release())
  lock.announce('http://127.0.0.1:8080')
  await assert.rejects(lockDatabase(join(dir, '.', 'sub', '..', 'hall.db')), (err) => isHallError(err, 'HALL_ERR_STORE_IN_USE') &&
    err.message === `the database ${realpathSync(dir)}/hall.db is in use by another Hall (pid ${process.pid}, serving http://127.0.0.1:8080): one Hall per database; stop that one, or point HALL_DB at another file`)
  const other = await lockDatabase(join(dir, 'other.db'))
  await other.release()
  await lock.release()
  const again = await lockDatabase(join(dir, 'hall.db'))
  await again.release()
})

test('where there are no abstract sockets, a lock file with the pid: refused while that process lives, taken over once it is gone', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hall-instance-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const dbFile = join(dir, 'hall.db')
  const lock = await lockDatabase(dbFile, { mechanism: 'file' })
  await assert.rejects(lockDatabase(dbFile, { mechanism: 'file' }), (err) => isHallError(err, 'HALL_ERR_STORE_IN_USE') && err.message.includes(`pid ${process.pid}, starting`))
  await lock.release()

  // a Hall that died without releasing: its pid no longer runs
  const dead = spawn(process.execPath, ['-e', ''])
  await new Promise(resolve => dead.once('exit', resolve))
  writeFileSync(`${realpathSync(dir)}/hall.db.lock`, JSON.stringify({ pid: dead.pid, url: 'http://127.0.0.1:1' }))
  const taken = await lockDatabase(dbFile, { mechanism: 'file' })
  assert.equal(JSON.parse(readFileSync(`${realpathSync(dir)}/hall.db.lock`, 'utf8')).pid, process.pid)
  await taken.release()
})
