import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import test from 'node:test'
import vm from 'node:vm'

// The shipped waiting.js, run in a minimal fake DOM with a fake EventSource: what it shows and
// where it navigates, event by event, without a browser (the e2e tests drive it in Chromium).

const SCRIPT = readFileSync(new URL('../../../../service/src/http/public/waiting.js', import.meta.url), 'utf8')
const NOW = Date.parse('2026-11-26T15:00:00Z')
const TO = 'https://app.hall.test/reports?month=11'

interface FakeElement { textContent: string, hidden: boolean, attrs: Record<string, string>, getAttribute (n: string): string | null, setAttribute (n: string, v: unknown): void }

function runPage (state: string) {
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
    'data-expected-boot-ms': '40000'
  }
  element('hall-strings').textContent = JSON.stringify({ activity: { 'shutting-down': 'finishing its shutdown', waking: 'waking' } })
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
  const window = { EventSource: FakeEventSource, location: { replace (url: string) { navigations.push(url) } } }
  vm.runInNewContext(SCRIPT, {
    document: { getElementById: element },
    window,
    Date,
    URL,
    JSON,
    Number,
    isFinite,
    Math,
    String,
    Object,
    setTimeout: () => 0,
    clearTimeout: () => {},
    setInterval: () => 0,
    clearInterval: () => {},
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

test('RUNNING sends the browser to the server-embedded URL, and only there', () => {
  const page = runPage('WAKING')
  page.send({ state: 'RUNNING', activity: 'ready', failure: null, to: 'https://evil.example/', location: 'https://evil.example/' })
  assert.deepEqual(page.navigations, [TO])
})
