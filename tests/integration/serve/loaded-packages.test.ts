import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { freePort } from '../../helpers/free-port.js'
import { writeLoopbackConfig } from '../../helpers/hall-config.js'
import { startHall } from '../../helpers/hall-process.js'

// Every package `hall serve` loads stays in its memory for good: on a small Pi, those only the
// CLI, a relay or the Traefik directory need must wait until they are used.
const LOADED_ONLY_WHEN_USED = ['undici', 'ssh2', 'yaml']

// Preloaded with --require: at exit, lists the packages of every CommonJS module the process
// loaded (all three above are CommonJS, imported from ESM or required alike).
const REPORTER = `
const { writeSync } = require('node:fs')
process.once('exit', () => {
  const names = new Set()
  for (const file of Object.keys(require.cache)) {
    const m = /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)[\\\\/](?!node_modules)/.exec(file)
    if (m) names.add(m[1])
  }
  writeSync(1, 'LOADED PACKAGES ' + JSON.stringify([...names]) + '\\n')
  // Node's own copy of undici (fetch, WebSocket), which an ESM import of node:http pulls in
  writeSync(1, 'BUNDLED UNDICI ' + process.moduleLoadList.some(m => m.includes('internal/deps/undici/undici')) + '\\n')
})
`

test('serve loads no package that only the CLI, a relay or the Traefik directory needs', { timeout: 30_000 }, async t => {
  const dir = mkdtempSync(join(tmpdir(), 'hall-loaded-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const reporter = join(dir, 'report-loaded.cjs')
  writeFileSync(reporter, REPORTER)
  // the health check is HTTP, so a probe round runs; no relay, no HALL_TRAEFIK_DIR
  const config = writeLoopbackConfig({ udpPort: 9, httpPort: await freePort(), domain: 'app.hall.test' })
  t.after(() => config.cleanup())
  const hall = await startHall({ configFile: config.file, env: { NODE_OPTIONS: `--require "${reporter}"` } })
  t.after(() => hall.stop())

  const answer = await fetch(`${hall.url}/forward-auth`, {
    headers: { 'x-forwarded-host': 'app.hall.test', 'x-forwarded-proto': 'https', 'x-forwarded-uri': '/', 'x-forwarded-method': 'GET', accept: '*/*' }
  })
  await answer.arrayBuffer()
  // the server is asleep: 503 for a request that is not a browser's navigation, decided and sent
  assert.equal(answer.status, 503)
  await hall.stop()

  const line = /^LOADED PACKAGES (.*)$/m.exec(hall.logs())
  assert.ok(line?.[1] !== undefined, `no package report in the output:\n${hall.logs()}`)
  const loaded = JSON.parse(line[1]) as string[]
  assert.ok(loaded.includes('fastify'), `the report lists what serve needs: ${loaded.join(', ')}`)
  assert.deepEqual(LOADED_ONLY_WHEN_USED.filter(name => loaded.includes(name)), [])
  assert.match(hall.logs(), /^BUNDLED UNDICI false$/m, 'nothing imports node:http as ESM (it would load Node\'s bundled undici)')
})
