import { readFileSync } from 'node:fs'
import { HallError } from '../errors.js'
import { crossReferenceProblems } from './cross-references.js'
import { describeIssues, type ConfigProblem } from './issues.js'
import { normalize } from './normalize.js'
import { configWarnings } from './warnings.js'
import { domainsFileSchema, keyPlaces } from './schema.js'
import type { HallConfig } from './types.js'

/** A valid config, and what in it loads but probably does not do what its author meant. */
export interface LoadedConfig { readonly config: HallConfig, readonly warnings: readonly ConfigProblem[] }

/** Reads and validates `domains.json`; throws HALL_ERR_CONFIG_* listing every problem at once. */
export function loadConfigFile (file: string): HallConfig {
  return loadConfig(file).config
}

export function loadConfig (file: string): LoadedConfig {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new HallError('HALL_ERR_CONFIG_READ', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, undefined, err)
  }
  return readConfig(text, file)
}

export function parseConfig (text: string, source = 'domains.json'): HallConfig {
  return readConfig(text, source).config
}

export function readConfig (text: string, source = 'domains.json'): LoadedConfig {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw invalid(source, [{ path: '(file)', message: `not valid JSON: ${describeJsonError(text, err as Error)}` }])
  }
  const parsed = domainsFileSchema.safeParse(raw)
  const problems = [
    ...(parsed.success ? [] : describeIssues(parsed.error.issues, raw, keyPlaces)),
    ...crossReferenceProblems(raw)
  ]
  if (problems.length > 0 || !parsed.success) throw invalid(source, problems)
  return { config: normalize(parsed.data), warnings: configWarnings(parsed.data) }
}

function invalid (source: string, problems: ConfigProblem[]): HallError {
  const lines = problems.map(p => `${p.path}: ${p.message}`)
  return new HallError('HALL_ERR_CONFIG_INVALID', `invalid ${source}:\n  ${lines.join('\n  ')}`, problems)
}

/** Node names a character offset; people look for a line and a column. */
function describeJsonError (text: string, err: Error): string {
  const position = /at position (\d+)/.exec(err.message)
  if (position === null) return err.message
  const before = text.slice(0, Number(position[1]))
  const line = before.split('\n').length
  const column = before.length - before.lastIndexOf('\n')
  return `${err.message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${column}`
}
