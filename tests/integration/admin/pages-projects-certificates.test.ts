import assert from 'node:assert/strict'
import test from 'node:test'
import { skipUnless } from '../../helpers/missing-tool.js'
import { createProject, hasOpenssl, makeCertificate, startProjectsAdmin, type ProjectsRig } from './pages-projects-rig.js'

// A certificate project's client certificates on its admin page: real certificates made by
// openssl, registered through the form, listed with the fingerprint openssl prints, revoked.

const skip = skipUnless({ openssl: hasOpenssl() })

async function certificateProject (t: test.TestContext): Promise<ProjectsRig> {
  const rig = await startProjectsAdmin(t)
  assert.equal((await createProject(rig, { access: 'certificate' })).status, 303)
  return rig
}

const certificateRow = (body: string): string => {
  const m = /<tr data-certificate="\d+"[^>]*>.*?<\/tr>/s.exec(body)
  assert.ok(m !== null, 'no certificate row')
  return m[0]
}

test('a certificate pasted is listed with openssl\'s fingerprint, its subject, expiry and who added it', { skip }, async (t) => {
  const rig = await certificateProject(t)
  const cert = makeCertificate(t, { days: 365, subject: '/O=ACME Corp/CN=alice.acme' })
  const page = await rig.admin.get('/admin/projects/acme')
  assert.match(page.body, /<textarea id="certificate-pem" name="pem"/)
  assert.match(page.body, /<p id="certificate-file-row" hidden>.*<input id="certificate-file" type="file"/s, 'the file input waits for the script')
  assert.match(page.body, /<script type="module" src="\/admin\/assets\/pem-file\.js"><\/script>/)
  const script = await rig.admin.get('/admin/assets/pem-file.js')
  assert.equal(script.status, 200)
  assert.match(String(script.headers['content-type']), /^text\/javascript/)
  const added = await rig.admin.post('/admin/projects/acme/certificates', { pem: cert.pem })
  assert.equal(added.status, 303)
  const location = String(added.headers.location)
  assert.match(location, /^\/admin\/projects\/acme\?certificate=\d+$/)
  const listed = await rig.admin.get(location)
  assert.match(listed.body, /Certificate O=ACME Corp, CN=alice\.acme registered\./)
  const row = certificateRow(listed.body)
  assert.match(row, new RegExp(`<code class="fingerprint">${cert.fingerprint}</code>`))
  assert.match(row, /<td>O=ACME Corp, CN=alice\.acme<\/td>/)
  assert.match(row, /<td><time datetime="\d{4}-/)
  assert.match(row, /<\/time> by alice<\/td>/)
  assert.doesNotMatch(row, /cert-warning/, 'a year away: no warning')
  assert.match(row, /aria-label="Revoke the certificate O=ACME Corp, CN=alice\.acme"/)
  // what the gate compares is that same fingerprint
  const stored = rig.hall.store.projectCertificates.all()
  assert.deepEqual(stored.map(c => c.fingerprint), [cert.fingerprint.replace(/:/g, '').toLowerCase()])
  const again = await rig.admin.post('/admin/projects/acme/certificates', { pem: cert.pem })
  assert.equal(again.status, 409)
  assert.match(again.body, /Not done: this certificate is already registered for the project/)
})

test('a certificate that ends within 30 days carries a visible warning, in either language', { skip }, async (t) => {
  const rig = await certificateProject(t)
  await rig.admin.get('/admin/projects/acme')
  const soon = makeCertificate(t, { days: 10, subject: '/CN=soon' })
  assert.equal((await rig.admin.post('/admin/projects/acme/certificates', { pem: soon.pem })).status, 303)
  const page = await rig.admin.get('/admin/projects/acme')
  assert.match(certificateRow(page.body), /<strong class="cert-warning" role="note">Expires within 30 days: register its successor\.<\/strong>/)
  const fr = await rig.admin.get('/admin/projects/acme', { 'accept-language': 'fr' })
  assert.match(certificateRow(fr.body), /Expire dans moins de 30 jours/)
})

test('revoke: asked first, then listed as revoked by whom, with no button left', { skip }, async (t) => {
  const rig = await certificateProject(t)
  await rig.admin.get('/admin/projects/acme')
  const cert = makeCertificate(t, { days: 365, subject: '/CN=bob.acme' })
  const added = await rig.admin.post('/admin/projects/acme/certificates', { pem: cert.pem })
  const id = /certificate=(\d+)/.exec(String(added.headers.location))![1]!
  const ask = await rig.admin.post(`/admin/projects/acme/certificates/${id}/revoke`)
  assert.equal(ask.status, 200)
  assert.match(ask.body, /Revoke the certificate CN=bob\.acme\? Its holder is refused at once\./)
  assert.equal(rig.hall.store.projectCertificates.all()[0]?.revokedAt, null)
  const done = await rig.admin.post(`/admin/projects/acme/certificates/${id}/revoke`, { confirm: 'yes' })
  assert.equal(done.status, 303)
  const page = await rig.admin.get(String(done.headers.location))
  assert.match(page.body, /Certificate CN=bob\.acme revoked\./)
  const row = certificateRow(page.body)
  assert.match(row, /class="revoked"/)
  assert.match(row, /<\/time> by alice<\/td><td><time datetime="[^"]+">[^<]+<\/time> by alice<\/td><td><\/td><\/tr>/)
  assert.doesNotMatch(row, /<form/)
  assert.equal(rig.hall.projects.get('acme') !== undefined && rig.hall.store.projectCertificates.all()[0]?.revokedBy, 'alice')
  const twice = await rig.admin.post(`/admin/projects/acme/certificates/${id}/revoke`, { confirm: 'yes' })
  assert.equal(twice.status, 404)
  assert.match(twice.body, /no certificate \d+ in force/)
})

test('a private key pasted is refused with a clear message and never shown back', { skip }, async (t) => {
  const rig = await certificateProject(t)
  await rig.admin.get('/admin/projects/acme')
  const cert = makeCertificate(t, { days: 365, subject: '/CN=careless' })
  for (const pem of [cert.key, `${cert.pem}\n${cert.key}`]) {
    const refused = await rig.admin.post('/admin/projects/acme/certificates', { pem })
    assert.equal(refused.status, 400)
    assert.match(refused.body, /Not done: not a usable certificate: this is a private key: upload the certificate only \(the \.crt or \.pem file\), and keep the key secret/)
    assert.doesNotMatch(refused.body, /PRIVATE KEY/)
    assert.match(refused.body, /<textarea id="certificate-pem" name="pem"[^>]*><\/textarea>/)
  }
  const garbage = await rig.admin.post('/admin/projects/acme/certificates', { pem: 'hello <b>' })
  assert.equal(garbage.status, 400)
  assert.match(garbage.body, /no &quot;-----BEGIN CERTIFICATE-----&quot; block found/)
  assert.match(garbage.body, />hello &lt;b&gt;<\/textarea>/, 'what was typed comes back, escaped')
  assert.deepEqual(rig.hall.store.projectCertificates.all(), [])
})

test('an attacker\'s subject is escaped in the list, the notice and the confirmation', { skip }, async (t) => {
  const rig = await certificateProject(t)
  await rig.admin.get('/admin/projects/acme')
  const cert = makeCertificate(t, { days: 365, subject: '/O=Evil "Co"/CN=<script>alert(1)<\\/script>' })
  const added = await rig.admin.post('/admin/projects/acme/certificates', { pem: cert.pem })
  assert.equal(added.status, 303)
  const page = await rig.admin.get(String(added.headers.location))
  const id = /certificate=(\d+)/.exec(String(added.headers.location))![1]!
  const ask = await rig.admin.post(`/admin/projects/acme/certificates/${id}/revoke`)
  for (const body of [page.body, ask.body]) {
    assert.doesNotMatch(body, /<script>alert|<\/script>alert/)
    assert.match(body, /&lt;script\\&gt;alert\(1\)\\&lt;\/script\\&gt;/)
    assert.match(body, /Evil \\&quot;Co\\&quot;/)
  }
})
