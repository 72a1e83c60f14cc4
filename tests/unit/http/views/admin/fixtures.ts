import type { CardJson } from '../../../../../service/src/http/admin/cards.js'
import type { AdminContext } from '../../../../../service/src/http/admin/views/context.js'

// What the admin views are rendered with in the unit tests: an attacker's text where text can come
// from outside (server names from a hand-edited config, event messages, account names, form input).

export const HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
export const NOW = Date.parse('2026-11-26T08:00:00Z')

export function ctx (over: Partial<AdminContext> = {}): AdminContext {
  return { lang: 'en', account: { name: 'alice', role: 'admin' }, csrf: 'tok"en<', timeZone: 'Europe/Paris', nowMs: NOW, ...over }
}

export const viewer = (over: Partial<AdminContext> = {}): AdminContext => ctx({ account: { name: 'victor', role: 'viewer' }, ...over })

export function card (over: Partial<CardJson> = {}): CardJson {
  return {
    server: 'lab',
    state: 'OFFLINE',
    since_ms: NOW - 125_000,
    policy: 'on_demand',
    domains: ['app.hall.test'],
    wake: null,
    last_wake: null,
    idle_shutdown_at_ms: null,
    shutdown_suspended: false,
    shutdown_pending: false,
    schedule: null,
    actions: { wake: true, shutdown: false, shutdown_refusal: null },
    ...over
  }
}

/**
 * No script that is not a JSON data block or a file from 'self', no inline handler, no style
 * attribute: looked for in the tags themselves, their quoted values (escaped text) set aside.
 */
export function assertCspSafe (html: string, assert: { doesNotMatch: (s: string, r: RegExp, m?: string) => void }): void {
  const tags = (html.match(/<[a-z][^>]*>/gi) ?? []).map(tag => tag.replace(/"[^"]*"/g, '""'))
  for (const tag of tags) {
    assert.doesNotMatch(tag, /\son[a-z]+=|\sstyle=/i, `an inline handler or style in ${tag}`)
    assert.doesNotMatch(tag, /^<script(?!.*\b(type|src)="")/i, `an inline script: ${tag}`)
  }
  const scripts = html.match(/<script[^>]*>/gi) ?? []
  for (const s of scripts) assert.doesNotMatch(s, /^(?!<script (type="application\/json"|type="module" src="\/admin\/assets\/[A-Za-z-]+\.js"))/, `a script from elsewhere: ${s}`)
  assert.doesNotMatch(html, /<script>alert|<img src=x/i, 'hostile markup')
}
