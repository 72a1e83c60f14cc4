import assert from 'node:assert/strict'
import { test } from 'node:test'
import { build, fakeDocument } from './fake-dom.js'

// The shipped forms.js: confirm() before a marked form goes, and the copy button of a new key.

const SCRIPT_URL = new URL('../../../service/src/http/public/admin/forms.js', import.meta.url).href
const { runForms } = await import(SCRIPT_URL) as { runForms (g: object): void }

function runPage (answer: boolean) {
  const root = build(['body', {},
    ['form', { id: 'revoke', 'data-confirm': 'Revoke the key ci?' }],
    ['form', { id: 'plain' }],
    ['input', { id: 'hall-new-key', value: 'hall_x' }],
    ['button', { id: 'hall-copy-key', 'data-copied': 'Copied', hidden: '' }, 'Copy']])
  root.querySelector('[id="hall-new-key"]')!.value = 'hall_0a1b2c3d_secret'
  const questions: string[] = []
  const copied: string[] = []
  runForms({
    document: fakeDocument(root),
    confirm: (q: string) => { questions.push(q); return answer },
    navigator: { clipboard: { writeText: async (text: string) => { copied.push(text) } } }
  })
  const submit = (id: string): boolean => {
    const e = { target: root.querySelector(`[id="${id}"]`), prevented: false, preventDefault () { this.prevented = true } }
    for (const fn of root.listeners.get('submit') ?? []) fn(e)
    return e.prevented
  }
  return { root, questions, copied, submit }
}

test('a marked form asks first: declined, it does not go; confirmed, it goes with confirm=yes', () => {
  const no = runPage(false)
  assert.equal(no.submit('revoke'), true)
  assert.deepEqual(no.questions, ['Revoke the key ci?'])
  const yes = runPage(true)
  assert.equal(yes.submit('revoke'), false)
  const form = yes.root.querySelector('[id="revoke"]')!
  assert.deepEqual(form.children.map(c => [c.name, c.value]), [['confirm', 'yes']])
  assert.equal(yes.submit('plain'), false)
  assert.deepEqual(yes.questions, ['Revoke the key ci?'], 'an unmarked form is not asked about')
})

test('the copy button appears with the script and copies the key', async () => {
  const page = runPage(true)
  const button = page.root.querySelector('[id="hall-copy-key"]')!
  assert.equal(button.hidden, false)
  button.listeners.get('click')![0]!({})
  await new Promise(resolve => setImmediate(resolve))
  assert.deepEqual(page.copied, ['hall_0a1b2c3d_secret'])
  assert.equal(button.textContent, 'Copied')
})
