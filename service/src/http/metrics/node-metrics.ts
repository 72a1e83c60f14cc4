import { createRequire } from 'node:module'
import { collectDefaultMetrics, type Registry } from 'prom-client'

/**
 * prom-client's default gauges of handles, requests and resources in use, named `_total` although
 * they are gauges: promtool rejects that suffix. Their per-type siblings (nodejs_active_handles...) stay.
 */
const MISNAMED = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']

/**
 * Left out: prom-client's GC histogram watches every collection through a PerformanceObserver.
 * Hall's young generation is small (--max-semi-space-size=1), so under load it collects every
 * few milliseconds, and that callback per collection cost about 2 % of the forward-auth
 * throughput (`npm run bench`). Heap sizes and event-loop lag still tell when memory is short.
 */
const SKIPPED = new Set(['gc'])

type DefaultMetric = (registry: Registry, config: { eventLoopMonitoringPrecision: number }) => void
const require = createRequire(import.meta.url)

/** Node's process metrics (`process_*`, `nodejs_*`) into `registry`, as collectDefaultMetrics would, less the above. */
export function collectNodeMetrics (registry: Registry): void {
  for (const name of collectDefaultMetrics.metricsList) {
    if (SKIPPED.has(name)) continue
    // prom-client keeps each default metric in its own module and has no option to skip one
    const register = require(`prom-client/lib/metrics/${name}`) as DefaultMetric
    register(registry, { eventLoopMonitoringPrecision: 10 })
  }
  for (const metric of MISNAMED) registry.removeSingleMetric(metric)
}
