import type { FastifyRequest } from 'fastify'
import type { Clock } from '../../clock.js'
import type { EventLevel, Events, RequestedBy } from '../../store/index.js'

/**
 * Records what a person did in the admin in the event log, with the account's name and the
 * client address. The level follows the kind: `*-failed`, `*-locked` and `*-refused` are
 * warnings, the rest information. `details.server` (a string) files the event under that server.
 * A wake or shutdown the admin started names its account in its own row when `details` carries
 * its id as `wakeId` or `shutdownId` (a number), and `outcome`, if given, is 'started'.
 */
export type Audit = (kind: string, message: string, req: FastifyRequest, details?: object) => void

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on every /admin request: the address the allow-list judged (client-address.ts). */
    adminClientAddress: string | null
  }
}

export interface AuditDeps {
  readonly events: Pick<Events, 'record'>
  readonly requestedBy: RequestedBy
  readonly clock: Clock
}

export function createAudit ({ events, requestedBy, clock }: AuditDeps): Audit {
  return (kind, message, req, details = {}) => {
    const account = req.account?.name ?? null
    const fields = details as Record<string, unknown>
    const server = typeof fields.server === 'string' ? fields.server : null
    events.record({
      at: clock.now(),
      level: levelOf(kind),
      server,
      kind,
      message,
      details: { ...fields, account, address: req.adminClientAddress ?? null }
    })
    // only a wake or shutdown this request started: one already under way was someone else's
    if (account === null || (fields.outcome !== undefined && fields.outcome !== 'started')) return
    if (isId(fields.wakeId)) requestedBy.wake(fields.wakeId, account)
    if (isId(fields.shutdownId)) requestedBy.shutdown(fields.shutdownId, account)
  }
}

function levelOf (kind: string): EventLevel {
  return /-(failed|locked|refused)$/.test(kind) ? 'warn' : 'info'
}

function isId (value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0
}
