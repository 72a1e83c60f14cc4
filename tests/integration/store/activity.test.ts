import test, { type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createActivity } from '../../../service/src/store/activity.js'
import { tempDatabase } from '../../helpers/temp-database.js'

function activityInTempDb (t: TestContext) {
  const db = tempDatabase(t)
  return { db, activity: createActivity(db) }
}

const minute = 60_000
const m0 = 28_333_333 * minute // a minute boundary in 2023
const domain = 'testing.audit-io.fr'

test('two flushes of the same minute add up', (t) => {
  const { db, activity } = activityInTempDb(t)
  activity.add([{ minute: m0, domain, hits: 3 }, { minute: m0, domain: 'erp.audit-io.fr', hits: 1 }])
  activity.add([{ minute: m0, domain, hits: 4 }])
  assert.equal(activity.hitsSince(domain, m0), 7)
  assert.equal(activity.hitsSince('erp.audit-io.fr', m0), 1)
  assert.deepEqual(db.prepare('SELECT count(*) AS n FROM activity').get(), { n: 2 })
})

test('a minute is stored at its start, whatever millisecond inside it was given', (t) => {
  const { activity } = activityInTempDb(t)
  activity.add([{ minute: m0 + 59_999, domain, hits: 1 }, { minute: m0 + 1, domain, hits: 1 }])
  assert.equal(activity.lastActiveMinute(domain), m0)
  assert.equal(activity.hitsSince(domain, m0), 2)
})

test('hitsSince counts every minute that ends after the cutoff', (t) => {
  const { activity } = activityInTempDb(t)
  activity.add([
    { minute: m0, domain, hits: 1 },
    { minute: m0 + minute, domain, hits: 10 },
    { minute: m0 + 2 * minute, domain, hits: 100 }
  ])
  assert.equal(activity.hitsSince(domain, m0), 111)
  assert.equal(activity.hitsSince(domain, m0 + minute - 1), 111) // the first minute is not over yet
  assert.equal(activity.hitsSince(domain, m0 + minute), 110)
  assert.equal(activity.hitsSince(domain, m0 + 3 * minute), 0)
  assert.equal(activity.hitsSince('unknown.example', 0), 0)
})

test('lastActiveMinute is the newest minute with hits, or null', (t) => {
  const { activity } = activityInTempDb(t)
  assert.equal(activity.lastActiveMinute(domain), null)
  activity.add([{ minute: m0 + 5 * minute, domain, hits: 2 }, { minute: m0, domain, hits: 1 }])
  activity.add([{ minute: m0 + 9 * minute, domain, hits: 0 }]) // an empty counter is not activity
  assert.equal(activity.lastActiveMinute(domain), m0 + 5 * minute)
})

test('add is all or nothing', (t) => {
  const { activity } = activityInTempDb(t)
  const bad = { minute: m0, domain: null as unknown as string, hits: 1 } // NOT NULL fails mid-batch
  assert.throws(() => activity.add([{ minute: m0, domain, hits: 5 }, bad]))
  assert.equal(activity.hitsSince(domain, m0), 0)
})

test('browser navigations that waited or passed add up per minute, beside the hits, and are summed over a period', (t) => {
  const { activity } = activityInTempDb(t)
  activity.add([{ minute: m0, domain, hits: 2, waited: 1, passed: 1 }])
  // a navigation that does not count as activity still counts as a navigation
  activity.add([{ minute: m0 + 10, domain, hits: 0, passed: 2 }, { minute: m0 + minute, domain, hits: 1, waited: 4 }])
  assert.equal(activity.hitsSince(domain, m0), 3)
  assert.deepEqual(activity.navigationsBetween(domain, m0, m0 + minute), { waited: 1, passed: 3 })
  assert.deepEqual(activity.navigationsBetween(domain, m0, m0 + 2 * minute), { waited: 5, passed: 3 })
  assert.deepEqual(activity.navigationsBetween('erp.audit-io.fr', m0, m0 + 2 * minute), { waited: 0, passed: 0 })
})
