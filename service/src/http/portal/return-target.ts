import type { Project } from '../../projects/types.js'
import { parseAuthority } from '../forward-auth/authority.js'
import { isSafeReturnUrl } from '../forward-auth/return-url.js'
import type { AdminAccount } from '../admin/session-types.js'

/** Where a login may send the browser on, and the project that page belongs to. */
export interface ReturnTarget {
  /** The URL as the browser will be sent to it: serialised, so ASCII only. */
  readonly url: string
  /** The client project served at that host; null for Hall's own host. */
  readonly project: Project | null
}

/**
 * `to` is safe when it is an absolute http(s) URL on Hall's own host or on a client project's
 * host, passing the waiting page's checks (return-url.ts: no credentials, control characters,
 * backslashes or scheme tricks). Anything else is null, and the portal falls back to /projects:
 * the login is never an open redirect.
 */
export function returnTarget (to: string | undefined, publicHost: string, projects: readonly Project[]): ReturnTarget | null {
  if (to === undefined || to === '') return null
  let url: URL
  try {
    url = new URL(to)
  } catch {
    return null
  }
  const host = parseAuthority(url.hostname)?.host
  if (host === undefined) return null
  const project = host === publicHost ? null : projects.find(p => p.host === host)
  if (project === undefined) return null
  return isSafeReturnUrl(project?.host ?? publicHost, to) ? { url: url.href, project } : null
}

export interface PortalAccount extends AdminAccount { readonly userId: number }

/**
 * The gate's rule for a members project (forward-auth/project-access.ts), for the portal's list
 * and its wake button: an admin reaches every project, a client those it is a member of, a
 * viewer none.
 */
export function mayReach (account: PortalAccount, memberIds: ReadonlySet<number> | undefined): boolean {
  if (account.role === 'admin') return true
  return account.role === 'client' && memberIds !== undefined && memberIds.has(account.userId)
}

/** Whether the gate would refuse this account at the project's door: only members projects look at sessions. */
export function isRefusedAt (project: Project, account: PortalAccount, memberIds: ReadonlySet<number> | undefined): boolean {
  return project.access === 'members' && !mayReach(account, memberIds)
}
