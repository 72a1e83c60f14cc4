// Hall admin, a project's page: the certificate form's file input reads the chosen PEM file into
// the textarea, which is what the form sends. Without JavaScript the input stays hidden and the
// certificate is pasted. An ES module, no inline code, for the strict CSP.

/** A certificate is a few KiB; the server refuses anything past this anyway. */
export const MAX_FILE_BYTES = 64 * 1024

/** Runs the page. `g` is the browser's global object (window); tests pass a fake one. */
export function runPemFile (g) {
  const document = g.document
  const input = document.getElementById('certificate-file')
  if (!input) return
  const target = document.getElementById(input.getAttribute('data-read-into'))
  if (!target) return
  const row = document.getElementById('certificate-file-row')
  if (row) row.hidden = false
  input.addEventListener('change', function () {
    const file = input.files && input.files[0]
    if (!file || file.size > MAX_FILE_BYTES) return
    return file.text().then(function (text) { target.value = text })
  })
}

if (typeof document !== 'undefined') runPemFile(globalThis)
