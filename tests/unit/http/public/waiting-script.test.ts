import assert from 'node:assert/strict'
import test from 'node:test'

// The shipped waiting.js, run against a minimal fake DOM with a fake EventSource: what it shows
// and where it navigates, event by event, without a browser (the e2e tests drive it in Chromium).
// It is the module browsers load: imported here as it is, with its helpers (waiting-display.js),
// and handed fake globals instead of window.

const SCRIPT_URL = new URL('../../../../service/src/http/public/waiting.js', import.meta.url).href
// a computed specifier: the browser script has no type declarations, and needs none here
const { runWaitingPage } = await import(SCRIPT_URL) as { runWaitingPage (globals: object): void }
const NOW = Date.parse('2026-11-26T15:00:00Z')
const TO = 'https://app.hall.test/reports?month=11'

interface FakeElement { textContent: string, hidden: boolean, value?: number, attrs: Record<string, string>, getAttribute (n: string): string | null, setAttribute (n: string, v: unknown): void }

function runPage (state: string, expectedBootMs = '40000') {
  const elements = new Map<string, FakeElement>()
  const element = (id: string): FakeElement => {
    let e = elements.get(id)
    if (e === undefined) {
      e = { textContent: '', hidden: false, attrs: {}, getAttribute (n) { return this.attrs[n] ?? null }, setAttribute (n, v) { this.attrs[n] = String(v) } }
      elements.set(id, e)
    }
    return e
  }
  element('hall-waiting').attrs = {
    'data-to': TO,
    'data-status-url': '/api/status/app.hall.test',
    'data-events-url': '/api/events/app.hall.test',
    'data-state': state,
    'data-now-ms': String(NOW),
    'data-started-at-ms': String(NOW - 3000),
    'data-expected-boot-ms': expectedBootMs
  }
  element('hall-strings').textContent = JSON.stringify({ activity: { 'shutting-down': 'finishing its shutdown', waking: 'waking' }, usuallyReady: 'Usually ready in {approx}' })
  const navigations: string[] = []
  let stream: { listeners: Record<string, (e: { data: string }) => void> } | null = null
  class FakeEventSource {
    static CLOSED = 2
    readyState = 1
    listeners: Record<string, (e: { data: string }) => void> = {}
    constructor () { stream = this }
    addEventListener (kind: string, listener: (e: { data: string }) => void): void { this.listeners[kind] = listener }
    close (): void {}
  }
  runWaitingPage({
    document: { getElementById: element },
    location: { replace (url: string) { navigations.push(url) } },
    EventSource: FakeEventSource,
    // timers never fire: each step is driven by an event sent below
    setTimeout: () => 0,
    clearTimeout: () => {},
    setInterval: () => 0,
    fetch: () => { throw new Error('no polling while the stream works') },
    AbortController
  })
  const send = (status: object): void => stream!.listeners.status!({ data: JSON.stringify(status) })
  return { element, navigations, send }
}

test('the elapsed time follows the wake under way, not the last finished one', () => {
  const page = runPage('SHUTDOWN')
  page.send({ state: 'SHUTDOWN', activity: 'shutting-down', failure: null, expected_boot_seconds: 40, last_wake: { requested_at: '2026-11-26T08:02:00.000Z', outcome: 'running' } })
  assert.equal(page.element('hall-elapsed').textContent, '3 s', 'this morning\'s wake is not the one being waited on')
  page.send({ state: 'WAKING', activity: 'waking', failure: null, expected_boot_seconds: 40, last_wake: { requested_at: '2026-11-26T14:59:50.000Z', outcome: 'pending' } })
  assert.equal(page.element('hall-elapsed').textContent, '10 s')
})

test('the bar and the estimate move with the boot, through the shared helpers', () => {
  const page = runPage('OFFLINE', '')
  assert.equal(page.element('hall-progress').hidden, true, 'no history: no bar')
  page.send({ state: 'BOOTING', activity: 'booting', failure: null, expected_boot_seconds: 20, last_wake: { requested_at: '2026-11-26T14:59:50.000Z', outcome: 'pending' } })
  assert.equal(page.element('hall-expected').textContent, 'Usually ready in ~20 s')
  assert.equal(page.element('hall-progress').hidden, false)
  assert.equal(page.element('hall-progress').value, 50, '10 s of a usual 20 s')
  assert.equal(page.element('hall-slow').hidden, true)
  page.send({ state: 'BOOTING', activity: 'booting', failure: null, expected_boot_seconds: 5, last_wake: { requested_at: '2026-11-26T14:59:50.000Z', outcome: 'pending' } })
  assert.equal(page.element('hall-progress').value, 95, 'capped until the server runs')
  assert.equal(page.element('hall-slow').hidden, false, 'taking longer than usual')
})

test('RUNNING sends the browser to the server-embedded URL, and only there', () => {
  const page = runPage('WAKING')
  page.send({ state: 'RUNNING', activity: 'ready', failure: null, to: 'https://evil.example/', location: 'https://evil.example/' })
  assert.deepEqual(page.navigations, [TO])
})

test('imported outside a browser, the script does nothing until it is called', () => {
  assert.equal(typeof runWaitingPage, 'function')
  assert.equal('document' in globalThis, false, 'this test would not prove it in a DOM')
})
