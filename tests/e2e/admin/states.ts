import type { Page } from 'playwright-core'

// What a server card showed, as the operator saw it: every value its data-state took, in order,
// recorded in the page by a MutationObserver and reported to the test as it happens.

export interface StateRecorder {
  /** The distinct states in the order the card showed them, the one it had at the start first. */
  readonly seen: readonly string[]
  /** Resolves once the card has shown `state`; rejects after `timeoutMs` naming what it showed. */
  waitFor (state: string, timeoutMs: number): Promise<void>
  /** Starts a new list from the card's current state. */
  restart (): Promise<void>
}

let bindings = 0

/** Watches the card `article.server-card[data-server=SERVER]` of the page's overview. */
export async function recordCardStates (page: Page, server: string): Promise<StateRecorder> {
  const seen: string[] = []
  const waiters = new Set<() => void>()
  const name = `hallCardState${++bindings}`
  await page.exposeFunction(name, (state: string) => {
    if (seen.at(-1) !== state) seen.push(state)
    for (const check of waiters) check()
  })
  // run through the DevTools protocol, so the admin's CSP (scripts from 'self' only) still holds for the page
  const install = `(() => {
    const card = document.querySelector('article.server-card[data-server=${JSON.stringify(server)}]')
    if (card === null) throw new Error('no card for ${server}')
    const report = () => window[${JSON.stringify(name)}](card.getAttribute('data-state'))
    window.hallStateReport = report
    new MutationObserver(report).observe(card, { attributes: true, attributeFilter: ['data-state'] })
    report()
  })()`
  await page.evaluate(install)
  await waitUntil(() => seen.length > 0, 5000, 'the card reports its first state')

  async function waitUntil (done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(new Error(`timed out after ${timeoutMs} ms: ${what}; the card showed ${JSON.stringify(seen)}`))
      }, timeoutMs)
      const check = (): void => {
        if (!done()) return
        clearTimeout(timer)
        waiters.delete(check)
        resolve()
      }
      waiters.add(check)
    })
  }

  return {
    seen,
    waitFor: async (state, timeoutMs) => { await waitUntil(() => seen.includes(state), timeoutMs, `the card should show ${state}`) },
    restart: async () => {
      seen.length = 0
      await page.evaluate('window.hallStateReport()')
      await waitUntil(() => seen.length > 0, 5000, 'the card reports its state again')
    }
  }
}
