import { createRequire } from 'node:module'
import type { FastifyServerOptions } from 'fastify'

const requireLazily = createRequire(import.meta.url)

/** What Fastify hands a compiler for one part of one route's schema. */
type RouteSchema = Record<string, unknown>
type Compiler<F> = (route: RouteSchema) => F
type Factory<F> = (externalSchemas: unknown, options: unknown) => Compiler<F>
type Validate = ((data: unknown) => unknown) & { errors?: unknown }
type Serialize = (data: unknown) => string

/**
 * Fastify's own compilers (@fastify/ajv-compiler, @fastify/fast-json-stringify-compiler, the
 * defaults it would load itself), each schema compiled the first time its route is used rather
 * than all at start: compiling every page's, the portal's and the API's schemas cost about 50 ms
 * of each start, and ajv's code is loaded only once a validated route is called. Validation and
 * serialisation are the same: same compilers, same options, same schemas.
 */
type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>

export function lazyCompilers (): CompilersFactory {
  let ajvFactory: Factory<Validate> | null = null
  let stringifyFactory: Factory<Serialize> | null = null
  const factories: { buildValidator: Factory<Validate>, buildSerializer: Factory<Serialize> } = {
    buildValidator: (externalSchemas, options) => {
      let compile: Compiler<Validate> | null = null
      return route => {
        let validate: Validate | null = null
        const lazyValidate: Validate = data => {
          compile ??= (ajvFactory ??= (requireLazily('@fastify/ajv-compiler') as () => Factory<Validate>)())(externalSchemas, options)
          validate ??= compile(route)
          const result = validate(data)
          // Fastify reads a failed validation's details from the function it was given
          lazyValidate.errors = validate.errors
          return result
        }
        return lazyValidate
      }
    },
    buildSerializer: (externalSchemas, options) => {
      let compile: Compiler<Serialize> | null = null
      return route => {
        let serialize: Serialize | null = null
        return data => {
          compile ??= (stringifyFactory ??= (requireLazily('@fastify/fast-json-stringify-compiler') as () => Factory<Serialize>)())(externalSchemas, options)
          serialize ??= compile(route)
          return serialize(data)
        }
      }
    }
  }
  // Fastify's types describe ajv's functions; Fastify itself calls them and reads .errors, as these do
  return factories as unknown as CompilersFactory
}
