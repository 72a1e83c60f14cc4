import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { connect, createServer, type ConnectionOptions, type PeerCertificate, type TLSSocket } from 'node:tls'
import { promisify } from 'node:util'

const run = promisify(execFile)
const HEADING = '## 11. Client certificates for `certificate` projects'

/** The sh block of deploy/README.md's client-certificate section, as a reader would copy it. */
function guideCommands (): string {
  const readme = readFileSync(new URL('../../../deploy/README.md', import.meta.url), 'utf8')
  const start = readme.indexOf(`\n${HEADING}\n`)
  assert.notEqual(start, -1, `deploy/README.md has the section "${HEADING}"`)
  const section = readme.slice(start + 1).split(/\n## /)[0]!
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1]
  assert.ok(block, 'the section shows its commands in a ```sh block')
  return block
}

test('deploy/README.md\'s openssl commands make an EC P-256 client certificate for one year, a .p12, and print the fingerprint Hall registers', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hall-client-cert-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const password = 'correct horse battery staple'
  const { stdout } = await run('sh', ['-eu', '-c', guideCommands()], { cwd: dir, env: { ...process.env, P12_PASSWORD: password }, timeout: 30_000 })

  const key = createPrivateKey(readFileSync(join(dir, 'acme-client.key')))
  assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1', 'P-256')
  const pem = readFileSync(join(dir, 'acme-client.pem'), 'utf8')
  const cert = new X509Certificate(pem)
  assert.equal(cert.checkPrivateKey(key), true)
  // self-signed (checkIssued would also want keyCertSign, which a client certificate lacks)
  assert.equal(cert.issuer === cert.subject && cert.verify(cert.publicKey), true, 'self-signed')
  assert.equal(cert.ca, false)
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2'], 'extended key usage: TLS client authentication only')
  assert.equal(Date.parse(cert.validTo) - Date.parse(cert.validFrom), 365 * 86_400_000)

  // what the guide prints is SHA-256 over the DER, the digits Hall keeps (lower-case hex)
  const printed = /^sha256 Fingerprint=([0-9A-F:]{95})$/m.exec(stdout)?.[1]
  assert.equal(printed, cert.fingerprint256)
  assert.equal(printed.replaceAll(':', '').toLowerCase(), createHash('sha256').update(cert.raw).digest('hex'))

  // both forms a client uses work in a real handshake with a server that asks for any
  // certificate (Traefik's RequireAnyClientCert), and reach it as the same certificate
  const server = await tlsServerAskingForAnyCertificate(dir)
  t.after(() => server.close())
  const seen = async (client: ConnectionOptions): Promise<string> => {
    const [peer] = await Promise.all([
      once(server, 'secureConnection').then(([socket]) => peerCertificateOf(socket as TLSSocket)),
      handshake({ ...client, port: (server.address() as AddressInfo).port })
    ])
    // X-Forwarded-Tls-Client-Cert carries the PEM without its armour: this certificate's body
    assert.equal(peer.raw.toString('base64'), pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\n/g, ''))
    return peer.fingerprint256
  }
  assert.equal(await seen({ key: readFileSync(join(dir, 'acme-client.key')), cert: pem }), printed)
  assert.equal(await seen({ pfx: readFileSync(join(dir, 'acme-client.p12')), passphrase: password }), printed)
})

async function tlsServerAskingForAnyCertificate (dir: string): Promise<ReturnType<typeof createServer>> {
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-keyout', join(dir, 'server.key'), '-out', join(dir, 'server.pem')], { timeout: 10_000 })
  const server = createServer({
    key: readFileSync(join(dir, 'server.key')),
    cert: readFileSync(join(dir, 'server.pem')),
    requestCert: true,
    rejectUnauthorized: false // no CA: like Hall, whoever holds the certificate is judged by its fingerprint
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return server
}

function peerCertificateOf (socket: TLSSocket): PeerCertificate {
  const peer = socket.getPeerCertificate()
  socket.end()
  return peer
}

async function handshake (options: ConnectionOptions): Promise<void> {
  // the server's certificate is not what this test is about
  const socket = connect({ ...options, host: '127.0.0.1', servername: 'localhost', rejectUnauthorized: false })
  socket.on('data', () => {})
  await once(socket, 'secureConnect')
  socket.end()
}
