import { percentile, type Tally } from './soak-tally.js'
import { trendOf, type Tolerance } from './soak-trend.js'

/** One reading of the Hall process, from /proc, with the forward-auth latencies since the last one. */
export interface Sample {
  readonly atMs: number
  readonly rss: number | null
  /** RssAnon: anonymous resident memory, where the JS heap and native allocations live. */
  readonly anon: number | null
  readonly fds: number | null
  readonly cpuUs: number | null
  readonly p50Ms: number
  readonly p99Ms: number
  readonly requests: number
  /** This driver's own event-loop delay p99 over the window: a slow client inflates the latencies above. */
  readonly driverDelayMs: number
}

export interface SoakOutcome {
  readonly minutes: number
  readonly samples: readonly Sample[]
  readonly tally: Tally
  readonly reloadTimes: readonly number[]
  readonly flips: { readonly powerOffs: number, readonly handBoots: number }
  readonly wakePackets: number
  readonly hallErrors: { readonly count: number, readonly first: readonly string[] }
}

export const MAX_FORWARD_AUTH_P99_MS = 20

interface Series {
  readonly name: string
  readonly unit: string
  readonly values: number[]
  /** Null: shown to read the others by, not judged. */
  readonly tolerance: Tolerance | null
  readonly digits: number
  /** Round trips measured by this driver: growth it shares with the driver's own loop delay is the machine's, not Hall's. */
  readonly clientSide?: boolean
}

const MiB = 2 ** 20

function seriesOf (samples: readonly Sample[]): Series[] {
  const cpuShare = samples.slice(1).map((s, i) => {
    const before = samples[i]!
    return s.cpuUs === null || before.cpuUs === null ? Number.NaN : (s.cpuUs - before.cpuUs) / 1000 / (s.atMs - before.atMs) * 100
  })
  return [
    { name: 'RSS (VmRSS)', unit: 'MiB', values: samples.map(s => (s.rss ?? Number.NaN) / MiB), tolerance: { relative: 0.10, absolute: 8 }, digits: 1 },
    { name: 'heap + native (RssAnon)', unit: 'MiB', values: samples.map(s => (s.anon ?? Number.NaN) / MiB), tolerance: { relative: 0.10, absolute: 8 }, digits: 1 },
    { name: 'open fds', unit: '', values: samples.map(s => s.fds ?? Number.NaN), tolerance: { relative: 0.20, absolute: 8 }, digits: 0 },
    // Hall does not expose its event-loop delay: a loop that slows down shows in forward-auth round
    // trips instead. p50 is the steady figure; p99 moves with whatever else the machine runs, so it gets more room.
    { name: 'forward-auth p50 per window', unit: 'ms', values: samples.slice(1).map(s => s.p50Ms), tolerance: { relative: 0.50, absolute: 0.5 }, digits: 2, clientSide: true },
    { name: 'forward-auth p99 per window', unit: 'ms', values: samples.slice(1).map(s => s.p99Ms), tolerance: { relative: 1.00, absolute: 5 }, digits: 2, clientSide: true },
    { name: 'Hall CPU per window', unit: '% of a core', values: cpuShare, tolerance: { relative: 0.30, absolute: 3 }, digits: 1 },
    { name: 'soak driver loop delay p99', unit: 'ms', values: samples.slice(1).map(s => s.driverDelayMs), tolerance: null, digits: 2 }
  ]
}

/** Prints the soak's figures and verdict; returns the exit code. */
export function printSoakReport (o: SoakOutcome): number {
  const { tally } = o
  const all = tally.forwardAuthMs
  const p99 = percentile(all, 99)
  const counts = tally.counts
  console.log()
  console.log(`traffic over ${o.minutes} min: forward-auth ${counts['forward-auth']}, /api/status ${counts.status}, /api/status/:domain ${counts['domain-status']}, ` +
    `waiting page ${counts['waiting-page']}, SSE streams ${counts.sse} (${tally.sseEvents} events), config reloads ${counts.reload}` +
    (o.reloadTimes.length > 0 ? ` (applied after ${Math.min(...o.reloadTimes)}–${Math.max(...o.reloadTimes)} ms)` : ''))
  console.log(`servers: ${o.flips.powerOffs} power-offs, ${o.flips.handBoots} boots by hand, ${o.wakePackets} magic packets received in all (the rest from Hall's wakes)`)
  console.log(`forward-auth round trip (client side, loopback): p50 ${percentile(all, 50).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${percentile(all, 100).toFixed(2)} ms`)
  console.log()
  const rows = [['figure', 'start', 'end', 'middle third', 'last third', 'allowed growth', 'verdict']]
  let grows = false
  let blamedOnMachine = false
  const series = seriesOf(o.samples)
  const driver = trendOf(series.at(-1)!.values, { relative: 0, absolute: 0 })
  for (const s of series) {
    const t = trendOf(s.values, s.tolerance ?? { relative: 0, absolute: 0 })
    const unit = s.unit === '' ? '' : ` ${s.unit}`
    const f = (n: number): string => `${n.toFixed(s.digits)}${unit}`
    if (t === null) { rows.push([s.name, 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'too few samples']); continue }
    if (s.tolerance === null) { rows.push([s.name, f(t.start), f(t.end), f(t.middle), f(t.last), '', 'not judged']); continue }
    // a client whose own loop slowed by half the growth or more cannot tell Hall's delay from its own
    const machine = t.grows && s.clientSide === true && driver !== null && driver.last - driver.middle >= (t.last - t.middle) / 2
    blamedOnMachine ||= machine
    grows ||= t.grows && !machine
    rows.push([s.name, f(t.start), f(t.end), f(t.middle), f(t.last), f(t.allowed), machine ? 'grew, so did the driver' : t.grows ? 'GROWS' : 'flat'])
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map(r => r[i]!.length)))
  for (const [i, r] of rows.entries()) {
    console.log(`| ${r.map((cell, c) => c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)).join(' | ')} |`)
    if (i === 0) console.log(`|${widths.map((w, c) => c === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`).join('|')}|`)
  }
  console.log(`(${o.samples.length} samples of the Hall process from /proc; "heap + native" is RssAnon, as Hall exposes no heap figure; ` +
    'forward-auth latency per window stands in for event-loop delay, which Hall does not expose; ' +
    'the driver\'s own loop delay tells a slow client from a slow Hall)')
  if (blamedOnMachine) {
    console.log('note: forward-auth latency grew, but this driver\'s own event loop slowed as much: the machine was busy, ' +
      'so the growth is not held against Hall; rerun on a quiet machine to judge it')
  }
  if (o.hallErrors.count > 0) console.log(`Hall logged ${o.hallErrors.count} line(s) at error level or above, first:\n  ${o.hallErrors.first.join('\n  ')}`)

  const problems: string[] = []
  if (tally.failures() > 0) problems.push(`${tally.failures()} wrong or failed answers, first:\n  ${tally.examples.join('\n  ')}`)
  if (!(p99 <= MAX_FORWARD_AUTH_P99_MS)) problems.push(`forward-auth p99 ${p99.toFixed(2)} ms is above ${MAX_FORWARD_AUTH_P99_MS} ms`)
  if (grows) problems.push('a figure kept growing (GROWS above): last third above the middle third by more than the allowance')
  if (counts.reload === 0 && o.minutes >= 1.5) problems.push('no config reload was applied')
  console.log()
  console.log(problems.length === 0 ? 'SOAK PASSED' : `SOAK FAILED:\n- ${problems.join('\n- ')}`)
  return problems.length === 0 ? 0 : 1
}
