import type { EnergyReport, ServerReport } from '../../../contract/energy.js'
import type { PeriodName } from '../../../energy/period.js'
import { fill } from '../../i18n.js'
import { escapeHtml } from '../../views/escape.js'
import { formatDateTime, type AdminContext } from './context.js'
import { renderAdminPage } from './layout.js'
import { adminMessages } from './strings.js'

export const energyPeriods: readonly PeriodName[] = ['today', '7d', '30d']

const kwh = (n: number | null): string => (n === null ? '—' : n.toFixed(3))
const pct = (n: number | null): string => (n === null ? '—' : `${(n * 100).toFixed(1)} %`)
const hours = (n: number): string => n.toFixed(2)
const secs = (ms: number | null): string => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`)

/** `/admin/energy`: a chart per server and one for the fleet (energy-charts.js, uPlot), over tables that say the same. */
export function renderEnergyPage (r: EnergyReport, period: PeriodName, ctx: AdminContext): string {
  const t = adminMessages[ctx.lang].energy
  const links = energyPeriods.map(p => p === period
    ? `<strong aria-current="true">${escapeHtml(t.periods[p])}</strong>`
    : `<a href="/admin/energy?period=${p}">${escapeHtml(t.periods[p])}</a>`).join(' · ')
  const withPower = r.servers.filter(s => s.power !== null)
  const chart = (id: string, label: string): string => `<div class="chart" id="${id}" role="img" aria-label="${escapeHtml(label)}"></div>`
  const money = r.total.money_saved === null ? '' : `<tr><th scope="row">${escapeHtml(t.money)}</th><td>${escapeHtml(`${r.total.money_saved.toFixed(2)} ${r.currency}`)}</td></tr>`
  const body = `<p>${escapeHtml(t.period)}: ${links}</p>
<p class="muted">${escapeHtml(fill(t.range, {
    from: formatDateTime(Date.parse(r.from), ctx.lang, ctx.timeZone),
    to: formatDateTime(Date.parse(r.to), ctx.lang, ctx.timeZone),
    hours: hours(r.hall_hours),
    zone: r.time_zone
  }))}</p>
<section aria-labelledby="energy-total-h">
<h2 id="energy-total-h">${escapeHtml(t.summary)}</h2>
<div class="table-wrap"><table>
<tbody>
<tr><th scope="row">${escapeHtml(t.used)}</th><td>${kwh(r.total.kwh_used)}</td></tr>
<tr><th scope="row">${escapeHtml(t.alwaysOn)}</th><td>${kwh(r.total.kwh_always_on)}</td></tr>
<tr><th scope="row">${escapeHtml(t.saved)}</th><td>${kwh(r.total.kwh_saved)}</td></tr>
<tr><th scope="row">${escapeHtml(t.share)}</th><td>${pct(r.total.share_saved)}</td></tr>
${money}
</tbody></table></div>
<p class="muted">${escapeHtml(fill(t.gateway, { kwh: kwh(r.total.kwh_gateway) }))}</p>
${r.total.servers_without_power.length === 0 ? '' : `<p class="muted">${escapeHtml(fill(t.noPower, { names: r.total.servers_without_power.join(', ') }))}</p>`}
<p class="muted">${escapeHtml(t.unknownNote)}</p>
</section>
<section aria-labelledby="energy-days-h">
<h2 id="energy-days-h">${escapeHtml(t.perDay)}</h2>
<p class="muted no-charts" id="hall-no-charts">${escapeHtml(t.chartsNeedScript)}</p>
${chart('energy-chart-total', t.chartTotal)}
${withPower.map((s, i) => chart(`energy-chart-${i}`, fill(t.chartServer, { server: s.name }))).join('\n')}
${renderDays(r, withPower, ctx)}
</section>
<section aria-labelledby="energy-servers-h">
<h2 id="energy-servers-h">${escapeHtml(t.servers)}</h2>
${renderServers(r.servers, ctx)}
</section>
<section aria-labelledby="energy-availability-h">
<h2 id="energy-availability-h">${escapeHtml(t.availability)}</h2>
${renderAvailability(r.servers, ctx)}
<p class="muted">${escapeHtml(t.servingNote)}</p>
</section>`
  return renderAdminPage(ctx, {
    title: t.title,
    section: 'energy',
    body,
    styles: ['uPlot.min.css'],
    scripts: ['energy-charts.js'],
    data: { 'hall-energy': chartData(r, withPower, ctx) }
  })
}

/** What energy-charts.js draws: per day, kWh used and saved for the fleet and for each server with power. */
function chartData (r: EnergyReport, withPower: readonly ServerReport[], ctx: AdminContext): object {
  const t = adminMessages[ctx.lang].energy
  return {
    days: r.days.map(d => d.date),
    labels: { used: t.used, saved: t.saved, day: t.col.day },
    total: { used: r.days.map(d => d.total.kwh_used), saved: r.days.map(d => d.total.kwh_saved) },
    servers: withPower.map(s => ({
      name: s.name,
      used: r.days.map(d => d.servers[s.name]?.kwh_used ?? 0),
      saved: r.days.map(d => d.servers[s.name]?.kwh_saved ?? 0)
    }))
  }
}

function table (head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const th = head.map(h => `<th scope="col">${escapeHtml(h)}</th>`).join('')
  const tr = rows.map(r => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${escapeHtml(c)}</th>` : `<td>${escapeHtml(c)}</td>`)).join('')}</tr>`).join('\n')
  return `<div class="table-wrap"><table>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${tr}\n</tbody></table></div>`
}

function renderDays (r: EnergyReport, withPower: readonly ServerReport[], ctx: AdminContext): string {
  const t = adminMessages[ctx.lang].energy
  const head = [t.col.day, ...withPower.flatMap(s => [`${s.name}: ${t.used}`, `${s.name}: ${t.saved}`]), `${t.col.total}: ${t.used}`, `${t.col.total}: ${t.saved}`]
  const rows = r.days.map(d => [d.date, ...withPower.flatMap(s => [kwh(d.servers[s.name]?.kwh_used ?? null), kwh(d.servers[s.name]?.kwh_saved ?? null)]), kwh(d.total.kwh_used), kwh(d.total.kwh_saved)])
  return table(head, rows)
}

function renderServers (servers: readonly ServerReport[], ctx: AdminContext): string {
  const t = adminMessages[ctx.lang]
  const c = t.energy.col
  return table([c.server, c.policy, c.up, c.transit, c.offline, c.unknown, t.energy.used, t.energy.alwaysOn, t.energy.saved, t.energy.share],
    servers.map(s => [s.name, t.policy[s.policy], hours(s.hours.running + s.hours.idle), hours(s.hours.waking + s.hours.booting + s.hours.shutdown),
      hours(s.hours.offline), hours(s.hours.unknown), kwh(s.energy.kwh_used), kwh(s.energy.kwh_always_on), kwh(s.energy.kwh_saved), pct(s.energy.share_saved)]))
}

function renderAvailability (servers: readonly ServerReport[], ctx: AdminContext): string {
  const c = adminMessages[ctx.lang].energy.col
  return table([c.server, c.serving, c.wakes, c.median, c.p95, c.waited, c.passed],
    servers.map(s => [s.name, pct(s.availability.share_serving), `${s.wakes.by_outcome.running} / ${s.wakes.by_outcome.failed + s.wakes.by_outcome.timeout}`,
      secs(s.wakes.median_ms), secs(s.wakes.p95_ms), String(s.navigations.waited), String(s.navigations.passed)]))
}
