import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import test from 'node:test'
import { parseCidr } from '../../../service/src/config/cidr.js'
import { parseConfig } from '../../../service/src/config/load.js'
import { isHallError } from '../../../service/src/errors.js'
import { assertRenderable, renderTraefik, type DynamicConfig } from '../../../service/src/traefik/render.js'
import { toTraefikYaml } from '../../../service/src/traefik/yaml.js'

const PUBLIC_URL = 'https://hall.example.com'
type DomainsJson = { domains: Record<string, Record<string, unknown>>, traefik?: Record<string, unknown> } & Record<string, unknown>
/** The DESIGN.md full example: two domains, neither with a self-signed upstream, no traefik section. */
const full = (): DomainsJson => JSON.parse(readFileSync(new URL('../../fixtures/config/full.json', import.meta.url), 'utf8'))
const render = (file: DomainsJson, publicUrl = PUBLIC_URL): DynamicConfig => renderTraefik(parseConfig(JSON.stringify(file)), publicUrl)

function withOptions (): DomainsJson {
  const file = full()
  file.domains['testing.audit-io.fr']!.insecure_tls = true
  file.traefik = { entry_point: 'https', cert_resolver: 'letsencrypt', hall_url: 'http://hall:8080/' }
  return file
}

test('every domain router runs Hall\'s forwardAuth first, and only that', () => {
  const { http } = render(withOptions())
  const domainRouters = Object.entries(http.routers).filter(([name]) => name !== 'hall' && name !== 'hall_admin')
  assert.deepEqual(domainRouters.map(([name]) => name), ['hall-erp-audit-io-fr', 'hall-testing-audit-io-fr'])
  for (const [name, router] of domainRouters) assert.deepEqual(router.middlewares, ['hall'], name)
  assert.deepEqual(http.middlewares.hall, {
    forwardAuth: {
      address: 'http://hall:8080/forward-auth',
      authResponseHeaders: ['X-Hall-Server'],
      maxResponseBodySize: 65536,
      trustForwardHeader: false
    }
  })
})

test('/admin has a router of its own on Hall\'s host, behind an ipAllowList of HALL_ADMIN_ALLOW', () => {
  const lan = [parseCidr('192.168.1.0/24')!, parseCidr('::1')!]
  const { http } = renderTraefik(parseConfig(JSON.stringify(withOptions())), PUBLIC_URL, lan)
  assert.deepEqual(http.routers.hall_admin, {
    entryPoints: ['https'],
    middlewares: ['hall_admin_lan'],
    rule: 'Host(`hall.example.com`) && (Path(`/admin`) || PathPrefix(`/admin/`))',
    service: 'hall',
    tls: { certResolver: 'letsencrypt' }
  })
  assert.deepEqual(http.middlewares.hall_admin_lan, { ipAllowList: { sourceRange: ['192.168.1.0/24', '::1/128'] } })
  // the public router still leaves /admin out: only the admin router, with its allow-list, takes it
  assert.doesNotMatch(http.routers.hall!.rule, /admin/)
})

