// Hall admin forms: asks before a form marked data-confirm is sent (revoke a key, remove an
// account), and copies a new API key. Without JavaScript the server asks on a page of its own
// and the key can be selected by hand. An ES module, no inline code, for the strict CSP.

/** Runs the page. `g` is the browser's global object (window); tests pass a fake one. */
export function runForms (g) {
  const document = g.document

  document.addEventListener('submit', function (e) {
    const form = e.target
    if (!form || !form.getAttribute) return
    const question = form.getAttribute('data-confirm')
    if (!question) return
    if (!g.confirm(question)) {
      e.preventDefault()
      return
    }
    // confirmed here: the server need not ask again
    if (!form.querySelector('input[name="confirm"]')) {
      const confirmed = document.createElement('input')
      confirmed.type = 'hidden'
      confirmed.name = 'confirm'
      confirmed.value = 'yes'
      form.appendChild(confirmed)
    }
  })

  const copy = document.getElementById('hall-copy-key')
  const key = document.getElementById('hall-new-key')
  if (copy && key) {
    copy.hidden = false
    copy.addEventListener('click', function () {
      const done = function () { copy.textContent = copy.getAttribute('data-copied') }
      if (g.navigator && g.navigator.clipboard) {
        g.navigator.clipboard.writeText(key.value).then(done, function () { key.select() })
      } else {
        key.select()
      }
    })
  }
}

if (typeof document !== 'undefined') runForms(globalThis)
