#!/usr/bin/env node
// Runs the built CLI when `npm run build` produced one, the TypeScript source otherwise.
import { existsSync } from 'node:fs'

const built = new URL('../service/dist/cli.js', import.meta.url)
if (existsSync(built)) {
  await import(built.href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import(new URL('../service/src/cli.ts', import.meta.url).href)
}
