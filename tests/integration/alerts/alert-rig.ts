import type { IncomingHttpHeaders } from 'node:http'
import { PassThrough } from 'node:stream'
import type { TestContext } from 'node:test'
import type { Logger } from 'pino'
import { createLogger } from '../../../service/src/logger.js'
import { serveOnLoopback } from '../../helpers/loopback-server.js'

export interface Received { readonly path: string, readonly headers: IncomingHttpHeaders, readonly body: string }

/** A loopback HTTP receiver answering `status()` to every POST, keeping what it got. */
export async function startReceiver (t: TestContext, status: () => number = () => 200): Promise<{ url: string, received: Received[] }> {
  const received: Received[] = []
  const url = await serveOnLoopback(t, (req, res) => {
    let body = ''
    req.setEncoding('utf8').on('data', (c: string) => { body += c })
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body })
      res.writeHead(status()).end()
    })
  })
  return { url, received }
}

/** A pino logger at trace whose whole output the test can read. */
export function capturedLog (): { log: Logger, text: () => string } {
  const stream = new PassThrough()
  let logged = ''
  stream.setEncoding('utf8').on('data', (chunk: string) => { logged += chunk })
  return { log: createLogger('trace', stream), text: () => logged }
}
