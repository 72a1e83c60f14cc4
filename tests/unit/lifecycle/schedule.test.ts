import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ScheduleConfig, ScheduleWindow, Weekday } from '../../../service/src/config/types.js'
import { formatLocal, nextChange, nextOpening, windowAt } from '../../../service/src/lifecycle/schedule.js'

// Instants are written as ISO strings with their offset, independent of the module's own conversion.
const t = (iso: string): number => Date.parse(iso)
const hm = (s: string): number => Number(s.slice(0, 2)) * 60 + Number(s.slice(3))
const win = (days: Weekday[], from: string, to: string): ScheduleWindow => ({ days, fromMinute: hm(from), toMinute: hm(to) })
const zone = (timezone: string, ...windows: ScheduleWindow[]): ScheduleConfig => ({ timezone, windows })
const paris = (...windows: ScheduleWindow[]) => zone('Europe/Paris', ...windows)
const everyDay: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
const weekdays: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri']

const office = paris(win(weekdays, '08:00', '19:00'))
const fridayNight = paris(win(['fri'], '22:00', '02:00'))

// January 2026 in Paris is CET (+01:00): Monday the 12th, Friday the 16th, Saturday the 17th.
const windowCases: Array<{ name: string, schedule: ScheduleConfig, at: string, want: [string, string] | null }> = [
  { name: 'exactly at from is inside', schedule: office, at: '2026-01-12T08:00+01:00', want: ['2026-01-12T08:00+01:00', '2026-01-12T19:00+01:00'] },
  { name: 'one ms before from is outside', schedule: office, at: '2026-01-12T07:59:59.999+01:00', want: null },
  { name: 'one ms before to is inside', schedule: office, at: '2026-01-12T18:59:59.999+01:00', want: ['2026-01-12T08:00+01:00', '2026-01-12T19:00+01:00'] },
  { name: 'exactly at to is outside', schedule: office, at: '2026-01-12T19:00+01:00', want: null },
  { name: 'days filter: Saturday is not a weekday', schedule: office, at: '2026-01-17T10:00+01:00', want: null },
  { name: 'days filter: a Tuesday-only window is shut on Monday', schedule: paris(win(['tue'], '08:00', '19:00')), at: '2026-01-12T10:00+01:00', want: null },
  { name: 'crossing midnight: open Friday 22:00', schedule: fridayNight, at: '2026-01-16T22:00+01:00', want: ['2026-01-16T22:00+01:00', '2026-01-17T02:00+01:00'] },
  { name: 'crossing midnight: still open Saturday 01:59', schedule: fridayNight, at: '2026-01-17T01:59+01:00', want: ['2026-01-16T22:00+01:00', '2026-01-17T02:00+01:00'] },
  { name: 'crossing midnight: closed Saturday 02:00', schedule: fridayNight, at: '2026-01-17T02:00+01:00', want: null },
  { name: 'crossing midnight: the window belongs to Friday, so Friday 01:00 is shut', schedule: fridayNight, at: '2026-01-16T01:00+01:00', want: null },
  {
    name: 'crossing midnight: Friday 01:00 is open when Thursday has the window too',
    schedule: paris(win(['thu', 'fri'], '22:00', '02:00')),
    at: '2026-01-16T01:00+01:00',
    want: ['2026-01-15T22:00+01:00', '2026-01-16T02:00+01:00']
  },
  { name: 'to 24:00 closes at midnight', schedule: paris(win(['mon'], '20:00', '24:00')), at: '2026-01-12T23:59+01:00', want: ['2026-01-12T20:00+01:00', '2026-01-13T00:00+01:00'] },
  { name: 'to 24:00: midnight itself is outside', schedule: paris(win(['mon'], '20:00', '24:00')), at: '2026-01-13T00:00+01:00', want: null },
  { name: 'whole day 00:00-24:00', schedule: paris(win(['mon'], '00:00', '24:00')), at: '2026-01-12T00:00+01:00', want: ['2026-01-12T00:00+01:00', '2026-01-13T00:00+01:00'] },
  { name: 'from 24:00 on Friday is Saturday 00:00', schedule: paris(win(['fri'], '24:00', '02:00')), at: '2026-01-17T01:00+01:00', want: ['2026-01-17T00:00+01:00', '2026-01-17T02:00+01:00'] },
  { name: 'from == to is 24 h from that time', schedule: paris(win(['wed'], '09:00', '09:00')), at: '2026-01-15T08:59+01:00', want: ['2026-01-14T09:00+01:00', '2026-01-15T09:00+01:00'] },
  { name: 'from == to ends at that time the next day', schedule: paris(win(['wed'], '09:00', '09:00')), at: '2026-01-15T09:00+01:00', want: null },
  {
    name: 'touching windows merge: no close at 12:00',
    schedule: paris(win(['mon'], '08:00', '12:00'), win(['mon'], '12:00', '19:00')),
    at: '2026-01-12T11:00+01:00',
    want: ['2026-01-12T08:00+01:00', '2026-01-12T19:00+01:00']
  },
  {
    name: 'overlapping windows merge',
    schedule: paris(win(['mon'], '08:00', '15:00'), win(['mon'], '10:00', '12:00'), win(['mon'], '14:00', '18:00')),
    at: '2026-01-12T16:00+01:00',
    want: ['2026-01-12T08:00+01:00', '2026-01-12T18:00+01:00']
  },
  {
    name: 'Friday 22:00-02:00 merges with Saturday 00:00-06:00',
    schedule: paris(win(['fri'], '22:00', '02:00'), win(['sat'], '00:00', '06:00')),
    at: '2026-01-17T01:00+01:00',
    want: ['2026-01-16T22:00+01:00', '2026-01-17T06:00+01:00']
  },
  {
    name: 'back-to-back whole days merge into one window',
    schedule: paris(win(['sat', 'sun'], '00:00', '24:00')),
    at: '2026-01-18T12:00+01:00',
    want: ['2026-01-17T00:00+01:00', '2026-01-19T00:00+01:00']
  },
  // Europe/Paris, Sunday 29 March 2026: 02:00 CET jumps to 03:00 CEST (at 01:00Z)
  { name: 'DST spring: 01:00-04:00 lasts two real hours', schedule: paris(win(['sun'], '01:00', '04:00')), at: '2026-03-29T01:30+01:00', want: ['2026-03-29T00:00Z', '2026-03-29T02:00Z'] },
  { name: 'DST spring: 08:00-19:00 on the day is 11 h of CEST', schedule: paris(win(['sun'], '08:00', '19:00')), at: '2026-03-29T12:00+02:00', want: ['2026-03-29T06:00Z', '2026-03-29T17:00Z'] },
  { name: 'DST spring: a close at 02:30 (in the gap) is 03:00 CEST', schedule: paris(win(['sun'], '01:00', '02:30')), at: '2026-03-29T01:59:59+01:00', want: ['2026-03-29T00:00Z', '2026-03-29T01:00Z'] },
  { name: 'DST spring: 02:10-02:50 lies in the gap and does not open', schedule: paris(win(['sun'], '02:10', '02:50')), at: '2026-03-29T01:00Z', want: null },
  // Europe/Paris, Sunday 25 October 2026: 03:00 CEST falls back to 02:00 CET (at 01:00Z)
  { name: 'DST autumn: 01:00-04:00 lasts four real hours', schedule: paris(win(['sun'], '01:00', '04:00')), at: '2026-10-25T02:30+01:00', want: ['2026-10-24T23:00Z', '2026-10-25T03:00Z'] },
  { name: 'DST autumn: 08:00-19:00 on the day is 11 h of CET', schedule: paris(win(['sun'], '08:00', '19:00')), at: '2026-10-25T12:00+01:00', want: ['2026-10-25T07:00Z', '2026-10-25T18:00Z'] },
  { name: 'DST autumn: an ambiguous close at 02:30 is its first occurrence', schedule: paris(win(['sun'], '01:00', '02:30')), at: '2026-10-25T00:29+00:00', want: ['2026-10-24T23:00Z', '2026-10-25T00:30Z'] },
  { name: 'DST autumn: the second 02:10 is past an ambiguous close', schedule: paris(win(['sun'], '01:00', '02:30')), at: '2026-10-25T02:10+01:00', want: null },
  // other zones
  { name: 'Asia/Kolkata +05:30', schedule: zone('Asia/Kolkata', win(['mon'], '09:00', '17:30')), at: '2026-01-12T03:30Z', want: ['2026-01-12T03:30Z', '2026-01-12T12:00Z'] },
  { name: 'America/New_York in winter (EST)', schedule: zone('America/New_York', win(everyDay, '09:00', '17:00')), at: '2026-01-12T15:00Z', want: ['2026-01-12T14:00Z', '2026-01-12T22:00Z'] },
  { name: 'America/New_York in summer (EDT)', schedule: zone('America/New_York', win(everyDay, '09:00', '17:00')), at: '2026-07-13T15:00Z', want: ['2026-07-13T13:00Z', '2026-07-13T21:00Z'] },
  { name: 'America/New_York: the local day, not the UTC day, decides', schedule: zone('America/New_York', win(['mon'], '20:00', '23:00')), at: '2026-01-13T02:00Z', want: ['2026-01-13T01:00Z', '2026-01-13T04:00Z'] },
  { name: 'UTC', schedule: zone('UTC', win(['mon'], '08:00', '19:00')), at: '2026-01-12T08:00Z', want: ['2026-01-12T08:00Z', '2026-01-12T19:00Z'] },
  { name: 'no windows: never open', schedule: paris(), at: '2026-01-12T10:00Z', want: null },
  { name: 'a window with no days: never open', schedule: paris(win([], '00:00', '24:00')), at: '2026-01-12T10:00Z', want: null }
]

