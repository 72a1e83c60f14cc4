import assert from 'node:assert/strict'
import { test } from 'node:test'
import { renderProjectPage, type ProjectPageModel } from '../../../../../service/src/http/admin/views/project.js'
import { renderProjectsPage } from '../../../../../service/src/http/admin/views/projects.js'
import type { Project, ProjectCertificate } from '../../../../../service/src/projects/types.js'
import { assertCspSafe, ctx, HOSTILE, NOW, viewer } from './fixtures.js'

// A project's page and the list, rendered with an attacker's text wherever text comes from
// outside (the client's name, a certificate's subject, podman's stderr, account names).

const DAY_MS = 86_400_000

function project (over: Partial<Project> = {}): Project {
  return {
    id: 1,
    name: 'acme',
    client: HOSTILE,
    host: 'acme.testing.example.com',
    server: 'lab',
    port: 18080,
    containerPort: 80,
    image: 'docker.io/library/nginx:1.27',
    allocation: { cpu: 1.5, memoryMib: 2048, diskGib: 20 },
    access: 'certificate',
    status: 'error',
    statusReason: `podman kube play did not complete: ${HOSTILE}`,
    createdAt: NOW - DAY_MS,
    createdBy: 'alice',
    updatedAt: NOW,
    updatedBy: HOSTILE,
    ...over
  }
}

function cert (id: number, notAfter: number, over: Partial<ProjectCertificate> = {}): ProjectCertificate {
  return { id, project: 'acme', fingerprint: 'ab'.repeat(32), subject: `CN=${HOSTILE}`, notAfter, addedAt: NOW - DAY_MS, addedBy: 'alice', revokedAt: null, revokedBy: null, ...over }
}

function model (over: Partial<ProjectPageModel> = {}): ProjectPageModel {
  return {
    project: project(),
    serverPhase: 'RUNNING',
    members: [{ project: 'acme', userId: 3, userName: HOSTILE }],
    candidates: [HOSTILE],
    certificates: [],
    operations: [{ id: 7, project: 'acme', action: 'play', requestedAt: NOW - 60_000, requestedBy: 'alice', wakeId: null, startedAt: NOW - 59_000, finishedAt: NOW - 50_000, outcome: 'failed', exitCode: 125, stderr: HOSTILE, errorMessage: HOSTILE }],
    ...over
  }
}

test('certificates: a warning within 30 days of the end or past it, none a year away or once revoked', () => {
  const html = renderProjectPage(model({
    certificates: [
      cert(1, NOW + 365 * DAY_MS),
      cert(2, NOW + 29 * DAY_MS),
      cert(3, NOW - DAY_MS),
      cert(4, NOW + 5 * DAY_MS, { revokedAt: NOW - 1000, revokedBy: 'alice' })
    ]
  }), ctx())
  assertCspSafe(html, assert)
  const row = (id: number): string => new RegExp(`<tr data-certificate="${id}"[^>]*>.*?</tr>`, 's').exec(html)![0]
  assert.doesNotMatch(row(1), /cert-warning/)
  assert.match(row(2), /<strong class="cert-warning" role="note">Expires within 30 days: register its successor\.<\/strong>/)
  assert.match(row(3), /<strong class="cert-warning expired" role="note">Expired: its holder is refused\.<\/strong>/)
  assert.doesNotMatch(row(4), /cert-warning|<form/)
  assert.match(row(1), /<code class="fingerprint">AB:AB:AB:/)
  assert.match(row(1), /action="\/admin\/projects\/acme\/certificates\/1\/revoke"/)
})

test('every outside text is escaped: client, reason, who changed it, members, stderr', () => {
  const html = renderProjectPage(model(), ctx())
  assertCspSafe(html, assert)
  assert.match(html, /<title>Project acme — Hall admin<\/title>/)
  assert.match(html, /&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;/)
  assert.match(html, /<pre>&quot;&gt;&lt;script&gt;/)
  assert.match(html, /<option value="&quot;&gt;&lt;script&gt;/)
})

test('a viewer sees the page and no form, no script', () => {
  const html = renderProjectPage(model({ certificates: [cert(1, NOW + 5 * DAY_MS)] }), viewer())
  assert.doesNotMatch(html, /<form method="post" action="\/admin\/projects|<textarea|<select|pem-file\.js|forms\.js/)
  assert.match(html, /Expires within 30 days/)
})

test('a project being removed offers no edit or removal', () => {
  const html = renderProjectPage(model({ project: project({ status: 'removing', statusReason: null }) }), ctx())
  assert.match(html, /status-removing">being removed</)
  assert.doesNotMatch(html, /action="\/admin\/projects\/acme"|action="\/admin\/projects\/acme\/remove"/)
})

test('the list in French: allocation with a decimal comma, the reason of an error, no form for a viewer', () => {
  const html = renderProjectsPage({
    projects: [project()],
    hosting: [{ server: 'lab', phase: 'OFFLINE', capacity: { cpu: 4, memoryMib: 8192, diskGib: 100 }, allocated: { cpu: 1.5, memoryMib: 2048, diskGib: 20 }, remaining: { cpu: 2.5, memoryMib: 6144, diskGib: 80 } }],
    phases: new Map([['lab', 'OFFLINE']])
  }, viewer({ lang: 'fr' }))
  assertCspSafe(html, assert)
  assert.match(html, /<td>1,5 CPU, 2048 Mio de mémoire, 20 Gio de disque<\/td>/)
  assert.match(html, /status-error">erreur<\/span><br><span class="status-reason">Pourquoi : podman kube play did not complete: &quot;&gt;&lt;script&gt;/)
  assert.match(html, /<td>2,5 CPU, 6144 Mio de mémoire, 80 Gio de disque<\/td><\/tr>/)
  assert.doesNotMatch(html, /<form method="post" action="\/admin\/projects/)
})
