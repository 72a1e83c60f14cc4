import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { request } from 'undici'
import { readEnv } from '../../../service/src/config/env.js'
import { startService, type Service } from '../../../service/src/main.js'
import { freePort } from '../../helpers/free-port.js'
import { writeLoopbackConfig } from '../../helpers/hall-config.js'
import { until } from '../../helpers/hall-in-process.js'
import { serveOnLoopback } from '../../helpers/loopback-server.js'

// GET /api/redirect/:domain?to= with the open-redirect payloads the waiting page is tested with.
interface Payloads { domain: string, cases: Array<{ name: string, to: string, ok: boolean }> }
const payloads = JSON.parse(readFileSync(new URL('../../fixtures/open-redirect.json', import.meta.url), 'utf8')) as Payloads
const { domain } = payloads
const PUBLIC_URL = 'https://hall.example.test'

/** Hall fronting `domain`, whose server is up (a health endpoint answering 200) or asleep (a closed port). */
async function hallWith (t: TestContext, serving: boolean): Promise<Service> {
  const httpPort = serving ? Number(new URL(await serveOnLoopback(t, (_req, res) => res.end('ok'))).port) : await freePort()
  const config = writeLoopbackConfig({ udpPort: await freePort(), httpPort, domain })
  const dir = mkdtempSync(join(tmpdir(), 'hall-redirect-'))
  const hall = await startService(readEnv({ HALL_CONFIG: config.file, HALL_DB: join(dir, 'hall.db'), HALL_HOST: '127.0.0.1', HALL_PORT: '0', HALL_PUBLIC_URL: PUBLIC_URL, HALL_LOG_LEVEL: 'silent' }), { watch: false })
  t.after(async () => {
    await hall.close()
    config.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })
  await until(() => hall.fleet.lookup(domain)?.phase === (serving ? 'RUNNING' : 'OFFLINE'))
  return hall
}

async function redirect (hall: Service, path: string): Promise<{ status: number, location: string | undefined }> {
  const res = await request(`${hall.url}${path}`)
  await res.body.dump()
  return { status: res.statusCode, location: res.headers.location as string | undefined }
}

const query = (to: string): string => `/api/redirect/${domain}?to=${encodeURIComponent(to)}`

test('/api/redirect: a serving server sends the browser to `to`, only when `to` is on that domain', async (t) => {
  const hall = await hallWith(t, true)
  for (const c of payloads.cases) {
    const answer = await redirect(hall, query(c.to))
    assert.equal(answer.status, 302, c.name)
    assert.equal(answer.location, c.ok ? c.to : `https://${domain}/`, c.name)
  }
  assert.equal((await redirect(hall, `/api/redirect/${domain}`)).location, `https://${domain}/`, 'no `to`: the domain\'s root')
  assert.equal((await redirect(hall, query(`https://${domain}/café/€?q=ü`))).location, `https://${domain}/caf%C3%A9/%E2%82%AC?q=%C3%BC`, 'non-ASCII, percent-encoded')
})

test('/api/redirect: a sleeping server sends the browser to the waiting page, carrying only a safe `to`', async (t) => {
  const hall = await hallWith(t, false)
  for (const c of payloads.cases) {
    const answer = await redirect(hall, query(c.to))
    assert.equal(answer.status, 302, c.name)
    const safe = c.ok ? c.to : `https://${domain}/`
    assert.equal(answer.location, `${PUBLIC_URL}/waiting/${domain}?to=${encodeURIComponent(safe)}`, c.name)
  }
  assert.equal(hall.store.wakes.latest('lab'), null, 'asking where to go never wakes the server')
})

test('/api/redirect: an unknown domain is 404, never a redirect', async (t) => {
  const hall = await hallWith(t, false)
  const res = await request(`${hall.url}/api/redirect/evil.test?to=${encodeURIComponent('https://evil.test/')}`)
  assert.equal(res.statusCode, 404)
  assert.equal(res.headers.location, undefined)
  assert.equal((await res.body.json() as { error: string }).error, 'HALL_ERR_DOMAIN_UNKNOWN')
})