for (const c of windowCases) {
  test(`windowAt: ${c.name}`, () => {
    const want = c.want === null ? null : { openedAt: t(c.want[0]), closesAt: t(c.want[1]) }
    assert.deepEqual(windowAt(c.schedule, t(c.at)), want)
  })
}

const openingCases: Array<{ name: string, schedule: ScheduleConfig, at: string, want: string | null }> = [
  { name: 'before the window opens: today', schedule: office, at: '2026-01-12T07:00+01:00', want: '2026-01-12T08:00+01:00' },
  { name: 'from inside a window: the next one, not the current', schedule: office, at: '2026-01-12T10:00+01:00', want: '2026-01-13T08:00+01:00' },
  { name: 'exactly at an opening: the next one', schedule: office, at: '2026-01-12T08:00+01:00', want: '2026-01-13T08:00+01:00' },
  { name: 'Friday evening: skips the weekend to Monday', schedule: office, at: '2026-01-16T20:00+01:00', want: '2026-01-19T08:00+01:00' },
  { name: 'a merged window opens once: not at 12:00', schedule: paris(win(['mon'], '08:00', '12:00'), win(['mon'], '12:00', '19:00')), at: '2026-01-12T09:00+01:00', want: '2026-01-19T08:00+01:00' },
  { name: 'Saturday 00:00 merged into Friday night is not an opening', schedule: paris(win(['fri'], '22:00', '02:00'), win(['sat'], '00:00', '06:00')), at: '2026-01-16T23:00+01:00', want: '2026-01-23T22:00+01:00' },
  { name: 'weekly window a week away', schedule: paris(win(['mon'], '08:00', '09:00')), at: '2026-01-12T08:30+01:00', want: '2026-01-19T08:00+01:00' },
  // daily 08:00 around the spring change: CET the day before, CEST on the day and after
  { name: 'DST spring: daily 08:00 the day before is 07:00Z', schedule: paris(win(everyDay, '08:00', '09:00')), at: '2026-03-27T12:00Z', want: '2026-03-28T07:00Z' },
  { name: 'DST spring: daily 08:00 on the day is 06:00Z', schedule: paris(win(everyDay, '08:00', '09:00')), at: '2026-03-28T12:00Z', want: '2026-03-29T06:00Z' },
  { name: 'DST spring: daily 08:00 the day after is 06:00Z', schedule: paris(win(everyDay, '08:00', '09:00')), at: '2026-03-29T12:00Z', want: '2026-03-30T06:00Z' },
  { name: 'DST spring: an opening at 02:30 (in the gap) is 03:00 CEST', schedule: paris(win(['sun'], '02:30', '05:00')), at: '2026-03-28T12:00Z', want: '2026-03-29T03:00+02:00' },
  { name: 'DST spring: a window inside the gap is skipped to the next week', schedule: paris(win(['sun'], '02:10', '02:50')), at: '2026-03-28T12:00Z', want: '2026-04-05T02:10+02:00' },
  // and around the autumn change: CEST the day before, CET on the day and after
  { name: 'DST autumn: daily 08:00 the day before is 06:00Z', schedule: paris(win(everyDay, '08:00', '09:00')), at: '2026-10-23T12:00Z', want: '2026-10-24T06:00Z' },
  { name: 'DST autumn: daily 08:00 on the day is 07:00Z', schedule: paris(win(everyDay, '08:00', '09:00')), at: '2026-10-24T12:00Z', want: '2026-10-25T07:00Z' },
  { name: 'DST autumn: daily 08:00 the day after is 07:00Z', schedule: paris(win(everyDay, '08:00', '09:00')), at: '2026-10-25T12:00Z', want: '2026-10-26T07:00Z' },
  { name: 'DST autumn: an ambiguous opening at 02:30 is its first occurrence (CEST)', schedule: paris(win(['sun'], '02:30', '05:00')), at: '2026-10-24T12:00Z', want: '2026-10-25T02:30+02:00' },
  { name: 'DST autumn: 01:00 on the day is still CEST', schedule: paris(win(['sun'], '01:00', '04:00')), at: '2026-10-24T12:00Z', want: '2026-10-25T01:00+02:00' },
  { name: 'America/New_York spring gap: 02:30 opens at 03:00 EDT', schedule: zone('America/New_York', win(['sun'], '02:30', '05:00')), at: '2026-03-07T12:00Z', want: '2026-03-08T03:00-04:00' },
  { name: 'Asia/Kolkata', schedule: zone('Asia/Kolkata', win(everyDay, '09:00', '17:30')), at: '2026-01-12T12:00Z', want: '2026-01-13T03:30Z' },
  { name: 'no windows: null', schedule: paris(), at: '2026-01-12T10:00Z', want: null },
  { name: 'a window with no days: null', schedule: paris(win([], '08:00', '09:00')), at: '2026-01-12T10:00Z', want: null },
  { name: 'open around the clock: nothing ever opens', schedule: paris(win(everyDay, '00:00', '24:00')), at: '2026-01-12T10:00Z', want: null }
]

