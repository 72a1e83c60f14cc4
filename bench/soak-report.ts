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

interface Series { readonly name: string, readonly unit: string, readonly values: number[], readonly tolerance: Tolerance, readonly digits: number }

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
    // Hall does not expose its event-loop delay: a stalled loop shows in forward-auth round trips instead
    { name: 'forward-auth p99 per window', unit: 'ms', values: samples.slice(1).map(s => s.p99Ms), tolerance: { relative: 0.50, absolute: 2 }, digits: 2 },
    { name: 'Hall CPU per window', unit: '% of a core', values: cpuShare, tolerance: { relative: 0.30, absolute: 3 }, digits: 1 }
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
  for (const s of seriesOf(o.samples)) {
    const t = trendOf(s.values, s.tolerance)
    const unit = s.unit === '' ? '' : ` ${s.unit}`
    const f = (n: number): string => `${n.toFixed(s.digits)}${unit}`
    if (t === null) { rows.push([s.name, 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'too few samples']); continue }
    grows ||= t.grows
    rows.push([s.name, f(t.start), f(t.end), f(t.middle), f(t.last), f(t.allowed), t.grows ? 'GROWS' : 'flat'])
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map(r => r[i]!.length)))
  for (const [i, r] of rows.entries()) {
    console.log(`| ${r.map((cell, c) => c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)).join(' | ')} |`)
    if (i === 0) console.log(`|${widths.map((w, c) => c === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`).join('|')}|`)
  }
  console.log(`(${o.samples.length} samples of the Hall process from /proc; "heap + native" is RssAnon, as Hall exposes no heap figure; ` +
    'forward-auth p99 per window stands in for event-loop delay, which Hall does not expose)')
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
