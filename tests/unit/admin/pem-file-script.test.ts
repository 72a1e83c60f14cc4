import assert from 'node:assert/strict'
import { test } from 'node:test'
import { build, fakeDocument } from './fake-dom.js'

// The shipped pem-file.js: the file input appears with the script and reads the file into the
// textarea the form sends.

const SCRIPT_URL = new URL('../../../service/src/http/public/admin/pem-file.js', import.meta.url).href
const { runPemFile, MAX_FILE_BYTES } = await import(SCRIPT_URL) as { runPemFile (g: object): void, MAX_FILE_BYTES: number }

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'

function page () {
  const root = build(['body', {},
    ['textarea', { id: 'certificate-pem', name: 'pem' }],
    ['p', { id: 'certificate-file-row', hidden: '' },
      ['input', { id: 'certificate-file', type: 'file', 'data-read-into': 'certificate-pem' }]]])
  runPemFile({ document: fakeDocument(root) })
  const input = root.querySelector('[id="certificate-file"]')! as unknown as { files: unknown[], listeners: Map<string, Array<(e: unknown) => unknown>> }
  const choose = async (file: { size: number, text: () => Promise<string> }): Promise<void> => {
    input.files = [file]
    await input.listeners.get('change')![0]!({})
  }
  return { root, choose }
}

test('the file input is shown once the script runs', () => {
  const { root } = page()
  assert.equal(root.querySelector('[id="certificate-file-row"]')!.hidden, false)
})

test('a chosen file fills the textarea; one too big to be a certificate is left alone', async () => {
  const { root, choose } = page()
  await choose({ size: PEM.length, text: async () => PEM })
  assert.equal(root.querySelector('[id="certificate-pem"]')!.value, PEM)
  await choose({ size: MAX_FILE_BYTES + 1, text: async () => 'x'.repeat(MAX_FILE_BYTES + 1) })
  assert.equal(root.querySelector('[id="certificate-pem"]')!.value, PEM)
})

test('a page without the certificate form is left alone', () => {
  const root = build(['body', {}, ['p', { id: 'certificate-file-row', hidden: '' }]])
  runPemFile({ document: fakeDocument(root) })
  assert.equal(root.querySelector('[id="certificate-file-row"]')!.hidden, true)
})
