import type { DomainConfig } from '../../config/types.js'
import { isBrowserNavigation } from './browser-navigation.js'
import type { ForwardedRequest } from './forwarded.js'
import { boundedMemo } from '../bounded-memo.js'

/** Why a request may not wake its server; recorded (rate-limited) so a refused wake can be explained. */
const REFUSAL_REASONS = ['crawler', 'monitor', 'housekeeping-path', 'ignored-user-agent', 'not-a-browser-navigation', 'wake-on-never'] as const
export type RefusalReason = typeof REFUSAL_REASONS[number]

export interface RequestRule {
  /** May start a wake of a sleeping server. */
  readonly wakes: boolean
  /** Keeps a running server awake (resets its idle countdown). */
  readonly counts: boolean
  /** Set when `wakes` is false. */
  readonly refusal: RefusalReason | null
}

// Link previewers and search engines fetch every URL they see posted: a chat message must not power a
// server on. Named tokens, or a "SomethingBot/1.0" product token: a bare "bot" would also match phones
// ("CUBOT X30") and in-app browsers.
const crawlers = /[a-z]bot\/\d|googlebot|bingbot|slackbot|discordbot|twitterbot|linkedinbot|telegrambot|applebot|duckduckbot|yandex(bot|images)|baiduspider|facebookexternalhit|facebookcatalog|facebot|pinterestbot|redditbot|whatsapp\/|skypeuripreview|embedly|iframely|mastodon\/|pleroma|misskey|vkshare|google-pagerenderer|google-read-aloud|yahoo! slurp|ia_archiver|\bcrawler\b|\bspider\b/i
// Uptime monitors poll around the clock; counting them would keep a server awake forever.
const monitors = /uptime|pingdom|statuscake|site24x7|better ?stack|betteruptime|hetrixtools|freshping|zabbix|nagios|check_http|icinga|blackbox|prometheus|healthcheck|gatus|monit\/|kube-probe|updown\.io|cron-job/i
// Browsers fetch these by themselves, with no person asking for the page.
const housekeepingPaths = new Set(['/favicon.ico', '/robots.txt', '/apple-touch-icon.png', '/apple-touch-icon-precomposed.png'])

/** Distinct User-Agents are few in practice: each runs the two long patterns once, not per request. */
const USER_AGENT_CACHE_LIMIT = 4096
const agentClass = boundedMemo(USER_AGENT_CACHE_LIMIT, (ua): 'monitor' | 'crawler' | null =>
  monitors.test(ua) ? 'monitor' : crawlers.test(ua) ? 'crawler' : null)

// built once: this runs on every request, and each answer is one of these few
const WAKES: RequestRule = Object.freeze({ wakes: true, counts: true, refusal: null })
const IGNORED = rulesByRefusal(false)
const COUNTED = rulesByRefusal(true)
const ignored = (refusal: RefusalReason): RequestRule => IGNORED[refusal]
const counted = (refusal: RefusalReason | null): RequestRule => refusal === null ? WAKES : COUNTED[refusal]

function rulesByRefusal (counts: boolean): Readonly<Record<RefusalReason, RequestRule>> {
  return Object.fromEntries(REFUSAL_REASONS.map(refusal => [refusal, Object.freeze({ wakes: false, counts, refusal })])) as Record<RefusalReason, RequestRule>
}

/** Longer User-Agents are cut before matching: a badly written pattern must not cost much per request. */
export const MAX_USER_AGENT_MATCHED = 512

/** Which requests wake a server and which keep it awake. Pure; runs on the forward-auth path. */
export function requestRule (domain: DomainConfig, req: ForwardedRequest): RequestRule {
  if (housekeepingPaths.has(pathOf(req.uri))) return ignored('housekeeping-path')
  const ua = req.userAgent.length > MAX_USER_AGENT_MATCHED ? req.userAgent.slice(0, MAX_USER_AGENT_MATCHED) : req.userAgent
  if (domain.ignoreUserAgents.some(pattern => pattern.test(ua))) return ignored('ignored-user-agent')
  const known = agentClass(ua)
  if (known !== null) return ignored(known)
  switch (domain.wakeOn) {
    case 'any': return counted(null)
    case 'never': return counted('wake-on-never')
    case 'browser': return counted(isBrowserNavigation(req) ? null : 'not-a-browser-navigation')
  }
}

function pathOf (uri: string): string {
  const query = uri.indexOf('?')
  return query === -1 ? uri : uri.slice(0, query)
}