test('without an allow-list given, /admin is open to loopback and the private ranges only (HALL_ADMIN_ALLOW\'s default)', () => {
  const { http } = render(full())
  assert.deepEqual(http.middlewares.hall_admin_lan.ipAllowList.sourceRange,
    ['127.0.0.0/8', '::1/128', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'])
})

test('a domain router: Host rule, configured entry point and cert resolver, its own service to the upstream', () => {
  const { http } = render(withOptions())
  assert.deepEqual(http.routers['hall-testing-audit-io-fr'], {
    entryPoints: ['https'],
    middlewares: ['hall'],
    rule: 'Host(`testing.audit-io.fr`)',
    service: 'hall-testing-audit-io-fr',
    tls: { certResolver: 'letsencrypt' }
  })
  assert.deepEqual(http.services['hall-erp-audit-io-fr'], {
    loadBalancer: { passHostHeader: true, servers: [{ url: 'https://192.168.1.30:443' }] }
  })
})

test('defaults: websecure entry point, tls without a resolver, Hall on 127.0.0.1:8080', () => {
  const { http } = render(full())
  assert.deepEqual(http.routers['hall-erp-audit-io-fr']?.entryPoints, ['websecure'])
  assert.deepEqual(http.routers['hall-erp-audit-io-fr']?.tls, {})
  assert.equal(http.middlewares.hall?.forwardAuth.address, 'http://127.0.0.1:8080/forward-auth')
})

test('serversTransport only for the domain whose upstream is self-signed', () => {
  const { http } = render(withOptions())
  assert.equal(http.services['hall-testing-audit-io-fr']?.loadBalancer.serversTransport, 'hall-insecure-tls')
  assert.equal(http.services['hall-erp-audit-io-fr']?.loadBalancer.serversTransport, undefined)
  assert.equal(http.services.hall?.loadBalancer.serversTransport, undefined)
  assert.deepEqual(http.serversTransports, { 'hall-insecure-tls': { insecureSkipVerify: true } })
  assert.equal('serversTransports' in render(full()).http, false, 'no transport at all when no domain needs one')
})

// Traefik's rule language, the part Hall uses: Host, Path, PathPrefix, &&, || and parentheses.
function matches (rule: string, host: string, path: string): boolean {
  const tokens = rule.match(/\w+\(`[^`]*`\)|&&|\|\||\(|\)/g) ?? []
  assert.equal(tokens.join(''), rule.replace(/\s+/g, ''), `rule fully tokenised: ${rule}`)
  let i = 0
  const primary = (): boolean => {
    const t = tokens[i++]
    if (t === '(') { const v = or(); assert.equal(tokens[i++], ')'); return v }
    const m = /^(\w+)\(`([^`]*)`\)$/.exec(t ?? '')
    assert.ok(m, `matcher expected at ${t}`)
    if (m[1] === 'Host') return host.toLowerCase() === m[2]!.toLowerCase()
    if (m[1] === 'Path') return path === m[2]
    if (m[1] === 'PathPrefix') return path.startsWith(m[2]!)
    throw new Error(`matcher ${m[1]} not understood by this test`)
  }
  const and = (): boolean => { let v = primary(); while (tokens[i] === '&&') { i++; v = primary() && v } return v }
  const or = (): boolean => { let v = and(); while (tokens[i] === '||') { i++; v = and() || v } return v }
  const result = or()
  assert.equal(i, tokens.length, 'whole rule consumed')
  return result
}

const publicCases = [
  { path: '/', routed: true },
  { path: '/waiting/testing.audit-io.fr', routed: true },
  { path: '/api/status', routed: true },
  { path: '/api/status/erp.audit-io.fr', routed: true },
  { path: '/api/events/erp.audit-io.fr', routed: true },
  { path: '/api/redirect/erp.audit-io.fr', routed: true },
  { path: '/assets/hall.css', routed: true },
  { path: '/healthz', routed: true },
  { path: '/api/health', routed: true },
  { path: '/login', routed: true },
  { path: '/logout', routed: true },
  { path: '/projects', routed: true },
  { path: '/projects/acme/wake', routed: true },
  { path: '/loginx', routed: false },
  { path: '/forward-auth', routed: false },
  { path: '/forward-auth/nginx', routed: false },
  { path: '/traefik/dynamic', routed: false },
  { path: '/api/wol/testing', routed: false },
  { path: '/api/shutdown/testing', routed: false },
  { path: '/admin', routed: false },
  { path: '/admin/login', routed: false },
  { path: '/api/statusx', routed: false },
  { path: '/healthz/x', routed: false }
]
for (const c of publicCases) {
  test(`Hall's public router ${c.routed ? 'serves' : 'does not expose'} ${c.path}`, () => {
    const hall = render(full()).http.routers.hall!
    assert.equal(matches(hall.rule, 'hall.example.com', c.path), c.routed)
    assert.equal(matches(hall.rule, 'other.example.com', c.path), false, 'only on Hall\'s own host')
  })
}

const adminCases = [
  { path: '/admin', routed: true },
  { path: '/admin/', routed: true },
  { path: '/admin/login', routed: true },
  { path: '/admin/traefik/dashboard/', routed: true },
  { path: '/administrator', routed: false },
  { path: '/forward-auth/admin', routed: false },
  { path: '/', routed: false }
]
for (const c of adminCases) {
  test(`Hall's admin router ${c.routed ? 'takes' : 'leaves'} ${c.path}`, () => {
    const admin = render(full()).http.routers.hall_admin!
    assert.equal(matches(admin.rule, 'hall.example.com', c.path), c.routed)
    assert.equal(matches(admin.rule, 'other.example.com', c.path), false, 'only on Hall\'s own host')
  })
}

test('Hall\'s public router goes to Hall without forward-auth', () => {
  const { http } = render(withOptions())
  assert.equal(http.routers.hall?.middlewares, undefined)
  assert.equal(http.routers.hall?.service, 'hall')
  assert.deepEqual(http.routers.hall?.tls, { certResolver: 'letsencrypt' })
  assert.deepEqual(http.services.hall, { loadBalancer: { passHostHeader: true, servers: [{ url: 'http://hall:8080' }] } })
})

test('hosts that differ only by a dot or a dash get distinct routers and services', () => {
  const file = full()
  const upstream = 'http://192.168.1.30'
  file.domains = { 'a-b.test': { server: 'erp', upstream }, 'a.b-test': { server: 'erp', upstream: `${upstream}:81` } }
  const { http } = render(file)
  assert.deepEqual(Object.keys(http.routers), ['hall', 'hall-a-b-test', 'hall-a-b-test_2', 'hall_admin'])
  assert.equal(http.routers['hall-a-b-test']?.rule, 'Host(`a-b.test`)')
  assert.equal(http.routers['hall-a-b-test_2']?.rule, 'Host(`a.b-test`)')
  assert.equal(http.services['hall-a-b-test_2']?.loadBalancer.servers[0]?.url, `${upstream}:81`)
})

test('deterministic: the same config gives the same bytes, whatever the order of domains.json', () => {
  const source = { configFile: 'domains.json', publicUrl: PUBLIC_URL }
  const file = withOptions()
  const reversed = { ...file, domains: Object.fromEntries(Object.entries(file.domains).reverse()) }
  const once = toTraefikYaml(render(file), source)
  assert.equal(toTraefikYaml(render(file), source), once)
  assert.equal(toTraefikYaml(render(reversed), source), once)
  assert.equal(JSON.stringify(render(reversed)), JSON.stringify(render(file)))
})

test('a public URL Hall cannot be routed at is refused, naming HALL_PUBLIC_URL', () => {
  for (const url of ['https://example.com/hall', 'https://hall.example.com/?x=1']) {
    assert.throws(() => render(full(), url), (err: unknown) => isHallError(err, 'HALL_ERR_ENV_INVALID') && /HALL_PUBLIC_URL/.test(err.message), url)
  }
  assert.equal(render(full(), 'http://hall.example.com:8080/').http.routers.hall?.rule.startsWith('Host(`hall.example.com`) && '), true)
})

test('a domain that is Hall\'s own public host is refused: the two routers would overlap', () => {
  assert.throws(() => render(full(), 'https://erp.audit-io.fr'), (err: unknown) => isHallError(err, 'HALL_ERR_CONFIG_INVALID') && /erp\.audit-io\.fr/.test(err.message))
})

test('assertRenderable, which start and reload use instead of a full render, refuses exactly what the renderer refuses', () => {
  for (const url of ['https://erp.audit-io.fr', 'https://example.com/hall', 'https://hall.example.com/?x=1', 'https://hall.example.com']) {
    let rendered: unknown = null
    let checked: unknown = null
    try { render(full(), url) } catch (err) { rendered = err }
    try { assertRenderable(parseConfig(JSON.stringify(full())), url) } catch (err) { checked = err }
    assert.equal((checked as Error | null)?.message, (rendered as Error | null)?.message, url)
  }
})
