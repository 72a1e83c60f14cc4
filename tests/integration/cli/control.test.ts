import assert from 'node:assert/strict'
import { test } from 'node:test'
import { freePort } from '../../helpers/free-port.js'
import { startAsleep } from '../../helpers/hall-in-process.js'
import { runHall } from './run-hall.js'

test('apikey create prints the key once; hall wake with it starts a wake; hall status shows WAKING; revoke stops it', async (t) => {
  const { hall, packets } = await startAsleep(t)
  const env = { HALL_DB: hall.store.db.name, HALL_URL: hall.url, HALL_CONFIG: '/nonexistent/domains.json' }

  const created = await runHall(['apikey', 'create', '--name', 'ci', '--servers', 'lab', '--actions', 'wake'], env)
  assert.equal(created.code, 0, created.stderr)
  assert.match(created.stdout, /^hall_[0-9a-f]{8}_[A-Za-z0-9_-]{43}\n$/, 'the key alone on stdout')
  const key = created.stdout.trim()
  assert.match(created.stderr, /Created API key "ci" \(prefix [0-9a-f]{8}\) .*: wake on lab\./)
  assert.match(created.stderr, /not shown again/)
  assert.ok(!created.stderr.includes(key), 'printed once')

  const woken = await runHall(['wake', 'lab'], { ...env, HALL_API_KEY: key })
  assert.equal(woken.code, 0, woken.stderr)
  const wakeId = hall.store.wakes.latest('lab')!.id
  assert.equal(woken.stdout, `lab: wake started (id ${wakeId}), state WAKING\n`)
  await packets.waitFor(3, 2000)

  const again = await runHall(['wake', 'lab', '--key', key], env)
  assert.equal(again.code, 0, again.stderr)
  assert.equal(again.stdout, `lab: a wake is already under way (id ${wakeId}), state WAKING\n`)
  assert.equal(hall.store.wakes.recent('lab', 10).length, 1)

  const status = await runHall(['status'], env)
  assert.equal(status.code, 0, status.stderr)
  const [header, row, ...rest] = status.stdout.trimEnd().split('\n')
  assert.match(header!, /^SERVER\s+STATE\s+SINCE\s+POLICY\s+LAST WAKE\s+DOMAINS$/)
  assert.match(row!, new RegExp(`^lab\\s+WAKING\\s+(just now|\\d+ s ago)\\s+on_demand\\s+#${wakeId} pending, (just now|\\d+ s ago) \\(api\\)\\s+app\\.hall\\.test$`))
  assert.deepEqual(rest, [])

  const json = await runHall(['status', '--json'], env)
  const servers = (JSON.parse(json.stdout) as { servers: Array<{ server: string, state: string, last_wake: { id: number, trigger: string } }> }).servers
  assert.deepEqual(servers.map(s => [s.server, s.state, s.last_wake.id, s.last_wake.trigger]), [['lab', 'WAKING', wakeId, 'api']])

  const listed = await runHall(['apikey', 'list'], env)
  assert.equal(listed.code, 0, listed.stderr)
  assert.ok(!listed.stdout.includes(key.slice(14)) && !listed.stderr.includes(key.slice(14)), 'the secret is never listed')
  const hash = hall.store.db.prepare<[], { hash: string }>('SELECT hash FROM api_keys').get()!.hash
  assert.ok(!listed.stdout.includes(hash), 'nor its hash')
  assert.match(listed.stdout, /^NAME\s+PREFIX\s+SERVERS\s+ACTIONS\s+CREATED\s+LAST USED\s+REVOKED\n/)
  assert.match(listed.stdout, new RegExp(`\\nci\\s+${key.slice(5, 13)}\\s+lab\\s+wake\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+(just now|\\d+ s ago)\\s+-\\n`))

  const revoked = await runHall(['apikey', 'revoke', 'ci'], env)
  assert.equal(revoked.code, 0, revoked.stderr)
  const refused = await runHall(['wake', 'lab'], { ...env, HALL_API_KEY: key })
  assert.equal(refused.code, 1)
  assert.equal(refused.stdout, '')
  assert.match(refused.stderr, /^HALL_ERR_API_KEY_INVALID: a valid X-API-Key header is required \(Hall refused the key/)
})

test('wake and shutdown exit 1 with a clear message when Hall says no, 0 when there is nothing to do', async (t) => {
  const { hall } = await startAsleep(t)
  const env = { HALL_DB: hall.store.db.name, HALL_URL: hall.url }
  const all = hall.store.apiKeys.create({ name: 'all', servers: null, actions: null, now: Date.now() }).key
  const erpOnly = hall.store.apiKeys.create({ name: 'erp', servers: ['erp'], actions: null, now: Date.now() }).key
  const cases = [
    { name: 'unknown server', args: ['wake', 'ghost'], key: all, stderr: /^HALL_ERR_SERVER_UNKNOWN: Hall has no server named "ghost"\n$/ },
    { name: 'out of scope', args: ['wake', 'lab'], key: erpOnly, stderr: /^HALL_ERR_API_KEY_FORBIDDEN: the key "erp" may not wake lab\n$/ }
  ]
  for (const c of cases) {
    const r = await runHall(c.args, { ...env, HALL_API_KEY: c.key })
    assert.equal(r.code, 1, c.name)
    assert.equal(r.stdout, '', c.name)
    assert.match(r.stderr, c.stderr, c.name)
  }
  assert.equal(hall.store.wakes.latest('lab'), null, 'nothing woken')

  const off = await runHall(['shutdown', 'lab'], { ...env, HALL_API_KEY: all })
  assert.deepEqual(off, { code: 0, stdout: 'lab: already off (OFFLINE)\n', stderr: '' })
  assert.equal((await runHall(['wake', 'lab'], { ...env, HALL_API_KEY: all })).code, 0)
  const refused = await runHall(['shutdown', 'lab'], { ...env, HALL_API_KEY: all })
  assert.deepEqual(refused, { code: 1, stdout: '', stderr: 'lab: shutdown refused (WAKING): no shutdown command is configured for this server\n' })
})

test('a Hall that is not running is named, with its URL', async () => {
  const url = `http://127.0.0.1:${await freePort()}`
  for (const args of [['status'], ['wake', 'lab', '--key', 'hall_x']]) {
    const r = await runHall([...args, '--url', url])
    assert.equal(r.code, 1, args[0])
    assert.equal(r.stderr, `HALL_ERR_CLI_UNREACHABLE: Hall is not running at ${url} (set --url or HALL_URL if it runs elsewhere)\n`, args[0])
  }
})
