import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { test } from 'node:test'
import { request } from 'undici'
import { createLogger } from '../../service/src/logger.js'
import { DOMAIN, startAsleep } from '../helpers/hall-in-process.js'

test('the request log shows paths without their query: a token in ?to= never reaches the log', async (t) => {
  const lines: string[] = []
  const stream = new PassThrough()
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(l => l !== '')))
  const { hall } = await startAsleep(t, {}, createLogger('info', stream))
  const to = `https://${DOMAIN}/report?token=s3cret-token-123`
  const res = await request(`${hall.url}/waiting/${DOMAIN}?to=${encodeURIComponent(to)}`, { headers: { 'x-api-key': 'hall_00000000_notakey' } })
  assert.equal(res.statusCode, 200)
  await res.body.text()
  await new Promise(resolve => setImmediate(resolve))
  const incoming = lines.map(l => JSON.parse(l) as { msg: string, req?: { path?: string, url?: string } }).find(l => l.msg === 'incoming request')
  assert.deepEqual([incoming?.req?.path, incoming?.req?.url], [`/waiting/${DOMAIN}`, undefined])
  const all = lines.join('\n')
  assert.ok(!all.includes('s3cret-token-123'), 'the token is not logged')
  assert.ok(!all.includes('notakey'), 'nor the API key header')
})
