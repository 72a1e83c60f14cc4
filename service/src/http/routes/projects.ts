import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { Allocation } from '../../config/types.js'
import { errorReplySchema } from '../../contract/error-reply.js'
import { toResponseSchema } from '../../contract/json-schema.js'
import { projectDetailSchema, projectListSchema, projectRefusalSchema, projectSchema } from '../../contract/projects.js'
import { HallError, isHallError } from '../../errors.js'
import type { Fleet } from '../../lifecycle/fleet.js'
import { parseProjectSpec } from '../../projects/spec.js'
import type { Project } from '../../projects/types.js'
import { isInScope, type ApiKeyRecord } from '../../store/index.js'
import type { ApiKeyAuth } from '../api-key-auth.js'
import { errorBody, sendError } from '../error-answer.js'
import type { ProjectDeps } from '../project-deps.js'
import { allocationJson, hostingServers, operationJson, projectJson } from '../project-answers.js'

export interface ProjectRouteOptions { fleet: Fleet, projects: ProjectDeps, auth: ApiKeyAuth }

/** A project's fields fit in well under this; more is not a project. */
const BODY_LIMIT_BYTES = 16 * 1024
/** How many of a project's latest pod operations GET /api/projects/:name shows. */
const RECENT_OPERATIONS = 10

const nameParams = { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 64 } } } as const
const keyHeader = { type: 'object', properties: { 'x-api-key': { type: 'string' } } } as const
const forceQuery = { type: 'object', properties: { force: { type: 'boolean', default: false } } } as const
// the fields and their rules are projects/spec.ts's (zod): one place says what a project may be,
// and its refusals name the field; here only "a JSON object"
const fieldsBody = { type: 'object' } as const
// the serializer writes only the fields these declare: contract/projects.ts is where a new field goes
const errorReply = toResponseSchema(errorReplySchema)
const refusal = toResponseSchema(projectRefusalSchema)
const project = toResponseSchema(projectSchema)
const refused = { 401: errorReply, 403: errorReply, 429: errorReply } as const

/**
 * The client projects for scripts and `hall project`, behind an API key allowed the `projects`
 * action (and, for a key limited to some servers, only the projects on those). The key is
 * checked before anything else, so project names cannot be probed without one. Creating, a
 * change to the pod and removing answer 202 at once: the pod is played or taken down beside the
 * request, and GET /api/projects/:name says how it went.
 */
