import type { ProjectDirectory } from '../projects/directory.js'
import type { ProjectService } from '../projects/service.js'

/** What the HTTP layer is handed for client projects: the gate, the portal, their pages and API. */
export interface ProjectDeps {
  readonly directory: ProjectDirectory
  readonly service: ProjectService
  /** HALL_COOKIE_DOMAIN: the portal's cookie reaches members projects under it. */
  readonly cookieDomain: string | null
}
