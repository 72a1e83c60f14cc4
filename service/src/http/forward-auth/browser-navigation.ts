import type { ForwardedRequest } from './forwarded.js'

/**
 * A page a person is loading: it can follow a redirect and show HTML. A websocket cannot.
 * Both the wake rule (who may wake) and the decision (who gets the waiting page) ask this.
 */
export function isBrowserNavigation (req: ForwardedRequest): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && !req.isWebsocket && /text\/html/i.test(req.accept)
}