export const projectRoutes: FastifyPluginAsync<ProjectRouteOptions> = async (app, { fleet, projects, auth }) => {
  const { directory, service } = projects
  const keys = new WeakMap<FastifyRequest, ApiKeyRecord>()

  // before the body is even parsed: no key, no answer about anything else
  app.addHook('onRequest', async (req, reply) => {
    reply.header('cache-control', 'no-store')
    // the TCP peer, not req.ip: X-Forwarded-For is written by whoever the trusted proxy range covers
    const result = auth.checkAction(req.socket.remoteAddress ?? '', headerValue(req.headers['x-api-key']), 'projects')
    if (result.ok) { keys.set(req, result.key); return }
    const d = result.denial
    if (d.status === 401) reply.header('www-authenticate', 'X-API-Key')
    if (d.retryAfterSeconds !== null) reply.header('retry-after', String(d.retryAfterSeconds))
    return sendError(reply, d.error, d.message)
  })
  // a refused allocation says what is left, in the API's words; everything else as the app answers it
  app.setErrorHandler((err, _req, reply) => {
    if (!isHallError(err, 'HALL_ERR_PROJECT_CAPACITY')) throw err
    const d = err.details as { server: string, left: Allocation, wanted: Allocation }
    return reply.code(409).send({ ...errorBody(err.code, err.message), server: d.server, left: allocationJson(d.left), wanted: allocationJson(d.wanted) })
  })

  const keyOf = (req: FastifyRequest): ApiKeyRecord => keys.get(req)!
  const by = (req: FastifyRequest): string => `api-key:${keyOf(req).name}`
  const json = (p: Project): ReturnType<typeof projectJson> => projectJson(p, directory.members(p.name).map(m => m.userName))

  /** The project, when it exists and the key may manage its server; otherwise the reply is sent. */
  function reachable (req: FastifyRequest, name: string): Project {
    const p = directory.get(name)
    if (p === undefined) throw new HallError('HALL_ERR_PROJECT_UNKNOWN', `no project named "${name}"`)
    assertServerInScope(keyOf(req), p.server)
    return p
  }

  app.get('/api/projects', {
    schema: { headers: keyHeader, response: { 200: toResponseSchema(projectListSchema), ...refused } }
  }, async (req) => {
    const key = keyOf(req)
    const shown = (server: string): boolean => isInScope(key, server, 'projects')
    return {
      projects: service.list().filter(p => shown(p.server)).map(json),
      servers: hostingServers(fleet.config(), service.list(), server => fleet.supervisor(server)?.state().phase ?? null, shown)
    }
  })

  app.get<{ Params: { name: string } }>('/api/projects/:name', {
    schema: { params: nameParams, headers: keyHeader, response: { 200: toResponseSchema(projectDetailSchema), 404: errorReply, ...refused } }
  }, async (req) => {
    const p = reachable(req, req.params.name)
    return { ...json(p), operations: service.recentOperations(p.name, RECENT_OPERATIONS).map(operationJson) }
  })

  app.post<{ Body: Record<string, unknown> }>('/api/projects', {
    bodyLimit: BODY_LIMIT_BYTES,
    schema: { headers: keyHeader, body: fieldsBody, response: { 202: project, 400: errorReply, 409: refusal, 413: errorReply, ...refused } }
  }, async (req, reply) => {
    // its fields first, so a key limited to some servers is told about the server it named
    assertServerInScope(keyOf(req), parseProjectSpec(req.body).server)
    const created = service.create(req.body, by(req))
    req.log.info({ project: created.name, server: created.server, key: keyOf(req).name }, 'project created')
    return reply.code(202).header('location', `/api/projects/${encodeURIComponent(created.name)}`).send(json(created))
  })

  app.patch<{ Params: { name: string }, Body: Record<string, unknown> }>('/api/projects/:name', {
    bodyLimit: BODY_LIMIT_BYTES,
    schema: { params: nameParams, headers: keyHeader, body: fieldsBody, response: { 200: project, 202: project, 400: errorReply, 404: errorReply, 409: refusal, 413: errorReply, ...refused } }
  }, async (req, reply) => {
    const before = reachable(req, req.params.name)
    const changed = service.edit(before.name, req.body, by(req))
    req.log.info({ project: changed.name, fields: Object.keys(req.body), key: keyOf(req).name }, 'project changed')
    // 202: the pod is played again with the new spec; 200: the change applies at the gate alone
    return reply.code(changed.status === 'provisioning' ? 202 : 200).send(json(changed))
  })

  app.delete<{ Params: { name: string }, Querystring: { force: boolean } }>('/api/projects/:name', {
    schema: { params: nameParams, querystring: forceQuery, headers: keyHeader, response: { 202: project, 404: errorReply, 409: errorReply, ...refused } }
  }, async (req, reply) => {
    const p = reachable(req, req.params.name)
    const removing = service.remove(p.name, by(req), { force: req.query.force })
    req.log.info({ project: p.name, force: req.query.force, key: keyOf(req).name }, 'project removal asked')
    return reply.code(202).send(json(removing))
  })
}

function assertServerInScope (key: ApiKeyRecord, server: string): void {
  if (!isInScope(key, server, 'projects')) {
    throw new HallError('HALL_ERR_API_KEY_FORBIDDEN', `the key "${key.name}" may not manage projects on ${server}`)
  }
}

function headerValue (value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
