import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import Fastify from 'fastify'
import { Agent, request } from 'undici'
import { readEnv } from '../../../service/src/config/env.js'
import { domainStatusSchema, type DomainStatus } from '../../../service/src/contract/status.js'
import { startSimulatedServer } from '../../../service/src/demo/sim-server.js'
import { createRequestLimiter, limitRequests } from '../../../service/src/http/rate-limit.js'
import { eventRoutes, HEARTBEAT_MS, MAX_EVENT_CLIENTS, MAX_EVENT_CLIENTS_PER_ADDRESS } from '../../../service/src/http/routes/events.js'
import { startService, type Service } from '../../../service/src/main.js'
import { powerHistory } from '../../../service/src/store/index.js'
import { createFakeClock } from '../../helpers/fake-clock.js'
import { writeLoopbackConfig } from '../../helpers/hall-config.js'
import { DOMAIN, startAsleep, until } from '../../helpers/hall-in-process.js'

// GET /api/events/:domain against a real Hall in this process: real SQLite, a simulated LAN
// server that boots when its magic packet arrives on loopback UDP, streams read with undici.

interface SseEvent { event: string, data: string }
interface Stream {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** The next `event:` block; comments (heartbeats) are collected in `comments`. */
  next (timeoutMs?: number): Promise<SseEvent>
  comments: string[]
  /** Resolves once the server ends the stream. */
  ended: Promise<void>
  close (): void
}

/** `client`: the browser's address as the (trusted, loopback) proxy reports it in X-Forwarded-For. */
async function openStream (url: string, dispatcher?: Agent, client?: string): Promise<Stream> {
  const abort = new AbortController()
  const headers: Record<string, string> = { accept: 'text/event-stream' }
  if (client !== undefined) headers['x-forwarded-for'] = client
  const res = await request(url, { signal: abort.signal, dispatcher, headers })
  const events: SseEvent[] = []
  const comments: string[] = []
  const waiters = new Set<() => void>()
  let buffer = ''
  let done = false
  res.body.setEncoding('utf8')
  res.body.on('data', (chunk: string) => {
    buffer += chunk
    for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const fields = block.split('\n')
      if (fields.every(f => f.startsWith(':'))) { comments.push(...fields); continue }
      const field = (name: string): string | undefined => fields.find(f => f.startsWith(`${name}: `))?.slice(name.length + 2)
      const event = field('event')
      if (event !== undefined) events.push({ event, data: field('data') ?? '' })
    }
    for (const w of waiters) w()
  })
  const ended = new Promise<void>(resolve => {
    const finish = (): void => { done = true; resolve(); for (const w of waiters) w() }
    res.body.on('end', finish)
    res.body.on('error', finish)
    res.body.on('close', finish)
  })
  return {
    status: res.statusCode,
    headers: res.headers,
    comments,
    ended,
    next: async (timeoutMs = 5000) => await new Promise<SseEvent>((resolve, reject) => {
      const check = (): void => {
        const e = events.shift()
        if (e !== undefined) { cleanup(); resolve(e); return }
        if (done) { cleanup(); reject(new Error('stream ended')) }
      }
      const timer = setTimeout(() => { cleanup(); reject(new Error(`no event within ${timeoutMs} ms`)) }, timeoutMs)
      const cleanup = (): void => { clearTimeout(timer); waiters.delete(check) }
      waiters.add(check)
      check()
    }),
    close: () => abort.abort()
  }
}

/** A `status` event's data, checked against the contract /api/status/:domain is serialized with. */
const statusOf = (e: SseEvent): DomainStatus => domainStatusSchema.parse(JSON.parse(e.data))

/** Hall fronting a simulated server that boots 300 ms after its packet and is healthy 600 ms after. */
async function startWithSimulatedServer (t: TestContext): Promise<{ hall: Service, close: () => Promise<void> }> {
  const sim = await startSimulatedServer({ name: 'lab', mac: '02:00:00:00:00:2a', udpPort: 0, httpPort: 0, aliveAfterMs: 300, readyAfterMs: 600 })
  const config = writeLoopbackConfig({ udpPort: sim.udpPort, httpPort: sim.httpPort, domain: DOMAIN })
  const dir = mkdtempSync(join(tmpdir(), 'hall-db-'))
  const hall = await startService(readEnv({ HALL_CONFIG: config.file, HALL_DB: join(dir, 'hall.db'), HALL_HOST: '127.0.0.1', HALL_PORT: '0', HALL_PUBLIC_URL: 'https://hall.example.test', HALL_LOG_LEVEL: 'silent' }))
  let closed: Promise<void> | null = null
  const close = async (): Promise<void> => { closed ??= hall.close(); await closed }
  t.after(async () => {
    await close()
    await sim.close()
    config.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })
  await until(() => hall.fleet.lookup(DOMAIN)?.phase === 'OFFLINE')
  return { hall, close }
}

