import { test } from 'node:test'
import assert from 'node:assert/strict'
import { messages } from '../../../../service/src/http/i18n.js'
import { renderWaitingPage, type WaitingPageModel } from '../../../../service/src/http/views/waiting.js'

const base: WaitingPageModel = {
  lang: 'en',
  domain: 'app.example.test',
  to: 'https://app.example.test/a?b=1&c=2',
  statusUrl: '/api/status/app.example.test',
  eventsUrl: '/api/events/app.example.test',
  state: 'WAKING',
  activity: 'waking',
  sinceMs: 1_000_000,
  nowMs: 1_012_000,
  wakeRequestedAtMs: 1_000_000,
  expectedBootMs: 45_000,
  failure: null
}

const hostile = '"><script>alert(1)</script><img src=x onerror=alert(2) \'x'

// Reads a quoted attribute off the page and undoes the escaping a browser would undo.
function attr (html: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(html)
  return m?.[1]
    ?.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&')
}

/** Script elements a browser would run: a `type="application/json"` data block is never run. */
function scriptTags (html: string): number {
  return [...html.matchAll(/<script\b([^>]*)>/gi)].filter(m => !/type="application\/json"/.test(m[1]!)).length
}

/** The JSON data block the page script reads its strings from, parsed as the browser would. */
function strings (html: string): Record<string, unknown> {
  const m = /<script type="application\/json" id="hall-strings">([^<]*)<\/script>/.exec(html)
  assert.ok(m, 'the page carries its strings in a JSON data block')
  return JSON.parse(m[1]!) as Record<string, unknown>
}

test('waking page: no-JS refresh every 5 s, state text, data attributes', () => {
  const html = renderWaitingPage(base)
  // through /api/redirect, which goes straight on to `to` once the server serves
  const refresh = /<noscript><meta http-equiv="refresh" content="5; url=([^"]*)"><\/noscript>/.exec(html)
  assert.ok(refresh, 'a no-JS refresh every 5 s')
  assert.equal(refresh[1]!.replaceAll('&amp;', '&'), `/api/redirect/${encodeURIComponent(base.domain)}?to=${encodeURIComponent(base.to)}`)
  assert.doesNotMatch(html, /content="0; url=/)
  assert.match(html, /<html lang="en">/)
  assert.match(html, /role="status" aria-live="polite">Waking the server: Wake-on-LAN sent, no answer yet</)
  assert.equal(attr(html, 'data-to'), base.to)
  assert.equal(attr(html, 'data-status-url'), base.statusUrl)
  assert.equal(attr(html, 'data-events-url'), base.eventsUrl)
  assert.equal(attr(html, 'data-activity'), 'waking')
  assert.equal(attr(html, 'data-expected-boot-ms'), '45000')
  assert.equal(attr(html, 'data-started-at-ms'), '1000000')
  assert.equal(attr(html, 'data-now-ms'), '1012000')
  assert.match(html, /Usually ready in ~45 s/)
  assert.match(html, /<span id="hall-elapsed">12 s<\/span>/)
  assert.match(html, /<label class="muted" for="hall-progress" id="hall-expected">Usually ready in ~45 s<\/label>/)
  assert.match(html, /<progress id="hall-progress" max="100" value="26">/)
  assert.match(html, /<script type="module" src="\/assets\/waiting.js"><\/script>/)
  assert.equal(scriptTags(html), 1, 'no inline script')
  assert.doesNotMatch(html, /\sstyle=/, 'no inline style: CSP-friendly')
})

test('progress is capped at 95% until the server is ready', () => {
  const html = renderWaitingPage({ ...base, nowMs: base.sinceMs + 300_000 })
  assert.match(html, /value="95"/)
  assert.match(html, /<span id="hall-slow">/, 'says it is taking longer than usual')
})

for (const state of ['OFFLINE', 'SHUTDOWN'] as const) {
  test(`${state}: the bar stays at 0 until a wake is under way, however long the page has been open`, () => {
    const html = renderWaitingPage({ ...base, state, activity: state === 'OFFLINE' ? 'asleep' : 'shutting-down', wakeRequestedAtMs: null, nowMs: base.sinceMs + 300_000 })
    assert.match(html, /<progress id="hall-progress" max="100" value="0">/)
    assert.match(html, /<span id="hall-slow" hidden>/)
  })
}

test('no history: progress bar hidden, says so', () => {
  const html = renderWaitingPage({ ...base, expectedBootMs: null })
  assert.match(html, /No boot history yet/)
  assert.match(html, /<progress id="hall-progress" max="100" value="0" hidden>/)
  assert.equal(attr(html, 'data-expected-boot-ms'), '')
})

for (const state of ['RUNNING', 'IDLE'] as const) {
  test(`${state}: refresh straight to \`to\` and a link`, () => {
    const html = renderWaitingPage({ ...base, state })
    assert.match(html, /<meta http-equiv="refresh" content="0; url=https:\/\/app.example.test\/a\?b=1&amp;c=2">/)
    assert.doesNotMatch(html, /content="5"/)
    assert.match(html, /<p class="continue" id="hall-continue"><a href="https:\/\/app.example.test\/a\?b=1&amp;c=2">/)
    assert.match(html, /Ready — taking you there/)
  })
}

