import { SENDABLE_HEADER_VALUE } from '../config/alerts-schema.js'
import type { AlertTarget } from '../config/types.js'
import type { Alert } from './incident-tracker.js'

/** One HTTP POST, ready to send: built fresh for each attempt so a rotated secret is picked up. */
export interface AlertRequest {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/**
 * A header value Node would refuse (a secret with a line break, say): the alert cannot be sent as
 * configured, and retrying does not change that. Names the header and variable, never the value.
 */
export interface UnsendableHeader {
  readonly header: string
  /** The environment variable the value came from; null for a value written in domains.json. */
  readonly variable: string | null
}

/** Reads an environment variable a target names for a secret; null when unset. */
export type SecretLookup = (variable: string) => string | null

/** The environment variables a target takes secrets from. */
export function secretVariables (target: AlertTarget): string[] {
  const d = target.destination
  if (d.kind === 'ntfy') return d.tokenEnv === null ? [] : [d.tokenEnv]
  return [...d.headers.values()].flatMap(v => v.kind === 'env' ? [v.variable] : [])
}

/**
 * The POST for `alert` to `target`: a JSON object for a webhook; for ntfy, the message as the
 * body and its title, priority and tags as headers (ntfy's publish API). `missing` receives the
 * names of secret variables that are not set: the alert still goes, without that header.
 * A value that cannot go in a header makes it an UnsendableHeader instead.
 */
export function toAlertRequest (target: AlertTarget, alert: Alert, secrets: SecretLookup, missing: (variable: string) => void): AlertRequest | UnsendableHeader {
  const req = buildRequest(target, alert, secrets, missing)
  if ('header' in req) return req
  const header = Object.keys(req.headers).find(name => !SENDABLE_HEADER_VALUE.test(req.headers[name]!))
  return header === undefined ? req : { header, variable: null }
}

function buildRequest (target: AlertTarget, alert: Alert, secrets: SecretLookup, missing: (variable: string) => void): AlertRequest | UnsendableHeader {
  const title = `Hall: ${alert.event.replaceAll('_', ' ')}${alert.server === null ? '' : ` on ${alert.server}`}${alert.status === 'resolved' ? ' (resolved)' : ''}`
  const destination = target.destination
  switch (destination.kind) {
    case 'webhook': {
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      for (const [name, value] of destination.headers) {
        if (value.kind === 'text') {
          headers[name] = value.text
          continue
        }
        const secret = secrets(value.variable)
        if (secret === null) missing(value.variable)
        else if (!SENDABLE_HEADER_VALUE.test(secret)) return { header: name, variable: value.variable } // checked as read: a secret can change any time
        else headers[name] = secret
      }
      const body = { source: 'hall', event: alert.event, status: alert.status, server: alert.server, at: new Date(alert.at).toISOString(), title, message: alert.message }
      return { url: destination.url, headers, body: JSON.stringify(body) }
    }
    case 'ntfy': {
      const headers: Record<string, string> = {
        'content-type': 'text/plain; charset=utf-8',
        // ntfy reads these headers as latin-1: the title keeps to ASCII (server names are)
        title,
        priority: alert.status === 'firing' ? '4' : '3',
        tags: alert.status === 'firing' ? 'warning' : 'white_check_mark'
      }
      if (destination.tokenEnv !== null) {
        const token = secrets(destination.tokenEnv)
        if (token === null) missing(destination.tokenEnv)
        else if (!SENDABLE_HEADER_VALUE.test(token)) return { header: 'authorization', variable: destination.tokenEnv }
        else headers.authorization = `Bearer ${token}`
      }
      return { url: `${destination.url}/${destination.topic}`, headers, body: alert.message }
    }
  }
}
