import { request, type ClientRequest } from 'node:http'
import { sleep, type TrafficContext } from './soak-traffic.js'

/**
 * Waiting pages following /api/events/:domain: each stream is held for a while, then dropped and
 * reopened, as pages come and go. Hall must send the status at once and keep every event well formed;
 * streams that come and go must not leave sockets or subscriptions behind (the fd count shows it).
 */

const FIRST_EVENT_TIMEOUT_MS = 3000
/** Hall allows 10 streams per client address: spread the clients over documentation addresses (headers only). */
const CLIENT_ADDRESSES = ['192.0.2.31', '192.0.2.32', '192.0.2.33']

export async function sseLoop (ctx: TrafficContext, client: number, holdMinMs: number, holdMaxMs: number): Promise<void> {
  const stable = [...ctx.serverOf.keys()]
  while (ctx.running()) {
    const domain = stable[Math.floor(Math.random() * stable.length)]!
    const holdMs = holdMinMs + Math.random() * (holdMaxMs - holdMinMs)
    const problem = await holdStream(ctx, domain, CLIENT_ADDRESSES[client % CLIENT_ADDRESSES.length]!, holdMs)
    ctx.tally.count('sse')
    if (problem !== null) ctx.tally.fail('sse', `${domain}: ${problem}`)
    await sleep(100)
  }
}

/** Opens a stream, checks every event until holdMs is over (or the run ends), then drops it; returns a problem or null. */
function holdStream (ctx: TrafficContext, domain: string, address: string, holdMs: number): Promise<string | null> {
  return new Promise(resolve => {
    let events = 0
    let problem: string | null = null
    let settled = false
    let req: ClientRequest | null = null
    const finish = (found: string | null): void => {
      if (settled) return
      settled = true
      clearTimeout(firstEvent)
      clearInterval(endCheck)
      clearTimeout(hold)
      req?.destroy()
      resolve(found)
    }
    const firstEvent = setTimeout(() => finish(`no status event within ${FIRST_EVENT_TIMEOUT_MS} ms`), FIRST_EVENT_TIMEOUT_MS)
    const hold = setTimeout(() => finish(problem), holdMs)
    const endCheck = setInterval(() => { if (!ctx.running()) finish(problem) }, 250)

    req = request(`${ctx.hallUrl}/api/events/${domain}`, { headers: { accept: 'text/event-stream', 'x-forwarded-for': address } }, res => {
      if (res.statusCode !== 200) { res.resume(); finish(`status ${res.statusCode}`); return }
      res.setEncoding('utf8')
      let buffered = ''
      res.on('data', (chunk: string) => {
        buffered += chunk
        let end: number
        while ((end = buffered.indexOf('\n\n')) !== -1) {
          const block = buffered.slice(0, end)
          buffered = buffered.slice(end + 2)
          const data = block.split('\n').find(line => line.startsWith('data: '))
          if (data === undefined) continue // retry: and keep-alive comments
          events++
          ctx.tally.sseEvents++
          if (events === 1) clearTimeout(firstEvent)
          try {
            const status = JSON.parse(data.slice('data: '.length)) as { domain?: string, state?: string }
            if (status.domain !== domain || typeof status.state !== 'string') problem ??= `event for ${status.domain ?? '?'} in ${status.state ?? '?'}`
          } catch {
            problem ??= `event data is not JSON: ${data.slice(0, 120)}`
          }
        }
      })
      res.on('end', () => finish(problem ?? (events === 0 ? 'stream ended before its first event' : null)))
      res.on('error', () => { /* our own destroy() at the end of the hold */ })
    })
    req.on('error', err => finish(settled ? null : err.message))
    req.end()
  })
}
