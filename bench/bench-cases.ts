/** The benchmark's cases: the same request bytes to Hall and to the bare server, and what a right answer is. */

export type Target = 'hall' | 'bare'

export interface BenchCase {
  readonly name: string
  readonly target: Target
  /** The bare case this one is compared with; null for a baseline. */
  readonly baseline: string | null
  readonly expectedStatus: 200 | 302
  /** Headers for one round: rounds rotate over the domains so no single entry is favoured. */
  headers (round: number): Record<string, string>
  /** A problem with a sampled answer beyond its status, or null. */
  check (response: Response, headers: Record<string, string>): string | null
}

const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
const HTML_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

/**
 * What Traefik's forwardAuth sends for a request to https://<host>/: the client's own headers
 * (User-Agent, Accept) plus X-Forwarded-*. A browser navigation accepts HTML; a script's fetch does not.
 */
export function forwardedHeaders (host: string, navigation: boolean): Record<string, string> {
  return {
    'X-Forwarded-Host': host,
    'X-Forwarded-Proto': 'https',
    'X-Forwarded-Uri': '/',
    'X-Forwarded-Method': 'GET',
    'X-Forwarded-For': '192.0.2.10', // a documentation address: only a header, no packet goes there
    'User-Agent': BROWSER_UA,
    Accept: navigation ? HTML_ACCEPT : '*/*'
  }
}

/** A members project's host and the Cookie header of one of its logged-in clients. */
export interface MembersCase { readonly host: string, readonly server: string, readonly cookie: string }

export function defineCases (awake: readonly string[], asleep: readonly string[], publicUrl: string, members: MembersCase): BenchCase[] {
  const pick = (hosts: readonly string[], round: number): string => hosts[round % hosts.length]!
  const passCheck = (expectedServer: 'bare' | 'hall') => (response: Response, headers: Record<string, string>): string | null => {
    const server = response.headers.get('x-hall-server')
    const host = headers['X-Forwarded-Host']!
    // Hall names the server of the domain (awake-NNN for app-0.awake-NNN.bench.test)
    const expected = expectedServer === 'bare' ? 'bare' : host.split('.')[1]
    return server === expected ? null : `X-Hall-Server ${server}, expected ${expected}`
  }
  const redirectCheck = (response: Response, headers: Record<string, string>): string | null => {
    const host = headers['X-Forwarded-Host']!
    const expected = `${publicUrl}/waiting/${encodeURIComponent(host)}?to=${encodeURIComponent(`https://${host}/`)}`
    const location = response.headers.get('location')
    return location === expected ? null : `Location ${location}, expected ${expected}`
  }
  return [
    { name: 'bare-200', target: 'bare', baseline: null, expectedStatus: 200, headers: r => forwardedHeaders(pick(awake, r), false), check: passCheck('bare') },
    { name: 'hall-200', target: 'hall', baseline: 'bare-200', expectedStatus: 200, headers: r => forwardedHeaders(pick(awake, r), false), check: passCheck('hall') },
    { name: 'bare-302', target: 'bare', baseline: null, expectedStatus: 302, headers: r => forwardedHeaders(pick(asleep, r), true), check: redirectCheck },
    { name: 'hall-302', target: 'hall', baseline: 'bare-302', expectedStatus: 302, headers: r => forwardedHeaders(pick(asleep, r), true), check: redirectCheck },
    // a request of a members project's page (its scripts, images, API calls) with its client's
    // session cookie: the gate's session check, then the pass with the cookies handed back less
    // the session; the bare server gets the same bytes and sends the same answer
    { name: 'bare-members', target: 'bare', baseline: null, expectedStatus: 200, headers: () => membersHeaders(members), check: membersCheck(members, 'bare') },
    { name: 'hall-members', target: 'hall', baseline: 'bare-members', expectedStatus: 200, headers: () => membersHeaders(members), check: membersCheck(members, members.server) }
  ]
}

/** The members case's answer: its server, and the request's cookies handed back without the portal's session. */
function membersCheck (members: MembersCase, expectedServer: string) {
  const expectedCookie = members.cookie.split('; ').filter(c => !c.startsWith('__Secure-hall_portal=')).join('; ')
  return (response: Response): string | null => {
    const server = response.headers.get('x-hall-server')
    if (server !== expectedServer) return `X-Hall-Server ${server}, expected ${expectedServer}`
    const cookie = response.headers.get('cookie')
    return cookie === expectedCookie ? null : `Cookie ${cookie}, expected ${expectedCookie}`
  }
}

function membersHeaders (members: MembersCase): Record<string, string> {
  return { ...forwardedHeaders(members.host, false), Cookie: members.cookie }
}

/** One answer checked by hand before and after each run: wrk itself counts only statuses of 400 and up. */
export async function verifyAnswer (url: string, c: BenchCase, headers: Record<string, string>, when: string): Promise<void> {
  const response = await fetch(`${url}/forward-auth`, { headers, redirect: 'manual' })
  await response.arrayBuffer()
  const problem = response.status !== c.expectedStatus ? `status ${response.status}, expected ${c.expectedStatus}` : c.check(response, headers)
  if (problem !== null) throw new Error(`${c.name} ${when}: ${headers['X-Forwarded-Host']} gave ${problem}`)
}
