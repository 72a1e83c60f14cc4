import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { runHall } from './run-hall.js'

// bad arguments never reach Hall or the database: usage on stderr, exit 2
const cases = [
  { args: ['wake'], message: 'wake takes one server name' },
  { args: ['shutdown', 'a', 'b'], message: 'shutdown takes one server name' },
  { args: ['status', '--bogus'], message: "Unknown option '--bogus'" },
  { args: ['apikey'], message: 'apikey needs a subcommand: create, list or revoke' },
  { args: ['apikey', 'show'], message: 'unknown apikey subcommand "show"' },
  { args: ['apikey', 'create'], message: 'apikey create takes --name NAME [--servers a,b] [--actions wake,shutdown,projects]' },
  { args: ['apikey', 'create', '--name', 'x', '--actions', 'wake,reboot'], message: 'invalid action list: "reboot" is not an action (known: wake, shutdown, projects)' },
  { args: ['apikey', 'create', '--name', 'bad name'], message: 'invalid key name "bad name"' },
  { args: ['apikey', 'revoke'], message: 'apikey revoke takes one key name' }
]

test('bad arguments to status, wake, shutdown and apikey: the reason, the usage, exit 2', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hall-cli-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  // every case runs at once: each is its own process, and none writes anything
  const runs = await Promise.all(cases.map(c => runHall(c.args, { HALL_DB: join(dir, 'hall.db'), HALL_URL: 'http://127.0.0.1:9' })))
  cases.forEach((c, i) => {
    const r = runs[i]!
    assert.equal(r.code, 2, `${c.args.join(' ')}: ${r.stderr}`)
    assert.equal(r.stdout, '', c.args.join(' '))
    assert.ok(r.stderr.startsWith(c.message), `${c.args.join(' ')}: ${r.stderr.slice(0, 120)}`)
    assert.match(r.stderr, /\n\nUsage: hall <command>[\s\S]*apikey create --name NAME/, c.args.join(' '))
  })
  assert.deepEqual(readdirSync(dir), [], 'no database was created')
})

test('wake without an API key: one line of advice, no usage, exit 2', async () => {
  const r = await runHall(['wake', 'lab'], { HALL_URL: 'http://127.0.0.1:9' })
  assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', 'wake needs an API key: set HALL_API_KEY or pass --key KEY (make one with: hall apikey create --name NAME)\n'])
})
