import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { test } from 'node:test'
import { startAsleep } from '../../helpers/hall-in-process.js'
import { valueOf } from './exposition.js'

test('config reloads are counted by result: applied and rejected', async (t) => {
  const { hall, configFile } = await startAsleep(t)
  const reloads = async (result: string): Promise<number | undefined> =>
    valueOf(await (await fetch(`${hall.url}/metrics`)).text(), 'hall_config_reloads_total', { result })
  assert.deepEqual([await reloads('applied'), await reloads('rejected')], [0, 0], 'both series exist from the start')

  assert.equal(hall.reload('test').ok, true)
  const good = readFileSync(configFile, 'utf8')
  writeFileSync(configFile, '{ "domains": ')
  assert.equal(hall.reload('test').ok, false)
  writeFileSync(configFile, good)
  assert.equal(hall.reload('test').ok, true)
  assert.deepEqual([await reloads('applied'), await reloads('rejected')], [2, 1])
})
