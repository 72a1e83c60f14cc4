import { X509Certificate } from 'node:crypto'
import { HallError } from '../errors.js'

export interface ParsedCertificate {
  /** SHA-256 of the DER bytes, lower-case hex: what the gate compares. */
  readonly fingerprint: string
  readonly subject: string
  readonly notAfter: number
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/g
/** A client certificate is a few KiB: a bigger upload is not one. */
export const MAX_PEM_BYTES = 64 * 1024

/** One PEM certificate (the client's, not a chain); throws HALL_ERR_CERTIFICATE_INVALID saying why. */
export function parsePemCertificate (pem: string): ParsedCertificate {
  if (Buffer.byteLength(pem, 'utf8') > MAX_PEM_BYTES) throw invalid(`the file is larger than ${MAX_PEM_BYTES / 1024} KiB: not one certificate`)
  if (/PRIVATE KEY-----/.test(pem)) throw invalid('this is a private key: upload the certificate only (the .crt or .pem file), and keep the key secret')
  const blocks = [...pem.matchAll(PEM_BLOCK)]
  if (blocks.length === 0) throw invalid('no "-----BEGIN CERTIFICATE-----" block found')
  if (blocks.length > 1) throw invalid(`${blocks.length} certificates found: upload the client's own certificate alone`)
  let cert: X509Certificate
  try {
    cert = new X509Certificate(Buffer.from(blocks[0]![1]!.replace(/\s+/g, ''), 'base64'))
  } catch (err) {
    throw invalid(`the certificate cannot be read: ${(err as Error).message}`)
  }
  return {
    fingerprint: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
    subject: cert.subject.replace(/\n/g, ', '),
    notAfter: Date.parse(cert.validTo)
  }
}

/** `ab12...` as people compare it: AB:12:... */
export function formatFingerprint (hex: string): string {
  return hex.toUpperCase().match(/../g)?.join(':') ?? ''
}

function invalid (why: string): HallError {
  return new HallError('HALL_ERR_CERTIFICATE_INVALID', `not a usable certificate: ${why}`)
}
