import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import test from 'node:test'
import { parseConfig } from '../../../service/src/config/load.js'
import type { ConfigProblem } from '../../../service/src/config/issues.js'
import { isHallError } from '../../../service/src/errors.js'

// Each broken file is one of DESIGN.md's examples with one thing changed, so the expected
// lines show exactly what a user would read after making that mistake.

type Json = Record<string, any>
const read = (name: string): Json => JSON.parse(readFileSync(new URL(`../../fixtures/config/${name}`, import.meta.url), 'utf8')) as Json
const flat = (patch: (f: Json, d: Json) => void): string => {
  const f = read('flat.json')
  patch(f, f.domains['testing.audit-io.fr'])
  return JSON.stringify(f)
}
const full = (patch: (f: Json) => void): string => {
  const f = read('full.json')
  patch(f)
  return JSON.stringify(f)
}

/** The problems parseConfig reports; also checks that the message prints exactly those lines. */
function problemsOf (text: string): ConfigProblem[] {
  try {
    parseConfig(text, 'domains.json')
  } catch (err) {
    assert.ok(isHallError(err, 'HALL_ERR_CONFIG_INVALID'), `expected HALL_ERR_CONFIG_INVALID, got ${String(err)}`)
    const details = err.details as ConfigProblem[]
    assert.equal(err.message, `invalid domains.json:\n${details.map(p => `  ${p.path}: ${p.message}`).join('\n')}`)
    return details
  }
  assert.fail('the file was accepted')
}

const SSH_FINGERPRINT = 'expected the fingerprint as `ssh-keygen -lf` prints it: SHA256:<43 characters>'

