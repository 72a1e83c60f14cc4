/** Time source for everything that schedules or stamps: tests inject a fake one. */
export interface Clock {
  now (): number
  setTimeout (fn: () => void, ms: number): Timer
  clearTimeout (timer: Timer): void
  /** Runs `fn` on the next turn of the event loop, after the current one's I/O (setImmediate). */
  setImmediate (fn: () => void): void
}

export interface Timer { unref?: () => unknown }

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
  setImmediate: (fn) => { setImmediate(fn) }
}