/** Counts the fleet listeners the events route holds: wraps the real fleet's subscribe. */
function countListeners (hall: Service): () => number {
  const subscribe = hall.fleet.subscribe.bind(hall.fleet)
  let live = 0
  hall.fleet.subscribe = (listener) => {
    live++
    const unsubscribe = subscribe(listener)
    let once = false
    return () => { if (!once) { once = true; live--; unsubscribe() } }
  }
  return () => live
}

test('events: the status at once, then each change until RUNNING, with the wake recorded as running', { timeout: 20_000 }, async (t) => {
  const { hall } = await startWithSimulatedServer(t)
  const stream = await openStream(`${hall.url}/api/events/${DOMAIN}`)
  t.after(() => stream.close())
  assert.equal(stream.status, 200)
  assert.match(String(stream.headers['content-type']), /^text\/event-stream/)
  assert.equal(stream.headers['cache-control'], 'no-store')
  assert.equal(stream.headers['x-accel-buffering'], 'no')

  const first = await stream.next()
  assert.equal(first.event, 'status')
  const initial = statusOf(first)
  // the same object /api/status/:domain answers (every field, none dropped), apart from the probe's timings
  const polled = await (await request(`${hall.url}/api/status/${DOMAIN}`)).body.json() as Record<string, unknown>
  assert.deepEqual(Object.keys(JSON.parse(first.data) as object).sort(), Object.keys(polled).sort())
  assert.deepEqual({ ...polled, last_probe: null }, { ...initial, last_probe: null })
  assert.equal(initial.state, 'OFFLINE')
  assert.equal(initial.activity, 'asleep')

  // a browser navigation through forward-auth wakes the server: a real packet on loopback UDP
  const auth = await request(`${hall.url}/forward-auth`, { headers: { 'x-forwarded-host': DOMAIN, 'x-forwarded-uri': '/', 'x-forwarded-proto': 'https', accept: 'text/html' } })
  await auth.body.dump()
  assert.equal(auth.statusCode, 302)

  const seen: DomainStatus[] = []
  for (let i = 0; i < 20 && seen.at(-1)?.state !== 'RUNNING'; i++) {
    const e = await stream.next(10_000)
    assert.equal(e.event, 'status')
    seen.push(statusOf(e))
  }
  const states = seen.map(s => s.state)
  assert.equal(states.at(-1), 'RUNNING', `states seen: ${states.join(' ')}`)
  assert.ok(states.includes('WAKING'), `states seen: ${states.join(' ')}`)
  assert.equal(seen.at(-1)!.activity, 'ready')
  // sent after the supervisor recorded the step: the page can show how long the boot took
  assert.notEqual(seen.at(-1)!.last_wake?.running_at ?? null, null)
  // consecutive events differ: a change is sent once, not on every probe
  for (let i = 1; i < seen.length; i++) assert.notDeepEqual(seen[i], seen[i - 1])
})

test('events: an unknown domain is a 404 in JSON, not a stream', async (t) => {
  const { hall } = await startAsleep(t)
  const res = await request(`${hall.url}/api/events/nope.example.test`)
  assert.equal(res.statusCode, 404)
  assert.match(String(res.headers['content-type']), /application\/json/)
  assert.equal((await res.body.json() as { error: string }).error, 'HALL_ERR_DOMAIN_UNKNOWN')
})

test('events: clients that leave take their fleet listener with them', async (t) => {
  const { hall } = await startAsleep(t)
  const listeners = countListeners(hall)
  const baseline = listeners()
  for (let round = 0; round < 2; round++) {
    const streams = await Promise.all(Array.from({ length: 5 }, async () => await openStream(`${hall.url}/api/events/${DOMAIN}`)))
    await Promise.all(streams.map(async s => await s.next()))
    assert.ok(listeners() > baseline, 'watching subscribes to the fleet')
    for (const s of streams) s.close()
    await until(() => listeners() === baseline)
  }
  assert.equal(listeners(), baseline)
})

