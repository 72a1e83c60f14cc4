import { formatFingerprint } from '../../../projects/certificate.js'
import type { ProjectCertificate } from '../../../projects/types.js'
import type { ProjectOperation } from '../../../store/index.js'
import { fill } from '../../i18n.js'
import { escapeHtml } from '../../views/escape.js'
import { canChange, csrfField, timeTag, type AdminContext } from './context.js'
import type { ProjectPageModel } from './project.js'
import { adminMessages } from './strings.js'

/** A certificate this close to its end is flagged: time to register its successor. */
export const EXPIRY_WARNING_MS = 30 * 24 * 3600_000

/** The client accounts that have the project; admins add and take away. */
export function renderMembers (m: ProjectPageModel, ctx: AdminContext): string {
  const t = adminMessages[ctx.lang].projects
  const admin = canChange(ctx)
  const base = `/admin/projects/${encodeURIComponent(m.project.name)}/members`
  const rows = m.members.map(member => {
    const names = { account: member.userName, name: m.project.name }
    const remove = admin
      ? `<form method="post" action="${escapeHtml(`${base}/${encodeURIComponent(member.userName)}/remove`)}" data-confirm="${escapeHtml(fill(t.confirmRemoveMember, names))}">${csrfField(ctx)}<button type="submit" class="link-button danger" aria-label="${escapeHtml(fill(t.removeMemberLabel, names))}">${escapeHtml(t.removeMember)}</button></form>`
      : ''
    return `<li data-member="${escapeHtml(member.userName)}"><span>${escapeHtml(member.userName)}</span> ${remove}</li>`
  }).join('\n')
  const list = m.members.length === 0 ? `<p class="muted">${escapeHtml(t.noMembers)}</p>` : `<ul class="members">\n${rows}\n</ul>`
  const add = !admin
    ? ''
    : m.candidates.length === 0
      ? `<p class="muted">${escapeHtml(t.noClients)} <a href="/admin/accounts">${escapeHtml(adminMessages[ctx.lang].nav.accounts)}</a></p>`
      : `<form method="post" action="${escapeHtml(base)}" class="inline-form">
${csrfField(ctx)}
<label for="member-account">${escapeHtml(t.account)}</label>
<select id="member-account" name="account">${m.candidates.map(c => `<option value="${escapeHtml(c)}">${escapeHtml(c)}</option>`).join('')}</select>
<button type="submit" class="button">${escapeHtml(t.submitMember)}</button>
</form>`
  return `<section aria-labelledby="members-h">
<h2 id="members-h">${escapeHtml(t.members)}</h2>
<p class="muted">${escapeHtml(t.membersIntro)}</p>
${list}
${add === '' ? '' : `<h3>${escapeHtml(t.addMember)}</h3>\n${add}`}
</section>`
}

/** Registered certificates (revoked ones kept for the record), the upload form and revoke buttons. */
export function renderCertificates (m: ProjectPageModel, ctx: AdminContext): string {
  const t = adminMessages[ctx.lang].projects
  const admin = canChange(ctx)
  const c = t.certCol
  const headers = [c.fingerprint, c.subject, c.expires, c.added, c.revoked]
  const table = m.certificates.length === 0
    ? `<p class="muted">${escapeHtml(t.noCertificates)}</p>`
    : `<div class="table-wrap"><table class="certificates">
<thead><tr>${headers.map(h => `<th scope="col">${escapeHtml(h)}</th>`).join('')}${admin ? '<td></td>' : ''}</tr></thead>
<tbody>
${m.certificates.map(cert => renderCertificate(m.project.name, cert, ctx, admin)).join('\n')}
</tbody></table></div>`
  const upload = !admin
    ? ''
    : `<form method="post" action="/admin/projects/${encodeURIComponent(m.project.name)}/certificates" class="stacked" aria-labelledby="upload-h">
<h3 id="upload-h">${escapeHtml(t.upload)}</h3>
${csrfField(ctx)}
<p><label for="certificate-pem">${escapeHtml(t.pem)}</label>
<textarea id="certificate-pem" name="pem" rows="8" required spellcheck="false" autocomplete="off" aria-describedby="certificate-pem-hint">${escapeHtml(m.pem ?? '')}</textarea>
<span class="hint muted" id="certificate-pem-hint">${escapeHtml(t.pemHint)}</span></p>
<p id="certificate-file-row" hidden><label for="certificate-file">${escapeHtml(t.pemFile)}</label>
<input id="certificate-file" type="file" accept=".pem,.crt,.cer,application/x-pem-file" data-read-into="certificate-pem"></p>
<p><button type="submit" class="button">${escapeHtml(t.submitCertificate)}</button></p>
</form>`
  return `<section aria-labelledby="certificates-h">
<h2 id="certificates-h">${escapeHtml(t.certificates)}</h2>
<p class="muted">${escapeHtml(t.certificatesNote)}</p>
${table}
${upload}
</section>`
}

