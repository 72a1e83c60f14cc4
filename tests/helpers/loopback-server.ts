import assert from 'node:assert/strict'
import { createServer, type RequestListener } from 'node:http'

/** A node:http server on 127.0.0.1, closed (connections included) after the test; returns its base URL. */
export async function serveOnLoopback (t: { after: (fn: () => Promise<void>) => void }, handler: RequestListener): Promise<string> {
  const srv = createServer(handler)
  await new Promise<void>(resolve => srv.listen(0, '127.0.0.1', resolve))
  t.after(async () => {
    srv.closeAllConnections()
    await new Promise<void>(resolve => srv.close(() => resolve()))
  })
  const addr = srv.address()
  assert.ok(addr !== null && typeof addr === 'object')
  return `http://127.0.0.1:${addr.port}`
}
