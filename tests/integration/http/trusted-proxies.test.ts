import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { readEnv } from '../../../service/src/config/env.js'
import { startService } from '../../../service/src/main.js'
import { DOMAIN, startAsleep } from '../../helpers/hall-in-process.js'

/** A GET from a chosen loopback source address: 127.0.0.2 plays the proxy, 127.0.0.3 a LAN client. */
async function getFrom (source: string, url: string, headers: Record<string, string> = {}): Promise<{ status: number, body: string }> {
  return await new Promise((resolve, reject) => {
    const req = httpRequest(url, { localAddress: source, headers }, res => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { body += c })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

const forged = { 'x-forwarded-host': DOMAIN, 'x-forwarded-proto': 'https', 'x-forwarded-uri': '/', accept: 'text/html', 'user-agent': 'Mozilla/5.0 Firefox/140.0' }

test('forward-auth with forged forwarded headers from an untrusted address is refused, and wakes nothing', async (t) => {
  const { hall, packets } = await startAsleep(t, { HALL_TRUSTED_PROXIES: '127.0.0.2/32' })
  const lan = await getFrom('127.0.0.3', `${hall.url}/forward-auth`, forged)
  assert.equal(lan.status, 403)
  assert.equal(JSON.parse(lan.body).error, 'HALL_ERR_UNTRUSTED_PROXY')

  const proxy = await getFrom('127.0.0.2', `${hall.url}/forward-auth`, forged)
  assert.equal(proxy.status, 302, 'the same request from the proxy is answered')
  await packets.waitFor(3, 3000)
  assert.equal(packets.packets.length, 3, 'one wake: the proxy\'s, none for the forged request')
})

test('the nginx variant is guarded the same way', async (t) => {
  const { hall } = await startAsleep(t, { HALL_TRUSTED_PROXIES: '127.0.0.2/32' })
  assert.equal((await getFrom('127.0.0.3', `${hall.url}/forward-auth/nginx`, forged)).status, 403)
  assert.equal((await getFrom('127.0.0.2', `${hall.url}/forward-auth/nginx`, forged)).status, 401)
})

test('the Traefik configuration (LAN addresses of every upstream) is served only to trusted proxies', async (t) => {
  const { hall } = await startAsleep(t, { HALL_TRUSTED_PROXIES: '127.0.0.2/32' })
  assert.equal((await getFrom('127.0.0.3', `${hall.url}/traefik/dynamic`)).status, 403)
  const proxy = await getFrom('127.0.0.2', `${hall.url}/traefik/dynamic`)
  assert.equal(proxy.status, 200)
  assert.ok(JSON.parse(proxy.body).http.routers !== undefined)
})

test('pages and the status API stay open to everyone: browsers reach them directly', async (t) => {
  const { hall } = await startAsleep(t, { HALL_TRUSTED_PROXIES: '127.0.0.2/32' })
  assert.equal((await getFrom('127.0.0.3', `${hall.url}/api/status/${DOMAIN}`)).status, 200)
  assert.equal((await getFrom('127.0.0.3', `${hall.url}/healthz`)).status, 200)
})

test('an invalid HALL_TRUSTED_PROXIES is refused at start with the entry named', () => {
  assert.throws(() => readEnv({ HALL_TRUSTED_PROXIES: '127.0.0.0/8, 10.0.0.0/33' }), /HALL_TRUSTED_PROXIES=.*"10\.0\.0\.0\/33" is not an IP address or CIDR/)
})

test('GET /api/status: the gateway itself sees every domain and every server; the internet only the listed domains', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hall-status-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const configFile = join(dir, 'domains.json')
  writeFileSync(configFile, JSON.stringify({
    servers: {
      lab: { ip: '127.0.0.1', mac: '02:00:00:00:00:2a', health: [{ type: 'tcp', port: 9 }] },
      nas: { ip: '127.0.0.1', mac: '02:00:00:00:00:2b', health: [{ type: 'tcp', port: 9 }] }
    },
    domains: {
      [DOMAIN]: { server: 'lab', upstream: 'http://127.0.0.1:9' },
      'hidden.hall.test': { server: 'lab', upstream: 'http://127.0.0.1:9', listed: false }
    }
  }))
  const hall = await startService(readEnv({ HALL_CONFIG: configFile, HALL_DB: join(dir, 'hall.db'), HALL_HOST: '127.0.0.1', HALL_PORT: '0', HALL_LOG_LEVEL: 'silent', HALL_TRUSTED_PROXIES: '127.0.0.2/32' }))
  t.after(() => hall.close())

  const local = JSON.parse((await getFrom('127.0.0.2', `${hall.url}/api/status`)).body) as { domains: Array<{ domain: string }>, servers?: Array<{ server: string, domains: string[] }> }
  assert.deepEqual(local.domains.map(d => d.domain), ['app.hall.test', 'hidden.hall.test'])
  assert.deepEqual(local.servers?.map(s => [s.server, s.domains]), [['lab', ['app.hall.test', 'hidden.hall.test']], ['nas', []]])

  // through the proxy for a browser on the internet: X-Forwarded-For names it
  const pub = JSON.parse((await getFrom('127.0.0.2', `${hall.url}/api/status`, { 'x-forwarded-for': '203.0.113.5' })).body) as { domains: Array<{ domain: string }>, servers?: unknown }
  assert.deepEqual(pub.domains.map(d => d.domain), ['app.hall.test'])
  assert.equal(pub.servers, undefined)
})
