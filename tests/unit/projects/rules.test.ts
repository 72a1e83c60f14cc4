import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import test from 'node:test'
import { parseConfig } from '../../../service/src/config/load.js'
import type { HallConfig } from '../../../service/src/config/types.js'
import { isHallError, type ErrorCode } from '../../../service/src/errors.js'
import { checkProject, configProblemsWithProjects, type ProjectRulesContext } from '../../../service/src/projects/rules.js'
import type { Project, ProjectSpec } from '../../../service/src/projects/types.js'

/** The DESIGN.md full example with both servers hosting projects (testing: 8 CPU, erp: 4). */
function config (change: (file: any) => void = () => {}): HallConfig {
  const file = JSON.parse(readFileSync(new URL('../../fixtures/config/full.json', import.meta.url), 'utf8'))
  file.servers.testing.capacity = { cpu: 8, memory_mib: 16384, disk_gib: 200 }
  file.servers.testing.podman = { relay: 'testing-admin' }
  file.servers.erp.capacity = { cpu: 4, memory_mib: 8192, disk_gib: 100 }
  file.servers.erp.podman = { relay: 'testing-admin' }
  change(file)
  return parseConfig(JSON.stringify(file))
}

function spec (name: string, over: Partial<ProjectSpec> = {}): ProjectSpec {
  return {
    name,
    client: `${name} corp`,
    host: `${name}.testing.audit-io.fr`,
    server: 'testing',
    port: 10080,
    containerPort: 80,
    image: 'docker.io/library/nginx:1.27',
    allocation: { cpu: 1, memoryMib: 1024, diskGib: 10 },
    access: 'public',
    ...over
  }
}

function project (name: string, over: Partial<ProjectSpec> = {}): Project {
  return { ...spec(name, over), id: name.length, status: 'ready', statusReason: null, createdAt: 0, createdBy: 'test', updatedAt: 0, updatedBy: 'test' }
}

const acme = project('acme', { port: 10080 })
const ctx = (over: Partial<ProjectRulesContext> = {}): ProjectRulesContext => ({
  config: config(),
  others: [acme],
  publicHost: 'hall.audit-io.fr',
  cookieDomain: 'audit-io.fr',
  ...over
})

test('rules: a project that agrees with the config and the others passes, the same port on another server too', () => {
  assert.doesNotThrow(() => checkProject(spec('globex', { port: 10081 }), ctx()))
  assert.doesNotThrow(() => checkProject(spec('globex', { server: 'erp', port: 10080 }), ctx()))
  assert.doesNotThrow(() => checkProject(spec('globex', { port: 10081, access: 'members' }), ctx()))
  // editing a project: it is left out of the others, so its own host and port are no conflict
  assert.doesNotThrow(() => checkProject(spec('acme', { image: 'docker.io/library/nginx:1.28' }), ctx({ others: [] })))
})

