import { createServer } from 'node:net'

// Bind port 0, read the port the kernel chose, close. Another process may grab it before the
// caller binds it, so callers that spawn a child retry on "address in use".
export async function freePort (host = '127.0.0.1'): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.once('error', reject)
    srv.listen({ port: 0, host, exclusive: true }, () => {
      const addr = srv.address()
      if (addr === null || typeof addr === 'string') {
        srv.close()
        reject(new Error('freePort: no TCP address'))
        return
      }
      srv.close(err => err ? reject(err) : resolve(addr.port))
    })
  })
}