const cases: Array<{ name: string, text: string, problems: ConfigProblem[] }> = [
  {
    name: 'wrong type (flat form)',
    text: flat((_f, d) => { d.wake_timeout_seconds = '120s' }),
    problems: [{ path: 'domains["testing.audit-io.fr"].wake_timeout_seconds', message: 'expected a number, got "120s"' }]
  },
  {
    name: 'wrong type (full form)',
    text: full(f => { f.servers.erp.probe_interval_seconds = true }),
    problems: [{ path: 'servers.erp.probe_interval_seconds', message: 'expected a number, got true' }]
  },
  {
    name: 'unknown key with a typo hint (full form)',
    text: full(f => { f.servers.erp.polcy = 'on_demand' }),
    problems: [{ path: 'servers.erp.polcy', message: 'unknown key (did you mean "policy"?)' }]
  },
  {
    name: 'a server key on a domain says where it belongs, instead of suggesting itself',
    text: full(f => { f.domains['erp.audit-io.fr'].wake_timeout_seconds = 120 }),
    problems: [{ path: 'domains["erp.audit-io.fr"].wake_timeout_seconds', message: 'unknown key here: "wake_timeout_seconds" belongs to a server (servers.NAME) or a flat-form domain (one with server_ip)' }]
  },
  {
    name: 'a command under a udp wake names the wake method that takes it',
    text: full(f => { f.servers.erp.wake.command = 'wakeonlan {mac}' }),
    problems: [{ path: 'servers.erp.wake.command', message: 'unknown key here: "command" belongs to an "ssh" wake or a shutdown' }]
  },
  {
    name: 'unknown key far from any known key: no hint',
    text: full(f => { f.domains['erp.audit-io.fr'].colour = 'blue' }),
    problems: [{ path: 'domains["erp.audit-io.fr"].colour', message: 'unknown key' }]
  },
  {
    name: 'bad MAC (full form)',
    text: full(f => { f.servers.erp.mac = 'AA:BB:CC:DD:EE' }),
    problems: [{ path: 'servers.erp.mac', message: 'expected a MAC address such as AA:BB:CC:DD:EE:FF, got "AA:BB:CC:DD:EE"' }]
  },
  {
    name: 'bad MAC (flat form)',
    text: flat((_f, d) => { d.server_mac = 'zz:bb:cc:dd:ee:ff' }),
    problems: [{ path: 'domains["testing.audit-io.fr"].server_mac', message: 'expected a MAC address such as AA:BB:CC:DD:EE:FF, got "zz:bb:cc:dd:ee:ff"' }]
  },
  {
    name: 'bad IP',
    text: full(f => { f.servers.erp.ip = '192.168.1.300' }),
    problems: [{ path: 'servers.erp.ip', message: 'expected an IPv4 address such as 192.168.1.20, got "192.168.1.300"' }]
  },
  {
    name: 'missing IP',
    text: full(f => { delete f.servers.erp.ip }),
    problems: [{ path: 'servers.erp.ip', message: 'is required' }]
  },
  {
    name: 'non-http upstream',
    text: full(f => { f.domains['erp.audit-io.fr'].upstream = 'ftp://192.168.1.30/' }),
    problems: [{ path: 'domains["erp.audit-io.fr"].upstream', message: 'expected an absolute http:// or https:// URL, got "ftp://192.168.1.30/"' }]
  },
  {
    name: 'javascript: redirect_url (flat form)',
    text: flat((_f, d) => { d.redirect_url = 'javascript:alert(1)' }),
    problems: [{ path: 'domains["testing.audit-io.fr"].redirect_url', message: 'expected an absolute http:// or https:// URL, got "javascript:alert(1)"' }]
  },
  {
    name: 'domain pointing at a missing server',
    text: full(f => { f.domains['erp.audit-io.fr'].server = 'erp2' }),
    problems: [{ path: 'domains["erp.audit-io.fr"].server', message: 'no server named "erp2" (known: erp, testing)' }]
  },
  {
    name: 'ssh wake naming a missing relay',
    text: full(f => { f.servers.testing.wake.relay = 'pi2' }),
    problems: [{ path: 'servers.testing.wake.relay', message: 'no relay named "pi2" (known: pi, testing-admin)' }]
  },
  {
    name: 'shutdown naming a missing relay',
    text: full(f => { f.servers.testing.shutdown.relay = 'admin' }),
    problems: [{ path: 'servers.testing.shutdown.relay', message: 'no relay named "admin" (known: pi, testing-admin)' }]
  },
  {
    name: 'unknown placeholder in the wake command',
    text: full(f => { f.servers.testing.wake.command = 'wakeonlan {mac} {host}' }),
    problems: [{ path: 'servers.testing.wake.command', message: 'unknown placeholder {host} (allowed: {mac}, {ip}, {broadcast})' }]
  },
  {
    name: 'placeholders are case-sensitive',
    text: full(f => { f.servers.testing.wake.command = 'etherwake {MAC}' }),
    problems: [{ path: 'servers.testing.wake.command', message: 'unknown placeholder {MAC} (allowed: {mac}, {ip}, {broadcast})' }]
  },
  {
    name: 'relay without host_key_sha256',
    text: full(f => { delete f.relays.pi.host_key_sha256 }),
    problems: [{ path: 'relays.pi.host_key_sha256', message: 'is required' }]
  },
  {
    name: 'relay with a truncated fingerprint',
    text: full(f => { f.relays.pi.host_key_sha256 = 'SHA256:abc' }),
    problems: [{ path: 'relays.pi.host_key_sha256', message: `${SSH_FINGERPRINT}, got "SHA256:abc"` }]
  },
  {
    name: 'relay with an MD5 fingerprint',
    text: full(f => { f.relays.pi.host_key_sha256 = 'MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48' }),
    problems: [{ path: 'relays.pi.host_key_sha256', message: `${SSH_FINGERPRINT}, got "MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48"` }]
  },
  {
    name: 'duplicate hosts differing only by case',
    text: full(f => { f.domains['ERP.Audit-IO.fr'] = { server: 'erp', upstream: 'https://192.168.1.30:443' } }),
    problems: [{ path: 'domains["ERP.Audit-IO.fr"]', message: 'duplicates domain "erp.audit-io.fr" (host names are case-insensitive)' }]
  },
  {
    name: 'schedule with a bad time zone and time',
    text: full(f => { f.servers.testing.schedule = { timezone: 'Mars/Olympus', windows: [{ days: ['mon'], from: '8h', to: '19:00' }] } }),
    problems: [
      { path: 'servers.testing.schedule.timezone', message: 'expected an IANA time zone such as Europe/Paris, got "Mars/Olympus"' },
      { path: 'servers.testing.schedule.windows[0].from', message: 'expected a time "HH:MM" from 00:00 to 24:00, got "8h"' }
    ]
  },
  {
    name: 'no domains at all',
    text: '{}',
    problems: [{ path: 'domains', message: 'is required' }]
  },
  {
    name: 'top level is not an object',
    text: '[]',
    problems: [{ path: '(top level)', message: 'expected an object, got []' }]
  }
]

for (const c of cases) {
  test(`broken domains.json: ${c.name}`, () => {
    assert.deepEqual(problemsOf(c.text), c.problems)
  })
}

