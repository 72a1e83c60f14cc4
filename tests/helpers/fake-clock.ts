import type { Clock, Timer } from '../../service/src/clock.js'

/**
 * A clock that moves only when the test says so. advance() first runs the work deferred with
 * setImmediate (advance(0) runs only that: no fake time passes), then fires timers in order,
 * running what each of them deferred before the next one, as the event loop would.
 */
export interface FakeClock extends Clock {
  advance (ms: number): void
}

export function createFakeClock (start = Date.UTC(2026, 10, 26, 8, 0, 0)): FakeClock {
  let now = start
  let nextId = 0
  const timers = new Map<number, { at: number, fn: () => void }>()
  const immediates: Array<() => void> = []
  const runImmediates = (): void => {
    for (let fn = immediates.shift(); fn !== undefined; fn = immediates.shift()) fn()
  }
  return {
    now: () => now,
    setTimeout (fn, ms) {
      const id = ++nextId
      timers.set(id, { at: now + Math.max(0, ms), fn })
      return { id } as Timer
    },
    clearTimeout (timer) { timers.delete((timer as { id: number }).id) },
    setImmediate (fn) { immediates.push(fn) },
    advance (ms) {
      const until = now + ms
      for (;;) {
        runImmediates()
        const due = [...timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0]
        if (due === undefined) break
        timers.delete(due[0])
        now = due[1].at
        due[1].fn()
      }
      now = until
    }
  }
}
