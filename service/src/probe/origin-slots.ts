export type Release = () => void

export interface OriginSlots {
  /**
   * Resolves with a release function once fewer than `limit` requests are in flight to `origin`;
   * rejects with the signal's reason if it aborts first, leaving the queue without a trace.
   */
  acquire (origin: string, signal: AbortSignal): Promise<Release>
}

interface Origin { active: number, readonly waiting: Array<() => void> }

/**
 * At most `limit` requests in flight per origin, the rest waiting in order. node:http's Agent
 * queues too, but it opens a socket for a queued request even after that request was aborted;
 * waiting here instead means a probe that gives up in the queue never touches the network.
 */
export function createOriginSlots (limit: number): OriginSlots {
  const origins = new Map<string, Origin>()

  function releaseOf (key: string, origin: Origin): Release {
    let released = false
    return () => {
      if (released) return
      released = true
      const next = origin.waiting.shift()
      if (next !== undefined) return next() // the slot passes on: active stays the same
      origin.active--
      // an origin nobody waits for is forgotten, so a config with many URLs leaves no residue
      if (origin.active === 0) origins.delete(key)
    }
  }

  function acquire (key: string, signal: AbortSignal): Promise<Release> {
    if (signal.aborted) return Promise.reject(signal.reason)
    let origin = origins.get(key)
    if (origin === undefined) {
      origin = { active: 0, waiting: [] }
      origins.set(key, origin)
    }
    if (origin.active < limit) {
      origin.active++
      return Promise.resolve(releaseOf(key, origin))
    }
    const queued = origin
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal.removeEventListener('abort', leave)
        resolve(releaseOf(key, queued))
      }
      const leave = (): void => {
        const at = queued.waiting.indexOf(grant)
        if (at !== -1) queued.waiting.splice(at, 1)
        reject(signal.reason)
      }
      queued.waiting.push(grant)
      signal.addEventListener('abort', leave, { once: true })
    })
  }

  return { acquire }
}
