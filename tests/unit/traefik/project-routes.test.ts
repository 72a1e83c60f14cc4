import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import test from 'node:test'
import { parseConfig } from '../../../service/src/config/load.js'
import type { DomainConfig, HallConfig } from '../../../service/src/config/types.js'
import type { AccessMode, ProjectSpec } from '../../../service/src/projects/types.js'
import { renderTraefik, unroutedProjects } from '../../../service/src/traefik/render.js'

const PUBLIC_URL = 'https://hall.example.com'

/** The DESIGN.md full example, `testing` hosting projects, routers with a cert resolver. */
function hosting (certResolver: string | null = 'letsencrypt'): HallConfig {
  const file = JSON.parse(readFileSync(new URL('../../fixtures/config/full.json', import.meta.url), 'utf8'))
  file.servers.testing.capacity = { cpu: 8, memory_mib: 16384, disk_gib: 200 }
  file.servers.testing.podman = { relay: 'testing-admin' }
  file.traefik = certResolver === null ? {} : { cert_resolver: certResolver }
  return parseConfig(JSON.stringify(file))
}

function project (name: string, access: AccessMode, over: Partial<ProjectSpec> = {}): ProjectSpec {
  return {
    name,
    client: `${name} corp`,
    host: `${name}.testing.audit-io.fr`,
    server: 'testing',
    port: 10080,
    containerPort: 80,
    image: 'docker.io/library/nginx:1.27',
    allocation: { cpu: 1, memoryMib: 512, diskGib: 5 },
    access,
    ...over
  }
}

const three = [project('acme', 'certificate', { port: 10080 }), project('globex', 'members', { port: 10081 }), project('initech', 'public', { port: 10082 })]

test('a certificate project: passTLSClientCert, then forward-auth, on a router asking for a client certificate', () => {
  const dynamic = renderTraefik(hosting(), PUBLIC_URL, undefined, three)
  assert.deepEqual(dynamic.http.routers.hall_project_acme, {
    entryPoints: ['websecure'],
    // this order: forwardAuth copies the request's headers, X-Forwarded-Tls-Client-Cert included,
    // only once passTLSClientCert has set it
    middlewares: ['hall_client_certificate', 'hall_project'],
    rule: 'Host(`acme.testing.audit-io.fr`)',
    service: 'hall_project_acme',
    tls: { certResolver: 'letsencrypt', options: 'hall-client-certificate' }
  })
  assert.deepEqual(dynamic.http.middlewares.hall_client_certificate, { passTLSClientCert: { pem: true } })
  // Hall's forwardAuth again, but the request's Cookie header is replaced by Hall's copy, which
  // leaves out the portal's session cookie: a client's app never sees other people's sessions
  assert.deepEqual(dynamic.http.middlewares.hall_project, {
    forwardAuth: { address: 'http://127.0.0.1:8080/forward-auth', authResponseHeaders: ['X-Hall-Server', 'Cookie'], maxResponseBodySize: dynamic.http.middlewares.hall!.forwardAuth!.maxResponseBodySize, trustForwardHeader: false }
  })
  assert.deepEqual(dynamic.tls, {
    options: { 'hall-client-certificate': { clientAuth: { clientAuthType: 'RequireAnyClientCert' }, minVersion: 'VersionTLS12' } }
  })
  assert.deepEqual(dynamic.http.services.hall_project_acme, {
    loadBalancer: { passHostHeader: true, servers: [{ url: 'http://192.168.1.20:10080' }] }
  })
})

test('members and public projects: forward-auth only, the default TLS option, each to its own port', () => {
  const { http } = renderTraefik(hosting(), PUBLIC_URL, undefined, three)
  for (const [name, port] of [['globex', 10081], ['initech', 10082]] as const) {
    assert.deepEqual(http.routers[`hall_project_${name}`], {
      entryPoints: ['websecure'],
      middlewares: ['hall_project'],
      rule: `Host(\`${name}.testing.audit-io.fr\`)`,
      service: `hall_project_${name}`,
      tls: { certResolver: 'letsencrypt' }
    })
    assert.equal(http.services[`hall_project_${name}`]?.loadBalancer.servers[0]?.url, `http://192.168.1.20:${port}`)
  }
})

test('without a certificate project, no passTLSClientCert and no TLS option at all', () => {
  const dynamic = renderTraefik(hosting(), PUBLIC_URL, undefined, three.slice(1))
  assert.equal('hall_client_certificate' in dynamic.http.middlewares, false)
  assert.equal('tls' in dynamic, false)
  assert.deepEqual(Object.keys(dynamic.http.routers), ['hall', 'hall-erp-audit-io-fr', 'hall-testing-audit-io-fr', 'hall_admin', 'hall_project_globex', 'hall_project_initech'])
})

