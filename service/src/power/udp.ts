import dgram from 'node:dgram'
import { setTimeout as delay } from 'node:timers/promises'
import { HallError } from '../errors.js'

export interface SendMagicPacketsOptions {
  packet: Buffer
  address: string
  port: number
  /** Several copies because UDP may drop one; default 3. */
  count?: number
  /** Gap between copies; default 100 ms, so 3 packets leave within 200 ms. */
  spacingMs?: number
  signal?: AbortSignal
}

/** Sends the same magic packet `count` times from one IPv4 socket (broadcast allowed). */
export async function sendMagicPackets (opts: SendMagicPacketsOptions): Promise<{ packetsSent: number }> {
  const { packet, address, port, count = 3, spacingMs = 100, signal } = opts
  const target = `${address}:${port}`
  let packetsSent = 0
  const socket = dgram.createSocket('udp4')
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind(0, () => { socket.off('error', reject); resolve() })
    })
    // needed for x.x.x.255 targets; harmless for a unicast address such as 127.0.0.1
    socket.setBroadcast(true)
    for (let i = 0; i < count; i++) {
      signal?.throwIfAborted()
      if (i > 0) await delay(spacingMs, undefined, { signal })
      await new Promise<void>((resolve, reject) => {
        socket.send(packet, port, address, err => { if (err != null) reject(err); else resolve() })
      })
      packetsSent++
    }
    return { packetsSent }
  } catch (err) {
    // a cancelled wake is the caller's decision, not a send failure
    if (signal?.aborted === true) throw signal.reason
    const why = err instanceof Error ? err.message : String(err)
    throw new HallError('HALL_ERR_WAKE_SEND', `sending magic packet to ${target} failed after ${packetsSent} of ${count} packets: ${why}`,
      { address, port, packetsSent }, err)
  } finally {
    // close() throws when a failed bind already closed the socket; nothing is left to release then
    try { socket.close() } catch {}
  }
}