test('failure: reason, code and a retry link to `to`; no reload loop', () => {
  const html = renderWaitingPage({
    ...base,
    state: 'OFFLINE',
    failure: { code: 'HALL_ERR_WAKE_TIMEOUT', message: 'no answer after 120 s' }
  })
  assert.match(html, /The server did not wake up/)
  assert.match(html, /<div class="failure" id="hall-failure" role="alert">/)
  assert.match(html, /no answer after 120 s/)
  assert.match(html, /HALL_ERR_WAKE_TIMEOUT/)
  assert.match(html, /<a class="button" id="hall-retry" href="https:\/\/app.example.test\/a\?b=1&amp;c=2">Try again<\/a>/)
  assert.doesNotMatch(html, /http-equiv="refresh"/)
  assert.equal(attr(html, 'data-failed'), 'true')
})

test('hostile domain, to, status url and failure are escaped in every context', () => {
  const html = renderWaitingPage({
    ...base,
    domain: hostile,
    to: `https://app.example.test/${hostile}`,
    statusUrl: `/api/status/${hostile}`,
    state: 'OFFLINE',
    failure: { code: hostile, message: hostile }
  })
  assert.equal(scriptTags(html), 1, 'only our own script tag')
  assert.doesNotMatch(html, /<img/)
  assert.doesNotMatch(html, /"><script/)
  assert.doesNotMatch(html, /'x/)
  assert.ok(html.includes('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;'))
  // the values still round-trip through the attributes the script reads
  assert.equal(attr(html, 'data-to'), `https://app.example.test/${hostile}`)
  assert.equal(attr(html, 'data-status-url'), `/api/status/${hostile}`)
})

test('hostile `to` cannot break out of the ready-state meta refresh', () => {
  const html = renderWaitingPage({ ...base, state: 'RUNNING', to: `https://app.example.test/${hostile}` })
  assert.equal(scriptTags(html), 1)
  assert.doesNotMatch(html, /<img/)
  assert.match(html, /content="0; url=https:\/\/app.example.test\/&quot;&gt;&lt;script&gt;/)
})

test('elapsed counts from the phase change before a wake is recorded', () => {
  const html = renderWaitingPage({ ...base, state: 'UNKNOWN', wakeRequestedAtMs: null, sinceMs: base.nowMs - 3_000 })
  assert.match(html, /<span id="hall-elapsed">3 s<\/span>/)
  assert.match(html, /Checking the server/)
})

const activities = [
  { state: 'BOOTING', activity: 'booting', text: 'The server is booting: it answers, its services are not up yet' },
  { state: 'BOOTING', activity: 'starting-app', text: 'The server is up; its application is starting' },
  { state: 'SHUTDOWN', activity: 'shutting-down', text: 'The server is finishing its shutdown; it will start again right after' },
  { state: 'OFFLINE', activity: 'asleep', text: 'The server is asleep; a wake has been requested' }
] as const
for (const a of activities) {
  test(`${a.state} / ${a.activity}: the state line says what the server is doing`, () => {
    const html = renderWaitingPage({ ...base, state: a.state, activity: a.activity })
    assert.match(html, new RegExp(`aria-live="polite">${a.text.replace(/[.()]/g, '\\$&')}</p>`))
  })
}

test('French: lang attribute, every visible string and the script\'s strings in French', () => {
  const html = renderWaitingPage({ ...base, lang: 'fr', activity: 'starting-app', state: 'BOOTING' })
  assert.match(html, /<html lang="fr">/)
  assert.match(html, /<title>Réveil de app.example.test — Hall<\/title>/)
  assert.match(html, /Ouverture de <span class="domain">app.example.test<\/span>/)
  assert.match(html, /aria-live="polite">Le serveur est allumé ; son application démarre</)
  assert.match(html, /Prêt en ~45 s d’habitude/)
  assert.match(html, /En attente depuis <span id="hall-elapsed">12 s<\/span>/)
  assert.match(html, />Réessayer<\/a>/)
  assert.match(html, /Cette page se recharge/)
  assert.doesNotMatch(html, /Waiting for|Try again|Usually ready/)
  assert.deepEqual(strings(html), {
    activity: messages.fr.activity,
    failed: messages.fr.failed,
    failureDefault: messages.fr.failureDefault,
    usuallyReady: messages.fr.usuallyReady
  })
})

test('English and French tables have the same keys, and no empty string', () => {
  const keys = (o: object, prefix = ''): string[] => Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`])
  assert.deepEqual(keys(messages.fr).sort(), keys(messages.en).sort())
  for (const lang of ['en', 'fr'] as const) {
    const values = (o: object): unknown[] => Object.values(o).flatMap(v => typeof v === 'object' ? values(v as object) : [v])
    assert.ok(values(messages[lang]).every(v => typeof v === 'string' && v.length > 0), lang)
  }
})

test('the strings data block is the only inline script, and it cannot be broken out of', () => {
  const html = renderWaitingPage({ ...base, domain: '</script><script>alert(1)</script>' })
  assert.equal(scriptTags(html), 1, 'only the external script runs')
  assert.equal(html.match(/<\/script>/g)?.length, 2, 'the data block and the external script, nothing else')
  assert.equal((strings(html).activity as Record<string, string>).waking, messages.en.activity.waking)
})
