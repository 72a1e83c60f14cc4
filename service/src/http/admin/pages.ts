import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { Clock } from '../../clock.js'
import type { Fleet } from '../../lifecycle/fleet.js'
import type { HistoryReader } from '../../store/history.js'
import type { ApiKeys } from '../../store/index.js'
import type { PowerHistory } from '../status-view.js'
import { assetRoutes } from './assets.js'
import { acceptForms } from './form-body.js'
import { liveCardRoutes, type StreamSessions } from './live.js'
import { accountRoutes } from './routes/accounts.js'
import type { EnergyReport } from '../../contract/energy.js'
import type { Span } from '../../energy/timeline.js'
import { energyPageRoutes } from './routes/energy.js'
import { eventRoutes } from './routes/events.js'
import { keyRoutes } from './routes/keys.js'
import { overviewRoutes } from './routes/overview.js'
import { projectRoutes } from './routes/project.js'
import { projectAccessRoutes } from './routes/project-access.js'
import { projectListRoutes } from './routes/projects.js'
import { serverRoutes } from './routes/server.js'
import type { AccountDirectory, SessionOwner } from './session-types.js'
import type { ProjectDeps } from '../project-deps.js'

export interface AdminPageDeps {
  readonly fleet: Fleet
  /** In memory (recent-power-history.ts): the cards read it on every update. */
  readonly history: PowerHistory
  /** The server and event pages' read-only queries (store/history.ts). */
  readonly db: HistoryReader
  readonly apiKeys: ApiKeys
  readonly accounts: AccountDirectory
  readonly clock: Clock
  /** Writes what a person changed to the event log, with their account and address. */
  readonly audit: (kind: string, message: string, req: FastifyRequest, details?: object) => void
  /** The session behind each live stream, so it ends with it; left out (the pages' tests): streams follow no session. */
  readonly sessions?: StreamSessions
  /** The session behind a request: a password change of its own account keeps it. Left out (the pages' tests): none is kept. */
  readonly askingSession?: (req: FastifyRequest) => SessionOwner | null
  /** The Energy page's report (energy/collect.ts), over the store and the current config. */
  readonly energyReport: (period: Span, now: number, timeZone: string) => EnergyReport
  /** Client projects; left out (Hall without them, the pages' tests): no Projects section. */
  readonly projects?: ProjectDeps
}

/**
 * The admin's pages, registered with prefix '/admin' inside the auth scope: by the time a
 * handler runs, `req.account` is set, the client is on the allow-list and a POST carried a good
 * CSRF token. Each change still checks the role: a viewer's POST is 403 HALL_ERR_ADMIN_FORBIDDEN.
 */
export const adminPageRoutes: FastifyPluginAsync<AdminPageDeps> = async (app, deps) => {
  const startedAt = deps.clock.now()
  // read by contextOf: every page's bar then links to the Projects section
  if (deps.projects !== undefined) app.decorateRequest('projectPages', true)
  acceptForms(app)
  assetRoutes(app)
  overviewRoutes(app, deps, startedAt)
  liveCardRoutes(app, { fleet: deps.fleet, history: deps.history, clock: deps.clock, startedAt, sessions: deps.sessions })
  serverRoutes(app, deps)
  eventRoutes(app, deps)
  keyRoutes(app, deps)
  accountRoutes(app, deps)
  energyPageRoutes(app, deps)
  if (deps.projects !== undefined) {
    projectListRoutes(app, deps, deps.projects)
    projectRoutes(app, deps, deps.projects)
    projectAccessRoutes(app, deps, deps.projects)
  }
}