const conflicts: Array<{ name: string, spec: ProjectSpec, ctx?: Partial<ProjectRulesContext>, code: ErrorCode, message: string }> = [
  { name: 'host is a file domain', spec: spec('globex', { host: 'erp.audit-io.fr', port: 10081 }), code: 'HALL_ERR_PROJECT_CONFLICT', message: 'host: erp.audit-io.fr is a domain of domains.json' },
  { name: 'host is Hall\'s', spec: spec('globex', { host: 'hall.audit-io.fr', port: 10081 }), code: 'HALL_ERR_PROJECT_CONFLICT', message: 'host: hall.audit-io.fr is Hall\'s own host' },
  { name: 'host is another project\'s', spec: spec('globex', { host: 'acme.testing.audit-io.fr', port: 10081 }), code: 'HALL_ERR_PROJECT_CONFLICT', message: 'host: acme.testing.audit-io.fr is already project acme\'s' },
  { name: 'name taken', spec: spec('acme', { host: 'acme2.testing.audit-io.fr', port: 10081 }), code: 'HALL_ERR_PROJECT_CONFLICT', message: 'name: a project named "acme" already exists' },
  { name: 'same port on the same server', spec: spec('globex', { port: 10080 }), code: 'HALL_ERR_PROJECT_CONFLICT', message: 'port: project acme already publishes port 10080 on testing' },
  { name: 'members without HALL_COOKIE_DOMAIN', spec: spec('globex', { port: 10081, access: 'members' }), ctx: { cookieDomain: null }, code: 'HALL_ERR_PROJECT_INVALID', message: 'access: "members" needs HALL_COOKIE_DOMAIN, the parent domain the portal\'s login cookie is sent to' },
  { name: 'members outside HALL_COOKIE_DOMAIN', spec: spec('globex', { port: 10081, access: 'members', host: 'globex.example.com' }), code: 'HALL_ERR_PROJECT_INVALID', message: 'access: "members" needs a host under HALL_COOKIE_DOMAIN (audit-io.fr), so the portal\'s login reaches it; globex.example.com is not' },
  { name: 'members on a look-alike domain', spec: spec('globex', { port: 10081, access: 'members', host: 'globex.evil-audit-io.fr' }), code: 'HALL_ERR_PROJECT_INVALID', message: 'access: "members" needs a host under HALL_COOKIE_DOMAIN (audit-io.fr), so the portal\'s login reaches it; globex.evil-audit-io.fr is not' },
  { name: 'no such server', spec: spec('globex', { server: 'nas', port: 10081 }), code: 'HALL_ERR_PROJECT_INVALID', message: 'server: no server named "nas" in domains.json' },
  { name: 'a server without capacity', spec: spec('globex', { port: 10081 }), ctx: { config: config(file => { delete file.servers.testing.capacity; delete file.servers.testing.podman }) }, code: 'HALL_ERR_PROJECT_INVALID', message: 'server: testing hosts no projects: give it "capacity" and "podman" in domains.json' },
  { name: 'more than is left', spec: spec('globex', { port: 10081, allocation: { cpu: 7.001, memoryMib: 1, diskGib: 1 } }), code: 'HALL_ERR_PROJECT_CAPACITY', message: 'server testing has not enough CPU left: 7 CPU, 15360 MiB memory, 190 GiB disk are free of 8 CPU, 16384 MiB memory, 200 GiB disk, and the project asks for 7.001 CPU, 1 MiB memory, 1 GiB disk' }
]
for (const c of conflicts) {
  test(`rules: refused: ${c.name}`, () => {
    assert.throws(() => checkProject(c.spec, ctx(c.ctx)), (err: unknown) => {
      assert.ok(isHallError(err, c.code), String(err))
      assert.equal(err.message, c.message)
      return true
    })
  })
}

test('rules: a new domains.json that keeps the projects\' servers and room has no problems', () => {
  assert.deepEqual(problemLines(config(), [acme, project('globex', { server: 'erp' })]), [])
  assert.deepEqual(problemLines(config(file => { delete file.servers.erp.capacity; delete file.servers.erp.podman }), [acme]), [], 'a server without projects may stop hosting')
})

test('rules: a new domains.json that pulls a server, its hosting, its room or a host from under the projects: every problem, each naming its field', () => {
  const projects = [acme, project('globex', { port: 10081, allocation: { cpu: 2, memoryMib: 1024, diskGib: 10 } }), project('initech', { server: 'erp' })]
  const candidate = config(file => {
    file.servers.testing.capacity = { cpu: 2.5, memory_mib: 16384, disk_gib: 200 }
    delete file.servers.erp
    file.domains['erp.audit-io.fr'].server = 'testing'
    file.domains['acme.testing.audit-io.fr'] = { server: 'testing', upstream: 'http://192.168.1.20:1' }
  })
  assert.deepEqual(problemLines(candidate, projects), [
    'servers.testing.capacity: 2.5 CPU, 16384 MiB memory, 200 GiB disk is less than its projects hold',
    'servers.erp: still hosts project(s) initech: remove them first',
    'domains["acme.testing.audit-io.fr"]: is project acme\'s host: remove the project or choose another host'
  ])
  const unhosted = config(file => { delete file.servers.testing.capacity; delete file.servers.testing.podman })
  assert.deepEqual(problemLines(unhosted, [acme]), ['servers.testing: still hosts project(s) acme: keep its "capacity" and "podman"'])
})

/** Each problem as the log and the event log show it: `path: message`. */
function problemLines (...args: Parameters<typeof configProblemsWithProjects>): string[] {
  return configProblemsWithProjects(...args).map(p => `${p.path}: ${p.message}`)
}
