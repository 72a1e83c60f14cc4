import type { DomainView } from '../../lifecycle/fleet.js'
import { isServing, type Phase } from '../../lifecycle/states.js'
import { isBrowserNavigation } from './browser-navigation.js'
import type { ForwardedRequest } from './forwarded.js'
import { MAX_RETURN_URL_LENGTH } from './return-url.js'
import { requestRule, type RefusalReason } from './wake-rule.js'

/** Seconds a non-browser client is told to wait before asking again. */
export const RETRY_AFTER_SECONDS = 5

export type Decision =
  /** `counts`: the hit keeps the server awake. */
  | { readonly kind: 'pass', readonly server: string, readonly counts: boolean }
  | { readonly kind: 'redirect', readonly location: string, readonly wake: boolean, readonly counts: boolean }
  | {
    readonly kind: 'unavailable'
    readonly domain: string
    readonly state: Phase
    readonly retryAfterSeconds: number
    readonly wake: boolean
    readonly counts: boolean
    /** Why this request did not wake the server, when it did not. */
    readonly refusal: RefusalReason | null
  }
  | { readonly kind: 'no-host' }
  | { readonly kind: 'unknown-domain', readonly host: string }

/** The forward-auth answer as a pure function of the in-memory view and the forwarded headers. */
export function decide (view: DomainView | undefined, req: ForwardedRequest, publicUrl: string): Decision {
  if (req.host === null) return { kind: 'no-host' }
  if (view === undefined) return { kind: 'unknown-domain', host: req.host }
  const rule = requestRule(view.domain, req)
  if (isServing(view.phase)) return { kind: 'pass', server: view.server.name, counts: rule.counts }
  // asked in every phase but WAKING: the supervisor knows whether one is already under way
  const wake = rule.wakes && view.phase !== 'WAKING'
  // a person who may not start the server still waits on the page for a boot already under way
  const bootUnderWay = rule.counts && (view.phase === 'WAKING' || view.phase === 'BOOTING')
  if (isBrowserNavigation(req) && (rule.wakes || bootUnderWay)) {
    const url = `${req.proto}://${req.authority}${req.uri}`
    // the waiting page would refuse a return URL this long: send the browser back to the root instead
    const original = url.length > MAX_RETURN_URL_LENGTH ? `${req.proto}://${req.authority}/` : url
    return { kind: 'redirect', location: `${publicUrl}/waiting/${encodeURIComponent(req.host)}?to=${encodeURIComponent(original)}`, wake, counts: rule.counts }
  }
  return { kind: 'unavailable', domain: req.host, state: view.phase, retryAfterSeconds: RETRY_AFTER_SECONDS, wake, counts: rule.counts, refusal: rule.refusal }
}