for (const c of openingCases) {
  test(`nextOpening: ${c.name}`, () => {
    assert.equal(nextOpening(c.schedule, t(c.at)), c.want === null ? null : t(c.want))
  })
}

test('nextChange: a close from inside a window, an opening from outside, merged windows close once', () => {
  assert.deepEqual(nextChange(office, t('2026-01-12T10:00+01:00')), { at: t('2026-01-12T19:00+01:00'), opening: false })
  assert.deepEqual(nextChange(office, t('2026-01-12T19:00+01:00')), { at: t('2026-01-13T08:00+01:00'), opening: true })
  const split = paris(win(['mon'], '08:00', '12:00'), win(['mon'], '12:00', '19:00'))
  assert.deepEqual(nextChange(split, t('2026-01-12T11:59+01:00')), { at: t('2026-01-12T19:00+01:00'), opening: false })
})

test('nextChange: walking a DST week visits every opening and closing in order', () => {
  // daily 01:00-04:00 from the Thursday before the spring change to the Wednesday after
  const schedule = paris(win(everyDay, '01:00', '04:00'))
  const changes: string[] = []
  let at = t('2026-03-26T12:00Z')
  for (let i = 0; i < 14; i++) {
    const change = nextChange(schedule, at)
    assert.ok(change !== null && change.at > at)
    changes.push(`${change.opening ? 'open' : 'close'} ${formatLocal('Europe/Paris', change.at)}`)
    at = change.at
  }
  assert.deepEqual(changes.slice(2, 6), [
    'open 2026-03-28T01:00:00+01:00', 'close 2026-03-28T04:00:00+01:00',
    'open 2026-03-29T01:00:00+01:00', 'close 2026-03-29T04:00:00+02:00'
  ])
  assert.equal(changes.filter(c => c.startsWith('open')).length, 7)
})