test('broken domains.json: invalid JSON says so, with the parser\'s reason', () => {
  const problems = problemsOf('{ "domains": { "a.example.test": { } ')
  assert.equal(problems.length, 1)
  assert.equal(problems[0]?.path, '(file)')
  assert.match(problems[0]?.message ?? '', /^not valid JSON: .+/)
})

test('broken domains.json: an empty file is not valid JSON', () => {
  assert.deepEqual(problemsOf(''), [{ path: '(file)', message: 'not valid JSON: Unexpected end of JSON input' }])
})

test('broken domains.json: several schema problems are all reported, one line each', () => {
  const text = full(f => {
    f.relays.pi.host_key_sha256 = 'x'
    f.servers.erp.mac = 'nope'
    f.servers.erp.wake_timeout_seconds = '120s'
    f.servers.testing.polcy = 'always_on'
  })
  let message = ''
  try { parseConfig(text, 'domains.json') } catch (err) { message = (err as Error).message }
  assert.deepEqual(message.split('\n'), [
    'invalid domains.json:',
    `  relays.pi.host_key_sha256: ${SSH_FINGERPRINT}, got "x"`,
    '  servers.testing.polcy: unknown key (did you mean "policy"?)',
    '  servers.erp.mac: expected a MAC address such as AA:BB:CC:DD:EE:FF, got "nope"',
    '  servers.erp.wake_timeout_seconds: expected a number, got "120s"'
  ])
})

test('broken domains.json: several cross-reference problems are all reported', () => {
  const problems = problemsOf(full(f => {
    f.domains['erp.audit-io.fr'].server = 'erp2'
    f.domains['Testing.audit-io.fr'] = { server: 'testing', upstream: 'https://192.168.1.20:8443' }
    f.servers.testing.wake.relay = 'pi2'
    f.servers.testing.wake.command = 'wakeonlan {mac} {port}'
  }))
  assert.deepEqual(problems.map(p => p.path).sort(), [
    'domains["Testing.audit-io.fr"]',
    'domains["erp.audit-io.fr"].server',
    'servers.testing.wake.command',
    'servers.testing.wake.relay'
  ])
})

// The tests below assert what a user should read; they fail against the current issues.ts/load.ts
// (see the report that came with them).

test('broken domains.json: a typo in a required flat key gets a hint and "is required"', () => {
  const problems = problemsOf(flat((_f, d) => {
    d.wol_polcy = d.wol_policy
    delete d.wol_policy
  }))
  assert.deepEqual(problems, [
    { path: 'domains["testing.audit-io.fr"].wol_policy', message: 'is required' },
    { path: 'domains["testing.audit-io.fr"].wol_polcy', message: 'unknown key (did you mean "wol_policy"?)' }
  ])
})

test('broken domains.json: a missing wake method is "is required"', () => {
  assert.deepEqual(problemsOf(full(f => { delete f.servers.erp.wake.method })),
    [{ path: 'servers.erp.wake.method', message: 'is required' }])
})

test('broken domains.json: an unknown wake method quotes the value found', () => {
  const problems = problemsOf(full(f => { f.servers.erp.wake.method = 'carrier-pigeon' }))
  assert.equal(problems.length, 1)
  assert.equal(problems[0]?.path, 'servers.erp.wake.method')
  assert.match(problems[0]?.message ?? '', /udp.*ssh.*, got "carrier-pigeon"$/)
})

test('broken domains.json: a domain key that is not a host name says what a host name is', () => {
  const problems = problemsOf(full(f => { f.domains['erp audit-io.fr'] = f.domains['erp.audit-io.fr'] }))
  assert.equal(problems.length, 1)
  assert.equal(problems[0]?.path, 'domains["erp audit-io.fr"]')
  assert.match(problems[0]?.message ?? '', /^expected a host name such as app\.example\.com/)
})

test('broken domains.json: schema and cross-reference problems are reported together', () => {
  const problems = problemsOf(full(f => {
    f.servers.erp.mac = 'nope'
    f.domains['testing.audit-io.fr'].server = 'testing2'
  }))
  assert.deepEqual(problems, [
    { path: 'servers.erp.mac', message: 'expected a MAC address such as AA:BB:CC:DD:EE:FF, got "nope"' },
    { path: 'domains["testing.audit-io.fr"].server', message: 'no server named "testing2" (known: erp, testing)' }
  ])
})
