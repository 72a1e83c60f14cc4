import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test from 'node:test'
import { fileURLToPath } from 'node:url'
import { loadConfigFile, parseConfig } from '../../../service/src/config/load.js'
import type { HealthCheck, ServerConfig } from '../../../service/src/config/types.js'
import { isHallError } from '../../../service/src/errors.js'

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/config/${name}`, import.meta.url))

function serverOf (config: ReturnType<typeof parseConfig>, name: string): ServerConfig {
  const server = config.servers.get(name)
  assert.ok(server, `server ${name} exists`)
  return server
}

test('flat form (DESIGN.md example): one server named after the domain', () => {
  const config = loadConfigFile(fixture('flat.json'))
  assert.deepEqual([...config.domains.keys()], ['testing.audit-io.fr'])
  assert.deepEqual([...config.servers.keys()], ['testing.audit-io.fr'])
  assert.equal(config.relays.size, 0)
  assert.deepEqual(config.domains.get('testing.audit-io.fr'), {
    host: 'testing.audit-io.fr', server: 'testing.audit-io.fr', upstream: 'https://testing-app:8443', listed: true, wakeOn: 'browser', ignoreUserAgents: [], insecureTls: false, project: null
  })
  const server = serverOf(config, 'testing.audit-io.fr')
  assert.equal(server.ip, '192.168.1.20')
  assert.equal(server.mac, 'aa:bb:cc:dd:ee:ff')
  assert.equal(server.policy, 'on_demand')
  assert.deepEqual(server.wake, { method: 'udp', broadcast: '255.255.255.255', port: 9, secureOn: null })
  assert.equal(server.wakeTimeoutMs, 120_000)
  assert.equal(server.idleShutdownMs, 20 * 60_000)
  assert.equal(server.shutdown, null)
  assert.deepEqual(server.health, [
    { type: 'http', url: 'https://testing-app:8443', expectStatus: { kind: 'below', limit: 500 }, expectBody: null, insecureTls: true }
  ])
})

test('full form (DESIGN.md example): relays resolved, units in ms, MACs canonical', () => {
  const config = loadConfigFile(fixture('full.json'))
  assert.deepEqual([...config.servers.keys()].sort(), ['erp', 'testing'])
  assert.deepEqual([...config.relays.keys()].sort(), ['pi', 'testing-admin'])

  const testing = serverOf(config, 'testing')
  const pi = config.relays.get('pi')
  assert.deepEqual(pi, {
    name: 'pi',
    host: '192.168.1.2',
    port: 22,
    user: 'hall',
    privateKeyFile: '/run/secrets/hall_ssh_key',
    hostKeySha256: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
    commandTimeoutMs: 30_000
  })
  assert.equal(config.relays.get('testing-admin')?.port, 22, 'relay port defaults to 22')
  assert.deepEqual(testing.wake, { method: 'ssh', relay: pi, command: 'wakeonlan -i {broadcast} {mac}', broadcast: '192.168.1.255' })
  assert.equal(testing.shutdown?.relay, config.relays.get('testing-admin'))
  assert.equal(testing.shutdown?.command, 'sudo systemctl poweroff')

  assert.equal(testing.mac, 'aa:bb:cc:dd:ee:ff')
  assert.equal(testing.probeIntervalMs, 10_000)
  assert.equal(testing.probeTimeoutMs, 2_000)
  assert.equal(testing.wakeTimeoutMs, 120_000)
  assert.equal(testing.idleShutdownMs, 1_200_000)
  assert.deepEqual(testing.schedule, {
    timezone: 'Europe/Paris',
    windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], fromMinute: 480, toMinute: 1140 }]
  })
  // no boot_watts in the file: waking and booting are counted at on_watts
  assert.deepEqual(testing.power, { onWatts: 120, offWatts: 3, bootWatts: 120 })
  const expected: HealthCheck[] = [
    { type: 'ping', host: '192.168.1.20' },
    { type: 'tcp', host: '192.168.1.20', port: 22 },
    { type: 'http', url: 'http://192.168.1.20:8080/health', expectStatus: { kind: 'codes', codes: [200] }, expectBody: null, insecureTls: false }
  ]
  assert.deepEqual(testing.health, expected, 'explicit HTTP check: no implicit upstream check added')

  const erp = serverOf(config, 'erp')
  assert.equal(erp.mac, '11:22:33:44:55:66')
  assert.equal(erp.policy, 'scheduled')
  assert.deepEqual(erp.wake, { method: 'udp', broadcast: '192.168.1.255', port: 9, secureOn: null })
  assert.equal(erp.idleShutdownMs, 20 * 60_000, 'idle shutdown defaults to 20 minutes')
  assert.equal(erp.schedule, null)

  assert.deepEqual(config.domains.get('erp.audit-io.fr'), {
    host: 'erp.audit-io.fr', server: 'erp', upstream: 'https://192.168.1.30:443', listed: true, wakeOn: 'browser', ignoreUserAgents: [], insecureTls: false, project: null
  })
})

test('the loaded config is frozen', () => {
  const config = loadConfigFile(fixture('full.json'))
  assert.ok(Object.isFrozen(config))
  assert.ok(Object.isFrozen(config.servers.get('erp')))
  assert.ok(Object.isFrozen(config.relays.get('pi')))
})

test('full form: domain hosts lower-cased, MAC notations canonical', () => {
  const config = parseConfig(JSON.stringify({
    servers: {
      a: { ip: '10.0.0.1', mac: 'AA-BB-CC-DD-EE-01' },
      b: { ip: '10.0.0.2', mac: 'aabb.ccdd.ee02' }
    },
    domains: {
      'App.Example.TEST': { server: 'a', upstream: 'http://10.0.0.1:8080' },
      'b.example.test': { server: 'b', upstream: 'http://10.0.0.2' }
    }
  }))
  assert.deepEqual([...config.domains.keys()].sort(), ['app.example.test', 'b.example.test'])
  assert.equal(config.domains.get('app.example.test')?.host, 'app.example.test')
  assert.equal(config.servers.get('a')?.mac, 'aa:bb:cc:dd:ee:01')
  assert.equal(config.servers.get('b')?.mac, 'aa:bb:cc:dd:ee:02')
})

test('a server without an HTTP check is probed on each of its domains\' upstreams', () => {
  const config = parseConfig(JSON.stringify({
    servers: {
      k3s: { ip: '10.0.0.5', mac: '00:11:22:33:44:55', policy: 'always_on', health: [{ type: 'tcp', port: 6443 }] }
    },
    domains: {
      'one.example.test': { server: 'k3s', upstream: 'https://10.0.0.5:443' },
      'two.example.test': { server: 'k3s', upstream: 'http://10.0.0.5:8080' },
      'three.example.test': { server: 'k3s', upstream: 'https://10.0.0.5:443' }
    }
  }))
  const k3s = serverOf(config, 'k3s')
  assert.deepEqual(k3s.health, [
    { type: 'tcp', host: '10.0.0.5', port: 6443 },
    { type: 'http', url: 'https://10.0.0.5:443', expectStatus: { kind: 'below', limit: 500 }, expectBody: null, insecureTls: true },
    { type: 'http', url: 'http://10.0.0.5:8080', expectStatus: { kind: 'below', limit: 500 }, expectBody: null, insecureTls: true }
  ])
  assert.equal(k3s.idleShutdownMs, null, 'always_on never idles out')
})

test('expect_status: list and class notations', () => {
  const config = parseConfig(JSON.stringify({
    servers: {
      s: {
        ip: '10.0.0.1',
        mac: '00:11:22:33:44:55',
        health: [
          { type: 'http', url: 'http://10.0.0.1/a', expect_status: [200, 204] },
          { type: 'http', url: 'http://10.0.0.1/b', expect_status: '3xx', expect_body: 'ok', insecure_tls: true }
        ]
      }
    },
    domains: { 's.example.test': { server: 's', upstream: 'http://10.0.0.1' } }
  }))
  assert.deepEqual(serverOf(config, 's').health, [
    { type: 'http', url: 'http://10.0.0.1/a', expectStatus: { kind: 'codes', codes: [200, 204] }, expectBody: null, insecureTls: false },
    { type: 'http', url: 'http://10.0.0.1/b', expectStatus: { kind: 'class', hundreds: 3 }, expectBody: 'ok', insecureTls: true }
  ])
})

test('relay "insecure-accept-any" is accepted when written in so many words', () => {
  const config = parseConfig(JSON.stringify({
    relays: { pi: { host: 'pi.lan', user: 'hall', private_key_file: '/k', host_key_sha256: 'insecure-accept-any' } },
    servers: { s: { ip: '10.0.0.1', mac: '00:11:22:33:44:55', wake: { method: 'ssh', relay: 'pi' } } },
    domains: { 's.example.test': { server: 's', upstream: 'http://10.0.0.1' } }
  }))
  assert.equal(config.relays.get('pi')?.hostKeySha256, 'insecure-accept-any')
  const wake = serverOf(config, 's').wake
  assert.equal(wake.method, 'ssh')
  assert.equal(wake.method === 'ssh' ? wake.command : '', 'wakeonlan -i {broadcast} {mac}', 'default wake command')
})

test('udp wake: SecureOn password becomes 6 bytes', () => {
  const config = parseConfig(JSON.stringify({
    servers: { s: { ip: '10.0.0.1', mac: '00:11:22:33:44:55', wake: { method: 'udp', broadcast: '127.0.0.1', secureon: '01-02-03-04-05-06' } } },
    domains: { 's.example.test': { server: 's', upstream: 'http://10.0.0.1' } }
  }))
  const wake = serverOf(config, 's').wake
  assert.deepEqual(wake, { method: 'udp', broadcast: '127.0.0.1', port: 9, secureOn: Buffer.from([1, 2, 3, 4, 5, 6]) })
})

test('loadConfigFile: a missing file is HALL_ERR_CONFIG_READ naming the file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hall-config-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'nope.json')
  assert.throws(() => loadConfigFile(file), (err: unknown) => {
    assert.ok(isHallError(err, 'HALL_ERR_CONFIG_READ'))
    assert.equal(err.message, `cannot read ${file}: ENOENT`)
    return true
  })
})

test('loadConfigFile: problems are reported against the file name', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hall-config-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'domains.json')
  writeFileSync(file, '{ "domains": { "a.example.test": { "server": "x", "upstream": "http://10.0.0.1" } } }')
  assert.throws(() => loadConfigFile(file), (err: unknown) => {
    assert.ok(isHallError(err, 'HALL_ERR_CONFIG_INVALID'))
    assert.equal(err.message, `invalid ${file}:\n  domains["a.example.test"].server: no server named "x" (known: none)`)
    return true
  })
})
