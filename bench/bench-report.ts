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

export interface Row {
  readonly name: string
  readonly requestsPerSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly cpuUsPerRequest: number
  readonly serverCpu: number
  /** The highest share of any round: one saturated round is enough to doubt the case. */
  readonly generatorCpu: number
  /** Median of the per-round ratios against the baseline of the same round, with their range. */
  readonly ratio: { readonly median: number, readonly min: number, readonly max: number } | null
  readonly refusal: string | null
  readonly errors: number
  readonly requests: number
}

export function median (values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function errorCount (load: WrkResult): number {
  const e = load.errors
  return e.connect + e.read + e.write + e.timeout + e.status
}

export function summarize (cases: readonly BenchCase[], rounds: ReadonlyMap<string, readonly RoundResult[]>): Row[] {
  return cases.map(c => {
    const own = rounds.get(c.name)!
    const generatorCpu = Math.max(...own.map(r => r.load.generatorCpu))
    let ratio: Row['ratio'] = null
    let refusal: string | null = null
    if (c.baseline !== null) {
      const base = rounds.get(c.baseline)!
      const baseGenerator = Math.max(...base.map(r => r.load.generatorCpu))
      if (!(generatorCpu <= GENERATOR_LIMIT) || !(baseGenerator <= GENERATOR_LIMIT)) {
        const which = !(generatorCpu <= GENERATOR_LIMIT) ? `${c.name} (${percent(generatorCpu)})` : `${c.baseline} (${percent(baseGenerator)})`
        refusal = `no ratio: wrk used more than ${percent(GENERATOR_LIMIT)} of its core in ${which}, so it may have set the pace`
      } else {
        const ratios = own.map((r, i) => r.load.requestsPerSecond / base[i]!.load.requestsPerSecond)
        ratio = { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) }
      }
    }
    return {
      name: c.name,
      requestsPerSecond: median(own.map(r => r.load.requestsPerSecond)),
      p50Ms: median(own.map(r => r.load.p50Ms)),
      p99Ms: median(own.map(r => r.load.p99Ms)),
      cpuUsPerRequest: median(own.map(r => r.cpuUsPerRequest)),
      serverCpu: median(own.map(r => r.serverCpu)),
      generatorCpu,
      ratio,
      refusal,
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
  const lines = [['case', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'server CPU', 'wrk CPU', 'ratio to bare (range)', 'errors']]
  for (const r of rows) {
    lines.push([
      r.name,
      Math.round(r.requestsPerSecond).toLocaleString('en-US'),
      r.p50Ms.toFixed(2),
      r.p99Ms.toFixed(2),
      r.cpuUsPerRequest.toFixed(1),
      percent(r.serverCpu),
      percent(r.generatorCpu),
      r.ratio !== null
        ? `${r.ratio.median.toFixed(2)} (${r.ratio.min.toFixed(2)}–${r.ratio.max.toFixed(2)})`
        : r.refusal !== null ? 'refused, see below' : 'baseline',
      `${r.errors} of ${r.requests.toLocaleString('en-US')}`
    ])
  }
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map(l => l[i]!.length)))
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, i) => i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)).join(' | ')} |`
  return [line(lines[0]!), `|${widths.map((w, i) => i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`).join('|')}|`, ...lines.slice(1).map(line)].join('\n')
}
