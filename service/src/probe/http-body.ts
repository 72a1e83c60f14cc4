import type { IncomingMessage } from 'node:http'

// A body is read to its end whenever that costs no waiting, because only then does node:http hand
// the socket back to the agent for the next probe; anything longer or slower is cut off.

/**
 * Reads and discards a body of at most `limit` bytes; a longer one is destroyed, socket and all.
 * Resolves however the body ends, never rejects.
 */
export function drainBody (res: IncomingMessage, limit: number): Promise<void> {
  return new Promise(resolve => {
    let size = 0
    res.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) res.destroy()
    })
    res.on('error', () => resolve())
    res.once('end', resolve)
    res.once('close', resolve)
  })
}

/**
 * Looks for `needle` in the first `limit` bytes and answers as soon as it knows. Rejects when the
 * body breaks off before its end (a reset, the deadline), as a socket error would.
 */
export function bodyContains (res: IncomingMessage, needle: string, limit: number): Promise<boolean> {
  const wanted = Buffer.from(needle)
  return new Promise((resolve, reject) => {
    let seen = Buffer.alloc(0)
    const settle = (found: boolean): void => {
      res.off('data', onData)
      // received in full: the rest is already in memory, so reading it keeps the socket
      if (res.complete) res.resume()
      else res.destroy()
      resolve(found)
    }
    const onData = (chunk: Buffer): void => {
      // search the concatenation so a marker split across chunks is still found
      seen = Buffer.concat([seen, chunk]).subarray(0, limit)
      if (seen.includes(wanted)) settle(true)
      else if (seen.length >= limit) settle(false)
    }
    res.on('data', onData)
    res.on('error', reject) // `on`: a late error after the verdict must not go unhandled
    res.once('end', () => resolve(false))
    // settled promises ignore this: it only matters for a body that never reached its end
    res.once('close', () => reject(new Error('the response body was cut off before its end')))
  })
}
