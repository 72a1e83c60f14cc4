import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { parse, stringify } from 'yaml'
import { freePort } from '../../helpers/free-port.js'
import { skipUnless } from '../../helpers/missing-tool.js'
import { dashboardQueries, withGrafanaVariables } from './dashboard-queries.js'
import { DOMAIN, METRICS_TOKEN, startRig, wakeAndShutDown } from './rig.js'

const PROMETHEUS = '/usr/bin/prometheus'
const EXAMPLE = new URL('../../../deploy/prometheus/prometheus.yml', import.meta.url)
const skip = skipUnless({ prometheus: existsSync(PROMETHEUS), sshd: existsSync('/usr/sbin/sshd') })

interface QueryAnswer { status: string, data: { result: Array<{ metric: Record<string, string>, value: [number, string] }> } }

/** deploy/prometheus/prometheus.yml as shipped, pointed at this Hall, its token file, and a 1 s interval. */
function configFromExample (target: string, tokenFile: string): string {
  const config = parse(readFileSync(EXAMPLE, 'utf8'))
  config.global.scrape_interval = '1s'
  const job = config.scrape_configs.find((j: { job_name: string }) => j.job_name === 'hall')
  job.scrape_interval = '1s'
  job.scrape_timeout = '1s'
  job.authorization.credentials_file = tokenFile
  job.static_configs[0].targets = [target]
  return stringify(config)
}

test('a real Prometheus, configured from the shipped example, scrapes Hall with the bearer token and answers queries on its series', { skip, timeout: 90_000 }, async (t) => {
  const r = await startRig() // loopback is not on HALL_ADMIN_ALLOW there: only the token opens /metrics
  t.after(() => r.close())
  await wakeAndShutDown(r)
  await (await fetch(`${r.hall.url}/waiting/${DOMAIN}`)).arrayBuffer() // someone saw the waiting page

  const dir = mkdtempSync(join(tmpdir(), 'hall-prometheus-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const tokenFile = join(dir, 'token')
  writeFileSync(tokenFile, `${METRICS_TOKEN}\n`, { mode: 0o600 })
  writeFileSync(join(dir, 'prometheus.yml'), configFromExample(new URL(r.hall.url).host, tokenFile))
  const port = await freePort()
  const prometheus = spawn(PROMETHEUS, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`
  ], { stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  prometheus.stderr.on('data', (chunk: Buffer) => { log = (log + chunk.toString()).slice(-4000) })
  t.after(async () => {
    if (prometheus.exitCode !== null) return
    const exited = new Promise(resolve => prometheus.once('exit', resolve))
    prometheus.kill('SIGTERM')
    await exited
  })

  const api = `http://127.0.0.1:${port}/api/v1/query?query=`
  const query = async (promql: string): Promise<QueryAnswer['data']['result']> => {
    try {
      const res = await fetch(api + encodeURIComponent(promql))
      if (res.status !== 200) return []
      return (await res.json() as QueryAnswer).data.result
    } catch {
      return [] // not listening yet
    }
  }
  // bounded: Prometheus starts in about a second, then scrapes every second
  const deadline = Date.now() + 45_000
  let wakes: QueryAnswer['data']['result'] = []
  while (wakes.length === 0) {
    if (Date.now() > deadline || prometheus.exitCode !== null) assert.fail(`no Hall series in Prometheus; its log:\n${log}`)
    await new Promise(resolve => setTimeout(resolve, 250))
    wakes = await query('hall_wakes_total{job="hall"}')
  }
  assert.deepEqual(wakes.map(s => [s.metric.server, s.metric.trigger, s.metric.outcome, s.value[1]]), [['lab', 'request', 'running', '1']])
  const up = await query('up{job="hall"}')
  assert.equal(up[0]?.value[1], '1', 'the scrape with the token succeeds')
  const state = await query('hall_server_state{state="OFFLINE"} == 1')
  assert.deepEqual(state.map(s => s.metric.server), ['lab'])
  const boots = await query('hall_boot_duration_seconds_count')
  assert.equal(boots[0]?.value[1], '1')

  // the Grafana dashboard's queries are PromQL this Prometheus parses and answers, each with data
  // once a few scrapes are in (increase() and rate() need two samples in their window)
  while (Number((await query('count_over_time(hall_server_state{state="OFFLINE"}[1m])'))[0]?.value[1] ?? 0) < 3) {
    if (Date.now() > deadline) assert.fail(`Prometheus kept fewer than 3 scrapes; its log:\n${log}`)
    await new Promise(resolve => setTimeout(resolve, 250))
  }
  const refused: string[] = []
  const empty: string[] = []
  for (const q of dashboardQueries()) {
    const res = await fetch(api + encodeURIComponent(withGrafanaVariables(q.expr)))
    const answer = await res.json() as QueryAnswer & { error?: string }
    if (answer.status !== 'success') refused.push(`${q.panel}: ${answer.error ?? res.status}`)
    else if (answer.data.result.length === 0) empty.push(q.panel)
  }
  assert.deepEqual(refused, [])
  assert.deepEqual(empty, [], 'panels without data')
})
