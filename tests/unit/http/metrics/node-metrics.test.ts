import assert from 'node:assert/strict'
import { test } from 'node:test'
import { collectDefaultMetrics, Registry } from 'prom-client'
import { collectNodeMetrics } from '../../../../service/src/http/metrics/node-metrics.js'

const namesOf = async (registry: Registry): Promise<Set<string>> => new Set((await registry.getMetricsAsJSON()).map(m => m.name))

test('Node\'s process metrics are all there but the GC histogram and the three misnamed gauges', async () => {
  const defaults = new Registry()
  collectDefaultMetrics({ register: defaults })
  const hall = new Registry()
  collectNodeMetrics(hall)

  const left = new Set(['nodejs_gc_duration_seconds', 'nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'])
  const expected = [...await namesOf(defaults)].filter(name => !left.has(name))
  assert.equal(expected.length, (await namesOf(defaults)).size - left.size, 'prom-client still publishes each of the metrics left out')
  assert.deepEqual([...await namesOf(hall)].sort(), expected.sort())
  for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds']) {
    assert.ok((await namesOf(hall)).has(name), `${name} is published`)
  }
})

test('no collection is watched: the GC histogram stays absent after garbage is made and collected', async () => {
  const hall = new Registry()
  collectNodeMetrics(hall)
  // enough short-lived garbage for several young-generation collections
  for (let i = 0; i < 200_000; i++) void { i, text: `garbage ${i}` }
  await new Promise(resolve => setImmediate(resolve))
  const text = await hall.metrics()
  assert.ok(!text.includes('nodejs_gc_duration_seconds'), 'no per-collection histogram')
  assert.match(text, /^nodejs_heap_space_size_used_bytes\{space="new"\} \d+/m)
})
