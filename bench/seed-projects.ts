import { randomBytes } from 'node:crypto'
import { hashSessionId } from '../service/src/http/admin/session-cache.js'
import { openHallStore } from '../service/src/store/index.js'

export interface SeededMembersProject {
  readonly host: string
  readonly server: string
  /** The Cookie header of a logged-in client of the project. */
  readonly cookie: string
}

/**
 * Writes, before Hall opens the file, a `members` project on an awake server, one client account
 * allowed into it and that client's portal session: the members case sends its cookie with every
 * request, as a browser does. The pod is recorded as played: no SSH runs in the benchmark.
 */
export function seedMembersProject (dbFile: string, opts: { server: string, host: string, cookieName: string, now: number }): SeededMembersProject {
  const store = openHallStore(dbFile)
  try {
    store.projects.insert({
      id: store.projects.nextId(),
      name: 'bench-members',
      client: 'Bench',
      host: opts.host,
      server: opts.server,
      port: 18080,
      containerPort: 80,
      image: 'docker.io/library/nginx:1.27',
      allocation: { cpu: 1, memoryMib: 256, diskGib: 1 },
      access: 'members',
      status: 'ready',
      statusReason: null,
      createdAt: opts.now,
      createdBy: 'bench',
      updatedAt: opts.now,
      updatedBy: 'bench'
    })
    store.accounts.add({ name: 'bench-client', role: 'client', passwordHash: 'unused', now: opts.now })
    const user = store.accounts.find('bench-client')!
    const project = store.projects.all()[0]!
    store.projects.addMember(project.id, user.id)
    const id = randomBytes(32).toString('base64url')
    store.sessions.insert({ idHash: hashSessionId(id), userId: user.id, createdAt: opts.now, address: '192.0.2.10', scope: 'portal' })
    // a browser sends the site's other cookies too: the gate must find the portal's among them
    return { host: opts.host, server: opts.server, cookie: `_ga=GA1.2.123456789.1700000000; theme=dark; ${opts.cookieName}=${id}; lang=fr` }
  } finally {
    store.close()
  }
}
