import type { FastifyReply, FastifyRequest } from 'fastify'
import { httpStatusOf, isHallError, publicMessageOf, type ErrorCode } from '../errors.js'

/** The one shape of every error answer Hall sends. */
export interface ErrorBody {
  readonly error: ErrorCode
  readonly message: string
}

export const errorBodySchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string' }, message: { type: 'string' } }
} as const

/** `message` may be more precise than the table's for a 4xx ("Hall does not serve x.example"); never for a 5xx. */
export function errorBody (code: ErrorCode, message: string = publicMessageOf(code)): ErrorBody {
  return { error: code, message }
}

/** A route's own refusal: the code's status from the table, and its body. */
export function sendError (reply: FastifyReply, code: ErrorCode, message?: string): FastifyReply {
  return reply.code(httpStatusOf(code)).send(errorBody(code, message))
}

export interface ErrorAnswer {
  readonly status: number
  readonly body: ErrorBody
}

/**
 * What a client is told about anything a route threw. A HallError answers with its code's status;
 * its own message only below 500, since a 5xx message may name hosts, users and key files.
 * Fastify's own 4xx errors (schema validation, a malformed URL, a body too large) keep their
 * message, which describes the request, not Hall. Anything else is a bug: 500, "internal error".
 */
export function errorAnswerFor (err: unknown): ErrorAnswer {
  if (isHallError(err)) {
    const status = httpStatusOf(err.code)
    return { status, body: errorBody(err.code, status < 500 ? err.message : publicMessageOf(err.code)) }
  }
  const requestError = fastifyRequestError(err)
  if (requestError !== null) {
    const code = requestError.statusCode === 413 ? 'HALL_ERR_HTTP_BODY_TOO_LARGE' : 'HALL_ERR_HTTP_BAD_REQUEST'
    return { status: httpStatusOf(code), body: errorBody(code, requestError.message) }
  }
  return { status: 500, body: errorBody('HALL_ERR_INTERNAL') }
}

/** For `setErrorHandler` and Fastify's `frameworkErrors`: every error answer goes through here. */
export function replyWithError (err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const answer = errorAnswerFor(err)
  if (answer.status >= 500) req.log.error({ err }, 'request failed')
  return reply.code(answer.status).send(answer.body)
}

/** A Fastify error about the request itself: FST_ERR_* with a 4xx statusCode, or a failed schema. */
function fastifyRequestError (err: unknown): { statusCode: number, message: string } | null {
  if (!(err instanceof Error)) return null
  const { code, statusCode, validation } = err as { code?: unknown, statusCode?: unknown, validation?: unknown }
  if (validation !== undefined) return { statusCode: 400, message: err.message }
  const isRequestStatus = typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500
  return typeof code === 'string' && code.startsWith('FST_ERR_') && isRequestStatus ? { statusCode, message: err.message } : null
}
