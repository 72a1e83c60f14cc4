import assert from 'node:assert/strict'
import { test } from 'node:test'
import { eventRow, filterQuery, renderEventsPage, type EventsModel } from '../../../../../service/src/http/admin/views/events.js'
import type { EventRecord } from '../../../../../service/src/store/index.js'
import { assertCspSafe, ctx, HOSTILE, NOW } from './fixtures.js'

function event (over: Partial<EventRecord> = {}): EventRecord {
  return { id: 41, at: NOW - 60_000, level: 'info', server: 'lab', kind: 'admin-wake', message: 'alice asked for a wake of lab: started', details: { server: 'lab', account: 'alice', wakeId: 3 }, ...over }
}

function model (over: Partial<EventsModel> = {}): EventsModel {
  return { filters: { period: 'all' }, servers: ['erp', 'lab'], kinds: ['admin-wake', 'wake-failed'], events: [event(), event({ id: 40, level: 'error', kind: 'wake-failed', details: null })], olderThan: null, newest: true, ...over }
}

test('the event log: filters, one row per event with who asked, and the live tail on the newest page', () => {
  const html = renderEventsPage(model(), ctx())
  assertCspSafe(html, assert)
  assert.match(html, /<form method="get" action="\/admin\/events" class="filters" aria-label="Filters">/)
  assert.match(html, /<select name="server"><option value="" selected>Any<\/option><option value="erp">erp<\/option>/)
  assert.match(html, /<input name="kind" list="event-kinds"/)
  assert.match(html, /<option value="all" selected>Everything kept<\/option>/)
  assert.match(html, /<tr data-event-id="41" class="level-info"><td><time datetime="2026-11-26T07:59:00.000Z">26 Nov 2026, 08:59:00<\/time><\/td><td>info<\/td><td>lab<\/td><td><code>admin-wake<\/code><\/td><td>alice asked for a wake of lab: started<details><summary>Details<\/summary><pre>/)
  assert.match(html, /<\/details><\/td><td>alice<\/td><\/tr>/)
  assert.match(html, /<tr data-event-id="40" class="level-error">.*<td>error<\/td>/)
  assert.match(html, /data-tail-url="\/admin\/api\/log\?period=all" data-newest-id="41"/)
  assert.match(html, /<button type="button" class="link-button" id="hall-tail-toggle" aria-pressed="false" hidden>Follow new events<\/button>/)
  assert.match(html, /<script type="module" src="\/admin\/assets\/events-tail.js"><\/script>/)
  assert.doesNotMatch(html, /rel="next"/)
})

test('an older page: links to the newest and the next older ones keep the filters; no tail', () => {
  const filters = { server: 'lab', kind: 'a&b', level: 'warn' as const, period: '24h' as const }
  const html = renderEventsPage(model({ filters, olderThan: 40, newest: false }), ctx())
  assert.match(html, /<a href="\/admin\/events\?server=lab&amp;kind=a%26b&amp;level=warn&amp;period=24h">Newest events<\/a>/)
  assert.match(html, /<a href="\/admin\/events\?server=lab&amp;kind=a%26b&amp;level=warn&amp;period=24h&amp;before=40" rel="next">Older events<\/a>/)
  assert.doesNotMatch(html, /events-tail\.js|hall-tail-toggle/)
  assert.match(html, /<option value="warn" selected>warning<\/option>/)
  assert.match(html, /value="a&amp;b"/)
})

test('a hostile message, kind, server, account and details are text', () => {
  const hostile = event({ message: HOSTILE, kind: HOSTILE, server: HOSTILE, details: { account: HOSTILE, note: HOSTILE } })
  const html = renderEventsPage(model({ events: [hostile], filters: { kind: HOSTILE, period: 'all' } }), ctx())
  assertCspSafe(html, assert)
  assert.match(html, /<td>&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;&lt;img src=x onerror=alert\(2\)&gt;<details>/)
  const row = eventRow(hostile, ctx())
  assert.equal(row.by, HOSTILE, 'the tail\'s JSON carries it raw: the script puts it in textContent')
})

test('no event: says so; in French', () => {
  const html = renderEventsPage(model({ events: [] }), ctx({ lang: 'fr' }))
  assert.match(html, /<html lang="fr">/)
  assert.match(html, /Aucun évènement ne correspond à ces filtres\./)
  assert.match(html, /<option value="24h">Dernières 24 heures<\/option>/)
  assert.match(html, /Suivre les nouveaux évènements/)
})

test('filterQuery leaves out what is not filtered', () => {
  assert.equal(filterQuery({ period: '7d' }), 'period=7d')
  assert.equal(filterQuery({ period: 'all', level: 'error' }, { after: '3' }), 'level=error&period=all&after=3')
})

test('who asked: the admin account, else who ran the command line, else nobody', () => {
  const by = (details: EventRecord['details']): string => eventRow(event({ details }), ctx()).by
  assert.equal(by({ account: 'alice' }), 'alice')
  assert.equal(by({ account: null, by: 'root (hall user)' }), 'root (hall user)')
  assert.equal(by({ server: 'lab' }), '')
  assert.equal(by(null), '')
})
