// autocannon ships no types: only the parts the benchmark's load runner uses
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  interface Request { method?: string, path?: string, headers?: Record<string, string> }
  interface Options {
    url: string
    connections?: number
    duration?: number
    pipelining?: number
    requests?: Request[]
  }
  interface Histogram { average: number, mean: number, p50: number, p99: number, max: number }
  interface Result {
    requests: Histogram & { total: number, sent: number }
    latency: Histogram
    duration: number
    errors: number
    timeouts: number
    non2xx: number
    statusCodeStats: Record<string, { count: number } | undefined>
  }
  interface Instance extends EventEmitter {
    on (event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void): this
    on (event: 'done', listener: (result: Result) => void): this
  }

  function autocannon (options: Options, callback: (err: Error | null, result: Result) => void): Instance
  export default autocannon
  export type { Options, Request, Result }
}