test('without a cert resolver, the certificate router keeps only its TLS option', () => {
  const { http } = renderTraefik(hosting(null), PUBLIC_URL, undefined, three)
  assert.deepEqual(http.routers.hall_project_acme?.tls, { options: 'hall-client-certificate' })
  assert.deepEqual(http.routers.hall_project_globex?.tls, {})
})

test('a project domain already in config.domains is routed from the project list only', () => {
  const config = hosting()
  const fileDomain = config.domains.get('testing.audit-io.fr')!
  const acmeDomain: DomainConfig = { ...fileDomain, host: 'acme.testing.audit-io.fr', upstream: 'http://192.168.1.20:10080', project: 'acme' }
  const withProjectDomain: HallConfig = { ...config, domains: new Map([...config.domains, [acmeDomain.host, acmeDomain]]) }
  // no list, no router: the domain map's copy is for the gate, not for Traefik
  assert.deepEqual(renderTraefik(withProjectDomain, PUBLIC_URL), renderTraefik(config, PUBLIC_URL))
  // with the list, exactly one router on that host, the project's
  const { http } = renderTraefik(withProjectDomain, PUBLIC_URL, undefined, three)
  const onAcme = Object.entries(http.routers).filter(([, r]) => r.rule === 'Host(`acme.testing.audit-io.fr`)').map(([name]) => name)
  assert.deepEqual(onAcme, ['hall_project_acme'])
})

test('a project whose server is gone is left out, and the others still render', () => {
  const gone = project('hooli', 'members', { server: 'retired' })
  const { http } = renderTraefik(hosting(), PUBLIC_URL, undefined, [gone, ...three])
  assert.equal(http.routers.hall_project_hooli, undefined)
  assert.equal(http.services.hall_project_hooli, undefined)
  assert.ok(http.routers.hall_project_acme)
  assert.deepEqual(unroutedProjects(hosting(), PUBLIC_URL, [gone, ...three]).map(u => [u.project.name, u.reason]), [['hooli', 'server-missing']])
})

test('a project on a file domain\'s host or on Hall\'s own host is not routed: one router per host, the file\'s', () => {
  const onFileDomain = project('squatter', 'certificate', { host: 'testing.audit-io.fr' })
  const onHall = project('hallish', 'public', { host: 'hall.example.com' })
  const config = hosting()
  const dynamic = renderTraefik(config, PUBLIC_URL, undefined, [onFileDomain, onHall])
  assert.deepEqual(dynamic, renderTraefik(config, PUBLIC_URL), 'as if neither project existed: no router, no TLS option')
  const rules = Object.values(dynamic.http.routers).map(r => r.rule)
  assert.equal(rules.filter(r => r === 'Host(`testing.audit-io.fr`)').length, 1)
  assert.equal(dynamic.http.services['hall-testing-audit-io-fr']?.loadBalancer.servers[0]?.url, 'https://192.168.1.20:8443')
  assert.deepEqual(unroutedProjects(config, PUBLIC_URL, [onFileDomain, onHall]).map(u => [u.project.name, u.reason]),
    [['hallish', 'host-taken'], ['squatter', 'host-taken']])
})

test('two projects on one host: the first by name keeps it; a malformed project is never written into a rule', () => {
  const first = project('alpha', 'public', { host: 'shared.testing.audit-io.fr' })
  const second = project('beta', 'certificate', { host: 'shared.testing.audit-io.fr' })
  const injected = project('evil', 'public', { host: 'x.test`) || Host(`hall.example.com' })
  const badPort = project('noport', 'public', { port: 70000 })
  const { http } = renderTraefik(hosting(), PUBLIC_URL, undefined, [second, injected, badPort, first])
  assert.deepEqual(Object.keys(http.routers).filter(n => n.startsWith('hall_project_')), ['hall_project_alpha'])
  assert.deepEqual(unroutedProjects(hosting(), PUBLIC_URL, [second, injected, badPort, first]).map(u => [u.project.name, u.reason]),
    [['noport', 'invalid'], ['beta', 'host-taken'], ['evil', 'invalid']])
})

test('deterministic: the same projects in any order give the same bytes', () => {
  const config = hosting()
  const once = JSON.stringify(renderTraefik(config, PUBLIC_URL, undefined, three))
  assert.equal(JSON.stringify(renderTraefik(config, PUBLIC_URL, undefined, [...three].reverse())), once)
  const middlewares = Object.keys(renderTraefik(config, PUBLIC_URL, undefined, three).http.middlewares)
  assert.deepEqual(middlewares, ['hall', 'hall_admin_lan', 'hall_client_certificate', 'hall_project'], 'keys sorted')
})
