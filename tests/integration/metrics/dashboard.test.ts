import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startAsleep } from '../../helpers/hall-in-process.js'
import { dashboardQueries, metricNamesIn } from './dashboard-queries.js'
import { exportedNames } from './exposition.js'

const extraction = [
  { expr: 'sum by (server, le) (increase(hall_boot_duration_seconds_bucket{server="a b"}[1d]))', names: ['hall_boot_duration_seconds_bucket'] },
  { expr: 'hall_server_state == 1', names: ['hall_server_state'] },
  { expr: 'sum by (server) (x_total{state="OFFLINE"}) / on (server) group_left (job) y_count offset 5m', names: ['x_total', 'y_count'] },
  { expr: 'rate(process_cpu_seconds_total[$__rate_interval]) * 1e3', names: ['process_cpu_seconds_total'] },
  // eslint-disable-next-line no-template-curly-in-string -- Grafana's ${variable}, not a template literal
  { expr: 'histogram_quantile(0.95, sum without (instance) (rate(h_bucket[${__range}])))', names: ['h_bucket'] }
]
for (const c of extraction) {
  test(`metric names read from PromQL: ${c.expr}`, () => assert.deepEqual(metricNamesIn(c.expr), c.names))
}

test('every query of the Grafana dashboard names only metrics Hall exports', async (t) => {
  const { hall } = await startAsleep(t)
  const exported = exportedNames(await (await fetch(`${hall.url}/metrics`)).text())
  const queries = dashboardQueries()
  assert.ok(queries.length >= 10, 'the dashboard has its queries')
  const missing: string[] = []
  for (const q of queries) {
    const names = metricNamesIn(q.expr)
    assert.ok(names.length > 0, `"${q.panel}" reads no metric: ${q.expr}`)
    for (const name of names) if (!exported.has(name)) missing.push(`${q.panel}: ${name}`)
  }
  assert.deepEqual(missing, [])
  // the panels: states, wakes, boot times, the answers people got, and energy
  const read = new Set(queries.flatMap(q => metricNamesIn(q.expr)))
  for (const name of ['hall_server_state', 'hall_wakes_total', 'hall_boot_duration_seconds_bucket', 'hall_forward_auth_answers_total', 'hall_energy_saved_kwh']) assert.ok(read.has(name), name)
})
