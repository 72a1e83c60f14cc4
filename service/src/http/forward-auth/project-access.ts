import { timingSafeEqual, X509Certificate, createHash } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { ProjectDirectory } from '../../projects/directory.js'
import type { SessionCache } from '../admin/session-cache.js'
import { boundedMemo } from '../bounded-memo.js'

/** Whether a request may go on to a client project's domain; anything but `pass` is answered at once, waking nothing. */
export type AccessVerdict =
  | { readonly kind: 'pass' }
  /** A members project without a valid portal session: a browser is sent to /login. */
  | { readonly kind: 'login' }
  | { readonly kind: 'forbidden', readonly code: 'HALL_ERR_PROJECT_FORBIDDEN' | 'HALL_ERR_PROJECT_CERTIFICATE', readonly reason: string }

export interface ProjectAccessDeps {
  readonly directory: Pick<ProjectDirectory, 'gate'>
  readonly sessions: Pick<SessionCache, 'check'>
  /** The portal's session cookie (portal-cookie.ts). */
  readonly cookieName: string
  readonly now: () => number
}

export type ProjectAccess = (project: string, headers: IncomingHttpHeaders) => AccessVerdict

const PASS: AccessVerdict = { kind: 'pass' }
const LOGIN: AccessVerdict = { kind: 'login' }
const forbidden = (reason: string): AccessVerdict => ({ kind: 'forbidden', code: 'HALL_ERR_PROJECT_FORBIDDEN', reason })
const noCertificate = (reason: string): AccessVerdict => ({ kind: 'forbidden', code: 'HALL_ERR_PROJECT_CERTIFICATE', reason })

/**
 * The gate of client projects, on the forward-auth path: every answer comes from memory (the
 * project directory and the session cache), never from the database.
 */
export function createProjectAccess (deps: ProjectAccessDeps): ProjectAccess {
  const { directory, sessions, cookieName, now } = deps
  return (project, headers) => {
    const gate = directory.gate(project)
    // a domain whose project is gone (removed a moment ago) opens to nobody
    if (gate === undefined) return forbidden('the project no longer exists')
    switch (gate.project.access) {
      case 'public':
        return PASS
      case 'members': {
        const id = cookieValue(headers.cookie, cookieName)
        const session = id === null ? null : sessions.check(id, 'portal')
        if (session === null) return LOGIN
        if (session.account.role === 'admin') return PASS
        if (session.account.role === 'client' && gate.memberIds.has(session.userId)) return PASS
        return forbidden(`${session.account.name} is not a member of this project`)
      }
      case 'certificate': {
        const header = headers['x-forwarded-tls-client-cert']
        if (typeof header !== 'string' || header === '') return noCertificate('no client certificate was presented')
        const digest = leafDigest(header)
        if (digest === null) return noCertificate('the client certificate header is not a certificate')
        // every registered digest is compared, whatever the first ones gave: the time taken says
        // nothing about which certificate, or how much of one, matched
        const at = now()
        let match = false
        for (const c of gate.certificates) match = timingSafeEqual(digest, c.digest) && c.notAfter > at ? true : match
        return match ? PASS : noCertificate('the client certificate is not registered for this project, revoked or expired')
      }
    }
  }
}

/** The value of one cookie in a Cookie header, or null. */
export function cookieValue (header: string | string[] | undefined, name: string): string | null {
  const text = Array.isArray(header) ? header.join('; ') : header
  if (text === undefined) return null
  // a browser sends the same Cookie header with every request of a page: each is split once
  return text.length <= MAX_MEMO_COOKIE_LENGTH ? cookieIn(name)(text) : findCookie(text, name)
}

/** Longer Cookie headers are split every time rather than kept: the memo stays a few MB at most. */
const MAX_MEMO_COOKIE_LENGTH = 1024
const memos = new Map<string, (header: string) => string | null>()
function cookieIn (name: string): (header: string) => string | null {
  let memo = memos.get(name)
  if (memo === undefined) {
    memo = boundedMemo(4096, header => findCookie(header, name))
    memos.set(name, memo)
  }
  return memo
}

function findCookie (text: string, name: string): string | null {
  for (const part of text.split(';')) {
    const eq = part.indexOf('=')
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return null
}

// a certificate is a few KiB: a longer header is no certificate of ours, and is never kept
const MAX_HEADER_LENGTH = 16_384

/**
 * Traefik's passTLSClientCert (pem: true) sends the chain as URL-escaped PEM bodies without their
 * armour, separated by commas, the client's own certificate first. Each header is parsed once.
 */
const knownLeafDigest = boundedMemo(1024, (header: string): Buffer | null => {
  try {
    const first = decodeURIComponent(header.split(',')[0]!).replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '')
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(first)) return null
    const der = Buffer.from(first, 'base64')
    // parsed to be sure it is one: random base64 would otherwise be hashed and compared
    void new X509Certificate(der)
    return createHash('sha256').update(der).digest()
  } catch {
    return null
  }
})

function leafDigest (header: string): Buffer | null {
  return header.length > MAX_HEADER_LENGTH ? null : knownLeafDigest(header)
}
