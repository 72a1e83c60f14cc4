import assert from 'node:assert/strict'
import test from 'node:test'
import { readEnv } from '../../../service/src/config/env.js'
import { isHallError } from '../../../service/src/errors.js'

function envError (env: NodeJS.ProcessEnv): string {
  try {
    readEnv(env)
  } catch (err) {
    assert.ok(isHallError(err, 'HALL_ERR_ENV_INVALID'))
    return err.message
  }
  assert.fail('the environment was accepted')
}

test('a bad variable is named with its value, what it is for and what a valid value looks like', () => {
  assert.equal(envError({ HALL_PORT: 'abc' }), [
    'invalid environment:',
    '  HALL_PORT="abc" is not valid. It is the port Hall listens on: a whole number from 0 to 65535, such as 8080'
  ].join('\n'))
})

test('every bad variable is listed at once, with the CIDR at fault', () => {
  assert.equal(envError({ HALL_LOG_LEVEL: 'loud', HALL_TRUSTED_PROXIES: '127.0.0.1/8,10.0.0.0/33' }), [
    'invalid environment:',
    '  HALL_LOG_LEVEL="loud" is not valid. It is one of fatal, error, warn, info, debug, trace, silent',
    '  HALL_TRUSTED_PROXIES="127.0.0.1/8,10.0.0.0/33" is not valid ("10.0.0.0/33" is not an IP address or CIDR such as 192.168.1.0/24). It is the proxies whose X-Forwarded-* headers Hall believes: comma-separated CIDRs such as 127.0.0.0/8,::1/128'
  ].join('\n'))
})

test('defaults fill what the environment lacks', () => {
  const env = readEnv({})
  assert.deepEqual([env.configFile, env.dbFile, env.port, env.publicUrl], ['domains.json', 'data/hall.db', 8080, 'http://localhost:8080'])
})

test('the energy report: no price by default, euros, a gateway that draws nothing', () => {
  assert.deepEqual(readEnv({}).energy, { pricePerKwh: null, currency: 'EUR', gatewayWatts: 0 })
  assert.deepEqual(readEnv({ HALL_ENERGY_PRICE: '0.2516', HALL_CURRENCY: 'chf', HALL_GATEWAY_WATTS: '4.5' }).energy,
    { pricePerKwh: 0.2516, currency: 'CHF', gatewayWatts: 4.5 })
  // an empty line in .env is no price at all, not a free kWh
  assert.equal(readEnv({ HALL_ENERGY_PRICE: '' }).energy.pricePerKwh, null)
})

test('a bad energy price says what a valid one looks like', () => {
  assert.equal(envError({ HALL_ENERGY_PRICE: 'cheap' }), [
    'invalid environment:',
    '  HALL_ENERGY_PRICE="cheap" is not valid. It is the price of one kWh for the energy report: a number such as 0.25 (unset: kWh only, no money)'
  ].join('\n'))
})