test('open around the clock: one window that never closes, and no change to arm a timer for', () => {
  for (const schedule of [
    paris(win(everyDay, '00:00', '24:00')),
    paris(win(everyDay, '07:00', '07:00')),
    paris(win(weekdays, '00:00', '24:00'), win(['sat'], '00:00', '00:00'), win(['sun'], '00:00', '24:00'))
  ]) {
    assert.deepEqual(windowAt(schedule, t('2026-03-29T02:00Z')), { openedAt: -Infinity, closesAt: null })
    assert.equal(nextChange(schedule, t('2026-10-25T01:30Z')), null)
  }
})

test('nextChange: an empty schedule never changes', () => {
  assert.equal(nextChange(paris(), t('2026-01-12T10:00Z')), null)
})

const formatCases = [
  { zone: 'Europe/Paris', at: '2026-03-29T00:59:59Z', want: '2026-03-29T01:59:59+01:00' },
  { zone: 'Europe/Paris', at: '2026-03-29T01:00Z', want: '2026-03-29T03:00:00+02:00' },
  { zone: 'Europe/Paris', at: '2026-10-25T00:30Z', want: '2026-10-25T02:30:00+02:00' },
  { zone: 'Europe/Paris', at: '2026-10-25T01:30Z', want: '2026-10-25T02:30:00+01:00' },
  { zone: 'Asia/Kolkata', at: '2026-01-12T00:00Z', want: '2026-01-12T05:30:00+05:30' },
  { zone: 'America/New_York', at: '2026-01-12T00:00Z', want: '2026-01-11T19:00:00-05:00' },
  { zone: 'UTC', at: '2026-01-12T00:00Z', want: '2026-01-12T00:00:00+00:00' }
]
for (const c of formatCases) {
  test(`formatLocal: ${c.zone} ${c.at}`, () => assert.equal(formatLocal(c.zone, t(c.at)), c.want))
}
