#!/usr/bin/env node
// Runs the TypeScript source in a checkout, the built CLI where only the build was installed
// (the container image): a stale build never shadows the source a developer just pulled.
import { existsSync } from 'node:fs'

const source = new URL('../service/src/cli.ts', import.meta.url)
if (!existsSync(source)) {
  await import(new URL('../service/dist/cli.js', import.meta.url).href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import(source.href)
}
