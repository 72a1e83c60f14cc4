import type { DomainView } from '../../lifecycle/fleet.js'
import { isServing, type Phase } from '../../lifecycle/states.js'
import type { ForwardedRequest } from './forwarded.js'
import { MAX_RETURN_URL_LENGTH } from './return-url.js'

/** Seconds a non-browser client is told to wait before asking again. */
export const RETRY_AFTER_SECONDS = 5

export type Decision =
  | { readonly kind: 'pass' }
  | { readonly kind: 'redirect', readonly location: string, readonly wake: boolean }
  | { readonly kind: 'unavailable', readonly domain: string, readonly state: Phase, readonly retryAfterSeconds: number, readonly wake: boolean }
  | { readonly kind: 'no-host' }
  | { readonly kind: 'unknown-domain', readonly host: string }

/** The forward-auth answer as a pure function of the in-memory view and the forwarded headers. */
export function decide (view: DomainView | undefined, req: ForwardedRequest, publicUrl: string): Decision {
  if (req.host === null) return { kind: 'no-host' }
  if (view === undefined) return { kind: 'unknown-domain', host: req.host }
  if (isServing(view.phase)) return { kind: 'pass' }
  // asked in every phase but WAKING: the supervisor knows whether one is already under way
  const wake = view.phase !== 'WAKING'
  if (isBrowserNavigation(req)) {
    const url = `${req.proto}://${req.authority}${req.uri}`
    // the waiting page would refuse a return URL this long: send the browser back to the root instead
    const original = url.length > MAX_RETURN_URL_LENGTH ? `${req.proto}://${req.authority}/` : url
    return { kind: 'redirect', location: `${publicUrl}/waiting/${encodeURIComponent(req.host)}?to=${encodeURIComponent(original)}`, wake }
  }
  return { kind: 'unavailable', domain: req.host, state: view.phase, retryAfterSeconds: RETRY_AFTER_SECONDS, wake }
}

/** A page a person is loading: it can follow a redirect and show HTML. A websocket cannot. */
export function isBrowserNavigation (req: ForwardedRequest): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && !req.isWebsocket && /text\/html/i.test(req.accept)
}