function renderCertificate (project: string, cert: ProjectCertificate, ctx: AdminContext, admin: boolean): string {
  const t = adminMessages[ctx.lang].projects
  const byAt = (at: number | null, name: string | null): string =>
    at === null ? '—' : fill(escapeHtml(t.byAt), { at: timeTag(at, ctx), name: escapeHtml(name ?? '?') })
  const left = cert.notAfter - ctx.nowMs
  // a revoked certificate no longer matters, however near its end
  const warning = cert.revokedAt !== null
    ? ''
    : left <= 0
      ? `<br><strong class="cert-warning expired" role="note">${escapeHtml(t.expired)}</strong>`
      : left <= EXPIRY_WARNING_MS ? `<br><strong class="cert-warning" role="note">${escapeHtml(t.expiresSoon)}</strong>` : ''
  const subject = { subject: cert.subject }
  const revoke = !admin
    ? ''
    : cert.revokedAt !== null
      ? '<td></td>'
      : `<td><form method="post" action="/admin/projects/${encodeURIComponent(project)}/certificates/${cert.id}/revoke" data-confirm="${escapeHtml(fill(t.confirmRevoke, subject))}">${csrfField(ctx)}<button type="submit" class="link-button danger" aria-label="${escapeHtml(fill(t.revokeLabel, subject))}">${escapeHtml(t.revoke)}</button></form></td>`
  return `<tr data-certificate="${cert.id}"${cert.revokedAt === null ? '' : ' class="revoked"'}>` +
    `<td><code class="fingerprint">${escapeHtml(formatFingerprint(cert.fingerprint))}</code></td>` +
    `<td>${escapeHtml(cert.subject)}</td>` +
    `<td>${timeTag(cert.notAfter, ctx)}${warning}</td>` +
    `<td>${byAt(cert.addedAt, cert.addedBy)}</td>` +
    `<td>${byAt(cert.revokedAt, cert.revokedBy)}</td>${revoke}</tr>`
}

/** The latest `podman kube play` / `down` runs: who asked, how they ended, and podman's own words. */
export function renderOperations (operations: readonly ProjectOperation[], ctx: AdminContext): string {
  const t = adminMessages[ctx.lang].projects
  const o = t.opCol
  if (operations.length === 0) {
    return `<section aria-labelledby="operations-h"><h2 id="operations-h">${escapeHtml(t.operations)}</h2>
<p class="muted">${escapeHtml(t.noOperations)}</p></section>`
  }
  const rows = operations.map(op => {
    const stderr = op.stderr === null || op.stderr === ''
      ? ''
      : `<details><summary>${escapeHtml(t.stderr)}</summary><pre>${escapeHtml(op.stderr)}</pre></details>`
    return `<tr data-operation="${op.id}" class="outcome-${op.outcome}">` +
      `<td>${fill(escapeHtml(t.byAt), { at: timeTag(op.requestedAt, ctx), name: escapeHtml(op.requestedBy) })}</td>` +
      `<td>${escapeHtml(t.action[op.action])}</td>` +
      `<td>${timeTag(op.finishedAt, ctx)}</td>` +
      `<td>${escapeHtml(t.outcome[op.outcome])}</td>` +
      `<td>${op.exitCode === null ? '—' : String(op.exitCode)}</td>` +
      `<td>${op.errorMessage === null ? '' : escapeHtml(op.errorMessage)}${stderr}</td></tr>`
  }).join('\n')
  return `<section aria-labelledby="operations-h">
<h2 id="operations-h">${escapeHtml(t.operations)}</h2>
<div class="table-wrap"><table class="operations">
<thead><tr>${[o.requested, o.action, o.finished, o.outcome, o.exitCode, o.error].map(h => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody></table></div>
</section>`
}
