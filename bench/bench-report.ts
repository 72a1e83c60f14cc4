import type { BenchCase } from './bench-cases.js'
import type { WrkResult } from './wrk.js'

/** One case in one round. */
export interface RoundResult {
  readonly load: WrkResult
  /** Server CPU time (every thread, from /proc) over the measured run, per answered request. */
  readonly cpuUsPerRequest: number
  /** The same CPU time as a share of one core over wrk's run: below ~0.9, the server waited for something. */
  readonly serverCpu: number
}

/** Above this share of its core, wrk and not the server may have set the pace: no ratio is given. */
export const GENERATOR_LIMIT = 0.9
/**
 * Below this share of its core, the server was not what limited the run (other work took its CPU):
 * the round is left out of the req/s ratio, and CPU per request is the figure to read.
 */
export const SERVER_BUSY = 0.9

export interface Spread { readonly median: number, readonly min: number, readonly max: number }

export interface Row {
  readonly name: string
  readonly requestsPerSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly cpuUsPerRequest: number
  readonly serverCpu: number
  /** The highest share of any round: one saturated round is enough to doubt the case. */
  readonly generatorCpu: number
  /** req/s against the baseline's in the same round, over the rounds where both servers were busy. */
  readonly ratio: (Spread & { readonly rounds: number, readonly of: number }) | null
  /** Baseline CPU µs/req over this case's, same round: the throughput ratio of two CPU-bound servers, steadier on a shared machine. */
  readonly cpuRatio: Spread | null
  /** Why there is no req/s ratio; `fatal` when wrk may have set the pace. */
  readonly noRatio: { readonly reason: string, readonly fatal: boolean } | null
  readonly errors: number
  readonly requests: number
}

export function median (values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function spread (values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) }
}

function errorCount (load: WrkResult): number {
  const e = load.errors
  return e.connect + e.read + e.write + e.timeout + e.status
}

function compare (c: BenchCase, own: readonly RoundResult[], base: readonly RoundResult[]): Pick<Row, 'ratio' | 'cpuRatio' | 'noRatio'> {
  const cpuRatio = spread(own.map((r, i) => base[i]!.cpuUsPerRequest / r.cpuUsPerRequest))
  const generator = Math.max(...own.map(r => r.load.generatorCpu))
  const baseGenerator = Math.max(...base.map(r => r.load.generatorCpu))
  if (!(generator <= GENERATOR_LIMIT) || !(baseGenerator <= GENERATOR_LIMIT)) {
    const which = !(generator <= GENERATOR_LIMIT) ? `${c.name} (${percent(generator)})` : `${c.baseline} (${percent(baseGenerator)})`
    return { ratio: null, cpuRatio: null, noRatio: { reason: `wrk used more than ${percent(GENERATOR_LIMIT)} of its core in ${which}, so it may have set the pace`, fatal: true } }
  }
  const busy = own.flatMap((r, i) => r.serverCpu >= SERVER_BUSY && base[i]!.serverCpu >= SERVER_BUSY ? [r.load.requestsPerSecond / base[i]!.load.requestsPerSecond] : [])
  if (busy.length === 0) {
    return { ratio: null, cpuRatio, noRatio: { reason: `in no round were both servers busy (>= ${percent(SERVER_BUSY)} of their core): other work took the CPU; read the CPU ratio`, fatal: false } }
  }
  return { ratio: { ...spread(busy), rounds: busy.length, of: own.length }, cpuRatio, noRatio: null }
}

export function summarize (cases: readonly BenchCase[], rounds: ReadonlyMap<string, readonly RoundResult[]>): Row[] {
  return cases.map(c => {
    const own = rounds.get(c.name)!
    const comparison = c.baseline === null ? { ratio: null, cpuRatio: null, noRatio: null } : compare(c, own, rounds.get(c.baseline)!)
    return {
      name: c.name,
      requestsPerSecond: median(own.map(r => r.load.requestsPerSecond)),
      p50Ms: median(own.map(r => r.load.p50Ms)),
      p99Ms: median(own.map(r => r.load.p99Ms)),
      cpuUsPerRequest: median(own.map(r => r.cpuUsPerRequest)),
      serverCpu: median(own.map(r => r.serverCpu)),
      generatorCpu: Math.max(...own.map(r => r.load.generatorCpu)),
      ...comparison,
      errors: own.reduce((n, r) => n + errorCount(r.load), 0),
      requests: own.reduce((n, r) => n + r.load.requests, 0)
    }
  })
}

export function percent (share: number): string {
  return Number.isFinite(share) ? `${Math.round(share * 100)}%` : 'n/a'
}

export function formatRoundLine (c: BenchCase, round: number, rounds: number, r: RoundResult): string {
  return `  round ${round}/${rounds} ${c.name.padEnd(8)} ${Math.round(r.load.requestsPerSecond).toLocaleString('en-US').padStart(7)} req/s, ` +
    `p99 ${r.load.p99Ms.toFixed(2)} ms, ${r.cpuUsPerRequest.toFixed(1)} CPU µs/req, server ${percent(r.serverCpu)}, wrk ${percent(r.load.generatorCpu)}`
}

/** A Markdown table: it reads in a terminal and pastes into the README as it is. */
export function renderTable (rows: readonly Row[]): string {
  const lines = [['case', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'server CPU', 'wrk CPU', 'req/s ratio (range, rounds)', 'CPU ratio (range)', 'errors']]
  const range = (r: Spread): string => `${r.median.toFixed(2)} (${r.min.toFixed(2)}–${r.max.toFixed(2)}`
  for (const r of rows) {
    lines.push([
      r.name,
      Math.round(r.requestsPerSecond).toLocaleString('en-US'),
      r.p50Ms.toFixed(2),
      r.p99Ms.toFixed(2),
      r.cpuUsPerRequest.toFixed(1),
      percent(r.serverCpu),
      percent(r.generatorCpu),
      r.ratio !== null ? `${range(r.ratio)}, ${r.ratio.rounds}/${r.ratio.of})` : r.noRatio === null ? 'baseline' : r.noRatio.fatal ? 'REFUSED, see below' : 'n/a, see below',
      r.cpuRatio !== null ? `${range(r.cpuRatio)})` : r.noRatio?.fatal === true ? 'REFUSED' : 'baseline',
      `${r.errors} of ${r.requests.toLocaleString('en-US')}`
    ])
  }
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map(l => l[i]!.length)))
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, i) => i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)).join(' | ')} |`
  return [line(lines[0]!), `|${widths.map((w, i) => i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`).join('|')}|`, ...lines.slice(1).map(line)].join('\n')
}
