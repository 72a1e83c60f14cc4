/**
 * Remembers a pure function's answers for the forward-auth path, where the same few inputs
 * (the proxy's address, a domain's X-Forwarded-Host, a browser's User-Agent) come back on every
 * request. Bounded: past `limit` entries it starts again empty, so a client sending endless new
 * values costs memory once, never growth.
 */
export function boundedMemo<V> (limit: number, compute: (key: string) => V): (key: string) => V {
  const cache = new Map<string, V>()
  // the last key asked for, answered by comparing strings: each request's header values are new
  // strings, and hashing a 100-character User-Agent for the map costs more than comparing it
  let lastKey: string | null = null
  let lastValue: V | undefined
  return key => {
    if (key === lastKey) return lastValue as V
    let value = cache.get(key)
    if (value === undefined && !cache.has(key)) {
      value = compute(key)
      if (cache.size >= limit) cache.clear()
      cache.set(key, value)
    }
    lastKey = key
    lastValue = value
    return value as V
  }
}
