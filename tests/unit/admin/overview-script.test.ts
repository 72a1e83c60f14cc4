import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cardStrings } from '../../../service/src/http/admin/views/card.js'
import { card, NOW } from '../http/views/admin/fixtures.js'
import { build, fakeDocument, type FakeElement, type Spec } from './fake-dom.js'

// The shipped overview.js against a fake DOM, a fake EventSource and a fake fetch: what a card
// shows as events arrive, and what a click on Wake sends.

const SCRIPT_URL = new URL('../../../service/src/http/public/admin/overview.js', import.meta.url).href
const { runOverview } = await import(SCRIPT_URL) as { runOverview (g: object): void }

function cardSpec (server: string): Spec {
  const field = (name: string, tag = 'p'): Spec => [tag, { 'data-field': name, hidden: '' }]
  const step = (name: string): Spec => ['li', { 'data-step': name }, ['span', { 'data-field': 'step-at' }]]
  const form = (action: string): Spec => ['form', { 'data-action': action, action: `/admin/servers/${server}/${action}`, 'data-confirm': `${action} ${server}?` }, ['input', { name: '_csrf', value: 'tok' }]]
  return ['article', { 'data-server': server, 'data-state': 'OFFLINE' },
    ['span', { 'data-field': 'state' }], ['dd', { 'data-field': 'since' }],
    ['div', { 'data-field': 'steps', hidden: '' }, ['ol', {}, step('requested'), step('sent'), step('alive'), step('running')]],
    field('countdown'), field('suspended'), field('shutting-down'), field('schedule'), field('last-wake'), field('refusal'), field('notice'),
    form('wake'), form('shutdown')]
}

function runPage () {
  const root = build(['body', {},
    ['script', { id: 'hall-card-strings' }, JSON.stringify({ ...cardStrings({ lang: 'en' }), live: 'stopped', changed: 'changed' })],
    ['p', { id: 'hall-live-status', hidden: '' }],
    ['div', { id: 'hall-cards', 'data-stream-url': '/admin/api/stream', 'data-snapshot-url': '/admin/api/servers', 'data-now-ms': String(NOW) }, cardSpec('lab'), cardSpec('erp')]])
  let stream: { listeners: Record<string, (e: { data: string }) => void> } | null = null
  class FakeEventSource {
    static CLOSED = 2
    readyState = 1
    listeners: Record<string, (e: { data: string }) => void> = {}
    constructor () { stream = this }
    addEventListener (kind: string, fn: (e: { data: string }) => void): void { this.listeners[kind] = fn }
    close (): void {}
  }
  const fetches: Array<{ url: string, init: { method?: string, headers: Record<string, string>, body?: string } }> = []
  let answer: unknown = { message: 'Wake of lab started.' }
  const questions: string[] = []
  let confirmAnswer = true
  const g = {
    document: fakeDocument(root),
    Date: { now: () => NOW },
    EventSource: FakeEventSource,
    setInterval: () => 0,
    setTimeout: () => 0,
    confirm: (q: string) => { questions.push(q); return confirmAnswer },
    fetch: async (url: string, init: { method?: string, headers: Record<string, string>, body?: string }) => { fetches.push({ url, init }); return { ok: answer !== null, json: async () => answer } },
    URLSearchParams,
    FormData: class { constructor (readonly form: FakeElement) {} * [Symbol.iterator] () { for (const i of this.form.querySelectorAll('input')) yield [i.getAttribute('name'), i.getAttribute('value')] } }
  }
  runOverview(g)
  const send = (event: string, data: object): void => stream!.listeners[event]!({ data: JSON.stringify({ now_ms: NOW, ...data }) })
  const article = (server: string): FakeElement => root.querySelector(`[data-server="${server}"]`)!
  const submit = async (form: FakeElement): Promise<{ prevented: boolean }> => {
    const e = { target: form, prevented: false, preventDefault () { this.prevented = true } }
    for (const fn of root.querySelector('[id="hall-cards"]')!.listeners.get('submit') ?? []) fn(e)
    for (let i = 0; i < 5; i++) await new Promise(resolve => setImmediate(resolve))
    return e
  }
  return { root, send, article, submit, fetches, questions, setConfirm: (v: boolean) => { confirmAnswer = v }, setAnswer: (a: unknown) => { answer = a } }
}

