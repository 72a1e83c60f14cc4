import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { FastifyInstance } from 'fastify'
import { sendError } from '../error-answer.js'

interface Asset { readonly type: string, readonly body: Buffer }

const js = 'text/javascript; charset=utf-8'
const css = 'text/css; charset=utf-8'
const own = (file: string, type: string): [string, Asset] =>
  [file, { type, body: readFileSync(new URL(`../public/admin/${file}`, import.meta.url)) }]
// the chart library from the installed package, served by Hall itself: no CDN, nothing from elsewhere
const resolvePackage = createRequire(import.meta.url).resolve
const vendored = (file: string, from: string, type: string): [string, Asset] =>
  [file, { type, body: readFileSync(resolvePackage(from)) }]

/** Read once at start: the admin's scripts, stylesheet and uPlot. Scripts are modules: a browser refuses a module of another type. */
export function loadAdminAssets (): ReadonlyMap<string, Asset> {
  return new Map([
    own('admin.css', css),
    own('card-display.js', js),
    own('overview.js', js),
    own('server-charts.js', js),
    own('energy-charts.js', js),
    own('chart-data.js', js),
    own('events-tail.js', js),
    own('forms.js', js),
    own('pem-file.js', js),
    own('page-helpers.js', js),
    vendored('uPlot.esm.js', 'uplot/dist/uPlot.esm.js', js),
    vendored('uPlot.min.css', 'uplot/dist/uPlot.min.css', css)
  ])
}

const assetParams = { type: 'object', required: ['file'], properties: { file: { type: 'string', maxLength: 64 } } } as const

/** `/admin/assets/:file`. */
export function assetRoutes (app: FastifyInstance): void {
  const assets = loadAdminAssets()
  app.get<{ Params: { file: string } }>('/assets/:file', { logLevel: 'warn', schema: { params: assetParams } }, async (req, reply) => {
    const asset = assets.get(req.params.file)
    if (asset === undefined) return sendError(reply, 'HALL_ERR_HTTP_NOT_FOUND', 'no such asset')
    return reply.type(asset.type).header('cache-control', 'private, max-age=300').send(asset.body)
  })
}
