import assert from 'node:assert/strict'
import { test } from 'node:test'
import { build, fakeDocument, type FakeElement } from './fake-dom.js'

// The shipped events-tail.js against a fake DOM, timers and fetch: new rows on top, as text, and
// polling that slows down while nothing happens and stops when paused.

const SCRIPT_URL = new URL('../../../service/src/http/public/admin/events-tail.js', import.meta.url).href
const { runEventsTail } = await import(SCRIPT_URL) as { runEventsTail (g: object): void }

function runPage () {
  const root = build(['body', {},
    ['script', { id: 'hall-events-strings' }, JSON.stringify({ follow: 'Follow', pause: 'Stop', following: 'following', paused: 'paused', details: 'Details' })],
    ['button', { id: 'hall-tail-toggle', hidden: '' }],
    ['span', { id: 'hall-tail-status' }],
    ['table', { id: 'hall-events', 'data-tail-url': '/admin/api/log?period=all', 'data-newest-id': '10' }, ['tbody', {}, ['tr', { 'data-event-id': '10' }]]],
    ['p', { id: 'hall-events-empty' }]])
  const tbody = root.querySelector('tbody')!
  // the fake DOM needs insertBefore/removeChild/firstChild/lastChild for the tail
  Object.defineProperties(tbody, {
    insertBefore: { value: (child: FakeElement, before: FakeElement | undefined) => { child.parent = tbody; tbody.children.splice(before === undefined ? 0 : tbody.children.indexOf(before), 0, child) } },
    removeChild: { value: (child: FakeElement) => { tbody.children.splice(tbody.children.indexOf(child), 1) } },
    firstChild: { get: () => tbody.children[0] },
    lastChild: { get: () => tbody.children.at(-1) }
  })
  const timers: Array<{ fn: () => void, ms: number }> = []
  const urls: string[] = []
  let answer: { events: object[] } = { events: [] }
  runEventsTail({
    document: fakeDocument(root),
    setTimeout: (fn: () => void, ms: number) => { timers.push({ fn, ms }); return timers.length },
    clearTimeout: () => {},
    fetch: async (url: string) => { urls.push(url); return { ok: true, json: async () => answer } }
  })
  const tick = async (): Promise<number> => {
    const next = timers.shift()
    assert.ok(next, 'a poll is scheduled')
    next.fn()
    for (let i = 0; i < 5; i++) await new Promise(resolve => setImmediate(resolve))
    return next.ms
  }
  return { root, tbody, urls, timers, tick, setAnswer: (a: { events: object[] }) => { answer = a } }
}

const row = (id: number, message: string) => ({ id, at: '2026-11-26T08:00:00.000Z', at_text: '26 Nov', level: 'warn', level_text: 'warning', server: 'lab', kind: 'note', message, by: 'alice', details: '{"a":1}' })

test('new events go on top, newest first, their text as text; the next poll asks after the newest', async () => {
  const page = runPage()
  assert.equal(page.root.querySelector('[id="hall-tail-toggle"]')!.hidden, false)
  page.setAnswer({ events: [row(11, 'first'), row(12, '<img src=x onerror=alert(1)>')] })
  await page.tick()
  assert.equal(page.urls[0], '/admin/api/log?period=all&after=10')
  assert.deepEqual(page.tbody.children.map(r => r.getAttribute('data-event-id')), ['12', '11', '10'])
  const cells = page.tbody.children[0]!.children
  assert.equal(cells[4]!.textContent, '<img src=x onerror=alert(1)>', 'set as text, never parsed')
  assert.equal(cells[5]!.textContent, 'alice')
  assert.equal(page.root.querySelector('[id="hall-events-empty"]')!.hidden, true)
  page.setAnswer({ events: [] })
  await page.tick()
  assert.equal(page.urls[1], '/admin/api/log?period=all&after=12')
})

test('polls slow down while nothing comes, and stop when paused', async () => {
  const page = runPage()
  const delays = [await page.tick(), await page.tick(), await page.tick()]
  assert.deepEqual(delays, [2000, 3000, 4500])
  const toggle = page.root.querySelector('[id="hall-tail-toggle"]')!
  toggle.listeners.get('click')![0]!({})
  assert.equal(toggle.getAttribute('aria-pressed'), 'false')
  assert.equal(toggle.textContent, 'Follow')
  const before = page.urls.length
  page.timers.splice(0) // cleared by the pause
  assert.equal(page.urls.length, before)
})
