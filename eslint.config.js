import neostandard from 'neostandard'

// On Node 22 an AsyncLocalStorage, once used, turns on async hooks for the whole process: every
// request, forward-auth's included, then pays for them. Node 24 no longer does; Hall supports both.
const asyncHooks = ['async_hooks', 'node:async_hooks'].map(name => ({
  name,
  importNames: ['AsyncLocalStorage', 'createHook'],
  message: 'on Node 22 this slows every request of the process: pass what the callee needs instead'
}))

// One-way dependencies (STYLE.md): a wrong import fails `npm run lint`.
// (each block repeats the async hooks rule: a later block's options replace an earlier one's)
const restrict = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns, paths: asyncHooks }] }
})
const ours = (...folders) => folders.map(f => ({ group: [`**/${f}/*`, `../${f}/*`, `./${f}/*`], message: `this folder must not import ${f}/` }))

const importBoundaries = [
  restrict(['service/src/probe/**'], ours('lifecycle', 'power', 'store', 'http', 'traefik')),
  restrict(['service/src/power/**'], ours('lifecycle', 'probe', 'store', 'http', 'traefik')),
  restrict(['service/src/store/**'], ours('lifecycle', 'probe', 'power', 'http', 'traefik')),
  restrict(['service/src/lifecycle/**'], ours('http', 'traefik')),
  restrict(['service/src/config/**'], ours('lifecycle', 'probe', 'power', 'store', 'http', 'ports')),
  // the types the lifecycle and its adapters share sit below both: config types and errors only
  restrict(['service/src/ports/**'], [
    { group: ['../*', '!../errors.js', '!../config'], message: 'ports/ may import only config types and errors' },
    { group: ['../config/*', '!../config/types.js'], message: 'ports/ may import only config types and errors' }
  ]),
  // the published JSON, read by the CLI too: zod, the words in ports/ and config types, nothing that runs Hall
  restrict(['service/src/contract/**'], [
    { group: ['../*', '!../ports', '!../config'], message: 'contract/ may import only zod, ports/ and config types' },
    { group: ['../config/*', '!../config/types.js'], message: 'contract/ may import only zod, ports/ and config types' }
  ])
]

export default [
  { ignores: ['dist/**', 'service/dist/**', 'scratch/**', 'coverage/**', 'node_modules/**'] },
  ...neostandard({ ts: true }),
  // `void promise` marks a deliberate fire-and-forget whose promise handles its own errors
  { rules: { 'no-void': ['error', { allowAsStatement: true }] } },
  restrict(['service/src/**'], []),
  ...importBoundaries
]