test('a card follows the stream: state, badge, the wake\'s steps, and which button shows', () => {
  const page = runPage()
  page.send('cards', { cards: [card(), card({ server: 'erp', state: 'RUNNING' })] })
  const lab = page.article('lab')
  assert.equal(lab.querySelector('[data-field="state"]')!.textContent, 'Asleep')
  assert.equal(lab.querySelector('form[data-action="wake"]')!.hidden, false)

  page.send('card', { card: card({ state: 'WAKING', wake: { requested_at_ms: NOW - 3000, sent_at_ms: NOW - 2000, alive_at_ms: null, running_at_ms: null }, actions: { wake: false, shutdown: false, shutdown_refusal: null } }) })
  assert.equal(lab.getAttribute('data-state'), 'WAKING')
  const badge = lab.querySelector('[data-field="state"]')!
  assert.equal(badge.textContent, 'Waking')
  assert.equal(badge.className, 'badge badge-waking')
  assert.equal(lab.querySelector('[data-field="steps"]')!.hidden, false)
  assert.equal(lab.querySelector('[data-step="sent"] [data-field="step-at"]')!.textContent, '+1 s')
  assert.equal(lab.querySelector('[data-step="running"] [data-field="step-at"]')!.textContent, 'waiting')
  assert.equal(lab.querySelector('form[data-action="wake"]')!.hidden, true)
  assert.equal(page.article('erp').getAttribute('data-state'), 'RUNNING', 'the other card is left alone')
})

test('a refusal from the stream is shown as text; an unknown server in a list says the page is out of date', () => {
  const page = runPage()
  page.send('card', { card: card({ state: 'RUNNING', actions: { wake: false, shutdown: false, shutdown_refusal: 'always-on' } }) })
  const refusal = page.article('lab').querySelector('[data-field="refusal"]')!
  assert.equal(refusal.hidden, false)
  assert.match(refusal.textContent, /always on/)
  page.send('cards', { cards: [card(), card({ server: 'erp' }), card({ server: '<b>new</b>' })] })
  const status = page.root.querySelector('[id="hall-live-status"]')!
  assert.equal(status.textContent, 'changed')
  assert.equal(status.hidden, false)
})

test('Wake asks first; declined, nothing is sent; confirmed, the form goes as data with its token, and the answer shows on the card', async () => {
  const page = runPage()
  page.send('cards', { cards: [card(), card({ server: 'erp' })] })
  const form = page.article('lab').querySelector('form[data-action="wake"]')!
  page.setConfirm(false)
  assert.equal((await page.submit(form)).prevented, true)
  assert.deepEqual(page.questions, ['wake lab?'])
  assert.equal(page.fetches.length, 0)

  page.setConfirm(true)
  await page.submit(form)
  assert.equal(page.fetches.length, 1)
  const [sent] = page.fetches
  assert.equal(sent?.url, '/admin/servers/lab/wake')
  assert.equal(sent?.init.method, 'POST')
  assert.equal(sent?.init.headers['csrf-token'], 'tok')
  assert.equal(sent?.init.headers.accept, 'application/json')
  assert.equal(sent?.init.body, '_csrf=tok&confirm=yes')
  assert.equal(page.article('lab').querySelector('[data-field="notice"]')!.textContent, 'Wake of lab started.')
  assert.equal(form.submitted, 0, 'no page load')
})

test('when the data request fails, the confirmed form is sent the plain way, with confirm=yes', async () => {
  const page = runPage()
  page.send('cards', { cards: [card(), card({ server: 'erp' })] })
  page.setAnswer(null) // the answer is not ok: a 403 after the session ended, say
  const form = page.article('lab').querySelector('form[data-action="shutdown"]')!
  await page.submit(form)
  assert.equal(form.submitted, 1)
  const confirm = form.children.find(c => c.name === 'confirm')
  assert.equal(confirm?.value, 'yes')
})