test(`events: at most ${MAX_EVENT_CLIENTS} open streams; one more is refused with 503 until one closes`, { timeout: 30_000 }, async (t) => {
  const { hall } = await startAsleep(t)
  const agent = new Agent({ connections: MAX_EVENT_CLIENTS + 5 })
  t.after(() => agent.destroy())
  // many browsers (one stream each, as the proxy reports them), so the per-address cap is not what is tested
  const browser = (i: number): string => `198.51.100.${i % 250}`
  const streams = await Promise.all(Array.from({ length: MAX_EVENT_CLIENTS }, async (_, i) => await openStream(`${hall.url}/api/events/${DOMAIN}`, agent, browser(i))))
  t.after(() => { for (const s of streams) s.close() })
  assert.ok(streams.every(s => s.status === 200))

  const refused = await request(`${hall.url}/api/events/${DOMAIN}`, { dispatcher: agent, headers: { 'x-forwarded-for': '203.0.113.1' } })
  assert.equal(refused.statusCode, 503)
  assert.equal(refused.headers['retry-after'], '5')
  assert.equal((await refused.body.json() as { error: string }).error, 'HALL_ERR_HTTP_TOO_MANY_STREAMS')

  streams.pop()!.close()
  let again: Stream | null = null
  // the server sees the close a moment later: bounded retries
  for (let i = 0; i < 50; i++) {
    const s = await openStream(`${hall.url}/api/events/${DOMAIN}`, agent, '203.0.113.1')
    if (s.status === 200) { again = s; break }
    s.close()
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  assert.ok(again !== null, 'a slot frees up when a client leaves')
  again.close()
})

test(`events: one browser gets at most ${MAX_EVENT_CLIENTS_PER_ADDRESS} streams; others are not affected`, { timeout: 30_000 }, async (t) => {
  const { hall } = await startAsleep(t)
  const agent = new Agent({ connections: MAX_EVENT_CLIENTS_PER_ADDRESS + 5 })
  t.after(() => agent.destroy())
  const greedy = await Promise.all(Array.from({ length: MAX_EVENT_CLIENTS_PER_ADDRESS }, async () => await openStream(`${hall.url}/api/events/${DOMAIN}`, agent, '198.51.100.7')))
  t.after(() => { for (const s of greedy) s.close() })
  assert.ok(greedy.every(s => s.status === 200))
  const more = await openStream(`${hall.url}/api/events/${DOMAIN}`, agent, '198.51.100.7')
  more.close()
  assert.equal(more.status, 503)
  const other = await openStream(`${hall.url}/api/events/${DOMAIN}`, agent, '198.51.100.8')
  other.close()
  assert.equal(other.status, 200)
})

test('events: close() ends open streams instead of waiting for them', { timeout: 15_000 }, async (t) => {
  const { hall, close } = await startWithSimulatedServer(t)
  const stream = await openStream(`${hall.url}/api/events/${DOMAIN}`)
  await stream.next()
  const closing = close()
  const outcome = await Promise.race([closing.then(() => 'closed'), new Promise(resolve => setTimeout(() => resolve('hung'), 5000).unref())])
  const endedByServer = await Promise.race([stream.ended.then(() => true), new Promise(resolve => setTimeout(() => resolve(false), 2000).unref())])
  stream.close() // lets a hung close() finish, so a failure here reports instead of stalling the run
  await closing
  assert.equal(outcome, 'closed')
  assert.ok(endedByServer, 'the client sees its stream end (EventSource would reconnect)')
})

test('events: a comment line every heartbeat keeps proxies from closing a quiet stream', async (t) => {
  const { hall } = await startAsleep(t)
  // the route as app.ts registers it, its timers on a clock the test moves
  const clock = createFakeClock(Date.now())
  const app = Fastify()
  await app.register(eventRoutes, { fleet: hall.fleet, history: powerHistory(hall.store), startedAt: clock.now(), clock, limit: limitRequests(createRequestLimiter({ clock })) })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.after(() => app.close())
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const stream = await openStream(`http://127.0.0.1:${port}/api/events/${DOMAIN}`)
  t.after(() => stream.close())
  await stream.next()
  clock.advance(HEARTBEAT_MS)
  await until(() => stream.comments.length === 1, 3000)
  clock.advance(HEARTBEAT_MS)
  await until(() => stream.comments.length === 2, 3000)
  assert.deepEqual(stream.comments, [': keep-alive', ': keep-alive'])
})
