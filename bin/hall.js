#!/usr/bin/env node
// The `hall` command runs the built service wherever one exists: a deployed checkout keeps only
// production dependencies (no tsx) after `npm prune --omit=dev`. Without a build it runs the
// TypeScript source through tsx; developers run the source with `npm run hall`.
import { existsSync } from 'node:fs'

const built = new URL('../service/dist/cli.js', import.meta.url)
const source = new URL('../service/src/cli.ts', import.meta.url)
if (existsSync(built)) {
  await import(built.href)
} else {
  let register
  try {
    ({ register } = await import('tsx/esm/api'))
  } catch {
    process.stderr.write('hall: no build in service/dist and no tsx to run the source: run `npm run build` (or `npm ci` for development)\n')
    process.exit(1)
  }
  register()
  await import(source.href)
}
