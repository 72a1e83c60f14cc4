import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { readEnv } from '../config/env.js'
import { loadConfigFile } from '../config/load.js'
import { renderTraefik } from '../traefik/render.js'
import { writeDynamicDir } from '../traefik/write-dir.js'
import { toTraefikYaml } from '../traefik/yaml.js'
import { UsageError } from './usage-error.js'
import type { ProjectSpec } from '../projects/types.js'
import { openStore } from '../store/db.js'
import { createProjects } from '../store/projects.js'

export const DEFAULT_OUT_DIR = 'traefik-dynamic'

/**
 * `hall render-traefik [--config FILE] [--out DIR]`: domains.json (default $HALL_CONFIG) to
 * DIR/hall.yml for Traefik's file provider; the public host comes from HALL_PUBLIC_URL.
 * Bad arguments throw (parseArgs' errors or UsageError): the CLI prints the usage and exits 2.
 */
export async function renderTraefikCommand (args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string' }, out: { type: 'string', default: DEFAULT_OUT_DIR } },
    strict: true
  })
  if (values.out === '' || values.config === '') throw new UsageError('render-traefik: --config and --out need a non-empty value')
  const env = readEnv()
  if (!env.publicUrlSet) {
    process.stderr.write(`render-traefik: HALL_PUBLIC_URL is not set, so Hall's own pages are routed for Host(\`${new URL(env.publicUrl).hostname}\`); ` +
      'set it to the address browsers reach Hall at, such as https://hall.example.com\n')
  }
  const configFile = values.config ?? env.configFile
  const config = loadConfigFile(configFile)
  const projects = projectsIn(env.dbFile)
  const text = toTraefikYaml(renderTraefik(config, env.publicUrl, env.adminAllow, projects), { configFile, publicUrl: env.publicUrl })

  let result
  try {
    result = writeDynamicDir(values.out, text)
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    process.stderr.write(`render-traefik: cannot write into ${values.out}: ${e.code ?? e.message}\n`)
    return 1
  }
  const hosts = [...config.domains.keys()].sort()
  const publicHost = new URL(env.publicUrl).hostname
  process.stdout.write(`${result.changed ? 'wrote' : 'unchanged'} ${result.file}: ${hosts.length} domain(s) ` +
    `(${hosts.join(', ')}) behind forward-auth at ${config.traefik.hallUrl}/forward-auth, and Hall's own host ${publicHost}` +
    (projects.length === 0 ? '\n' : `; ${projects.length} client project(s) from ${env.dbFile} (${projects.map(p => p.host).join(', ')})\n`))
  return 0
}

/** The client projects in Hall's database (HALL_DB), each with its router; none before Hall has made one. */
function projectsIn (dbFile: string): readonly ProjectSpec[] {
  if (!existsSync(dbFile)) return []
  const db = openStore(dbFile)
  try {
    return createProjects(db).all()
  } finally {
    db.close()
  }
}
