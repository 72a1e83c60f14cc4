import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { isRefusedAt, mayReach, returnTarget, type PortalAccount } from '../../../../service/src/http/portal/return-target.js'
import type { AccessMode, Project } from '../../../../service/src/projects/types.js'

interface Payloads { domain: string, cases: Array<{ name: string, to: string, ok: boolean }> }
const payloads = JSON.parse(readFileSync(new URL('../../../fixtures/open-redirect.json', import.meta.url), 'utf8')) as Payloads

const HALL = 'hall.example.test'
function project (name: string, host: string, access: AccessMode = 'members'): Project {
  const allocation = { cpu: 1, memoryMib: 256, diskGib: 1 }
  const made = { id: 1, status: 'ready', statusReason: null, createdAt: 0, createdBy: 'root', updatedAt: 0, updatedBy: 'root' } as const
  return { name, host, access, client: name, server: 'lab', port: 18080, containerPort: 80, image: 'nginx', allocation, ...made }
}
const app = project('app', payloads.domain)
const projects = [app, project('acme', 'acme.example.test')]

// the waiting page's payloads, with their domain as a project's host: the same verdicts
for (const c of payloads.cases) {
  test(`portal return: ${c.name}`, () => {
    const target = returnTarget(c.to, HALL, projects)
    assert.deepEqual(target, c.ok ? { url: new URL(c.to).href, project: app } : null)
  })
}

const cases = [
  { name: 'Hall\'s own host', to: 'https://hall.example.test/projects', url: 'https://hall.example.test/projects', project: null },
  { name: 'Hall\'s own host with a port, upper case', to: 'HTTP://HALL.example.test:8080/x', url: 'http://hall.example.test:8080/x', project: null },
  { name: 'a project\'s host', to: 'https://acme.example.test/a?b=1#c', url: 'https://acme.example.test/a?b=1#c', project: 'acme' },
  { name: 'non-ASCII in the path is sent encoded', to: 'https://acme.example.test/é✓', url: 'https://acme.example.test/%C3%A9%E2%9C%93', project: 'acme' },
  { name: 'the cookie domain itself', to: 'https://example.test/', url: null, project: null },
  { name: 'a host nobody serves under the cookie domain', to: 'https://other.example.test/', url: null, project: null },
  { name: 'Hall\'s host with credentials', to: 'https://a:b@hall.example.test/', url: null, project: null },
  { name: 'an IP address', to: 'http://127.0.0.1/', url: null, project: null },
  { name: 'nothing', to: undefined, url: null, project: null }
]
for (const c of cases) {
  test(`portal return: ${c.name}`, () => {
    const target = returnTarget(c.to, HALL, projects)
    assert.equal(target?.url ?? null, c.url)
    assert.equal(target?.project?.name ?? null, c.project)
  })
}

const alice: PortalAccount = { name: 'alice', role: 'client', userId: 7 }
const root: PortalAccount = { name: 'root', role: 'admin', userId: 1 }
const victor: PortalAccount = { name: 'victor', role: 'viewer', userId: 9 }
const reach = [
  { who: alice, members: new Set([7]), reaches: true },
  { who: alice, members: new Set([8]), reaches: false },
  { who: alice, members: undefined, reaches: false },
  { who: root, members: new Set<number>(), reaches: true },
  { who: victor, members: new Set([9]), reaches: false }
]
for (const c of reach) {
  test(`reach: ${c.who.role} ${c.who.name}, members ${c.members === undefined ? 'unknown' : [...c.members].join(',') || 'none'}: ${c.reaches}`, () => {
    assert.equal(mayReach(c.who, c.members), c.reaches)
  })
}

test('only a members project refuses an account at its door; public and certificate projects do not look at sessions', () => {
  assert.equal(isRefusedAt(project('a', 'a.example.test', 'members'), alice, new Set([8])), true)
  assert.equal(isRefusedAt(project('a', 'a.example.test', 'members'), alice, new Set([7])), false)
  assert.equal(isRefusedAt(project('a', 'a.example.test', 'public'), alice, new Set([8])), false)
  assert.equal(isRefusedAt(project('a', 'a.example.test', 'certificate'), alice, new Set([8])), false)
})
