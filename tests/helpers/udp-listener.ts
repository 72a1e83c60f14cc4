import dgram from 'node:dgram'
import { once } from 'node:events'
import { parseMagicPacket } from '../../service/src/power/magic-packet.js'

export interface MagicPacketListener {
  port: number
  /** `at` is performance.now() on arrival, for spacing assertions. */
  packets: Array<{ mac: string, at: number }>
  waitFor (count: number, timeoutMs: number): Promise<void>
  close (): Promise<void>
}

/** A stand-in for sleeping machines: records every magic packet sent to 127.0.0.1:<port>. */
export async function listenForMagicPackets (): Promise<MagicPacketListener> {
  const socket = dgram.createSocket('udp4')
  const packets: Array<{ mac: string, at: number }> = []
  const waiters = new Set<() => void>()
  socket.on('message', msg => {
    const parsed = parseMagicPacket(msg)
    if (parsed === null) return // stray datagrams are not wakes
    packets.push({ mac: parsed.mac, at: performance.now() })
    for (const w of waiters) w()
  })
  socket.bind(0, '127.0.0.1')
  await once(socket, 'listening')
  let closed = false

  return {
    port: socket.address().port,
    packets,
    waitFor: async (count, timeoutMs) => await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (packets.length < count) return
        cleanup()
        resolve()
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`expected ${count} magic packet(s) within ${timeoutMs} ms, got ${packets.length}`))
      }, timeoutMs)
      const cleanup = (): void => { clearTimeout(timer); waiters.delete(check) }
      waiters.add(check)
      check()
    }),
    close: async () => {
      if (closed) return
      closed = true
      await new Promise<void>(resolve => socket.close(() => resolve()))
    }
  }
}
