import assert from 'node:assert/strict'
import test from 'node:test'
import { isHallError } from '../../../service/src/errors.js'
import { buildMagicPacket } from '../../../service/src/power/magic-packet.js'
import { sendMagicPackets } from '../../../service/src/power/udp.js'
import { listenForMagicPackets } from '../../helpers/udp-listener.js'

const mac = '02:00:5e:10:20:30'

test('udp: one wake sends exactly 3 packets for the MAC, 100 ms apart', async (t) => {
  const listener = await listenForMagicPackets()
  t.after(() => listener.close())

  const result = await sendMagicPackets({ packet: buildMagicPacket(mac), address: '127.0.0.1', port: listener.port })
  assert.deepEqual(result, { packetsSent: 3 })
  await listener.waitFor(3, 1000)
  // a 4th would arrive at once if it existed; give it a moment anyway
  await new Promise(resolve => setTimeout(resolve, 50))

  assert.equal(listener.packets.length, 3)
  assert.deepEqual(listener.packets.map(p => p.mac), [mac, mac, mac])
  // 100 ms apart by design; the margin absorbs late timers on a loaded machine
  const spread = (listener.packets.at(-1)?.at ?? Infinity) - (listener.packets[0]?.at ?? 0)
  assert.ok(spread < 400, `packets spread over ${Math.round(spread)} ms`)
})

test('udp: count and spacing are honoured', async (t) => {
  const listener = await listenForMagicPackets()
  t.after(() => listener.close())
  const result = await sendMagicPackets({ packet: buildMagicPacket(mac), address: '127.0.0.1', port: listener.port, count: 5, spacingMs: 1 })
  assert.equal(result.packetsSent, 5)
  await listener.waitFor(5, 1000)
})

test('udp: an aborted wake stops sending and rejects with the abort reason', async (t) => {
  const listener = await listenForMagicPackets()
  t.after(() => listener.close())
  const controller = new AbortController()
  const sending = sendMagicPackets({ packet: buildMagicPacket(mac), address: '127.0.0.1', port: listener.port, spacingMs: 200, signal: controller.signal })
  await listener.waitFor(1, 1000)
  controller.abort(new Error('config reloaded'))
  await assert.rejects(sending, /config reloaded/)
  await new Promise(resolve => setTimeout(resolve, 250))
  assert.equal(listener.packets.length, 1)
})

test('udp: a send error is HALL_ERR_WAKE_SEND naming the target', async () => {
  await assert.rejects(
    sendMagicPackets({ packet: buildMagicPacket(mac), address: '127.0.0.1', port: 0 }),
    (err: unknown) => isHallError(err, 'HALL_ERR_WAKE_SEND') && err.message.includes('127.0.0.1:0') && err.cause !== undefined
  )
})
