#!/usr/bin/env node
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { readEnv } from './config/env.js'
import { loadConfig } from './config/load.js'
import { UsageError } from './cli/usage-error.js'
import { HallError, isHallError } from './errors.js'
import { startService, type Service } from './main.js'

const USAGE = `Usage: hall <command> [options]

Commands:
  serve [--pretty]      run Hall (settings from the environment or .env: HALL_CONFIG, HALL_DB,
                        HALL_HOST, HALL_PORT, HALL_PUBLIC_URL, HALL_LOG_LEVEL, HALL_LOG_PRETTY,
                        HALL_TRUSTED_PROXIES, HALL_TRAEFIK_DIR, HALL_ADMIN_ALLOW,
                        HALL_SESSION_SECRET); SIGHUP re-reads HALL_CONFIG; logs are
                        readable on a terminal (or with --pretty), JSON lines otherwise
  demo                  run Hall with a simulated sleeping server on loopback, and a small
                        proxy playing Traefik's part on http://app.localhost:8081/
  validate [file]       check a domains.json (default: $HALL_CONFIG or ./domains.json)
  schema [--out file]   print (or write) the JSON Schema of domains.json
  render-traefik [--config file] [--out dir]
                        write Traefik's dynamic config (dir/hall.yml, default traefik-dynamic/)
                        from a domains.json (default: $HALL_CONFIG) and HALL_PUBLIC_URL
  status [--json]       servers, their states, since when, and their last wake
  wake SERVER           wake a server now (needs an API key: HALL_API_KEY or --key KEY)
  shutdown SERVER       shut a server down now (same key rules)
                        status, wake and shutdown talk to the running Hall: --url URL, else
                        HALL_URL, else http://HALL_HOST:HALL_PORT
  apikey create --name NAME [--servers a,b] [--actions wake,shutdown,projects]
                        make an API key (in HALL_DB), printed once; default: every server and action
  apikey list           keys with their scopes, creation and last use (never the key itself)
  apikey revoke NAME    refuse that key from now on
  user add NAME [--role admin|viewer|client] [--project P ...]
                        make an account (in HALL_DB); the password is asked for without
                        echo, or read from stdin's first line when stdin is not a terminal;
                        12 characters at least; default role: admin for the first account,
                        viewer after; a client logs in at HALL_PUBLIC_URL/login and reaches
                        the projects given with --project (repeat it for several)
  user passwd NAME      set a new password (asked for the same way); ends the account's sessions
  user list             accounts, roles, a client's projects, creation and last login (never a
                        password or its hash)
  user remove NAME      remove an account and end its sessions
  project add NAME --client C --host H --server S --port P [--container-port N]
          --image I --cpu N --memory MIB --disk GIB [--access public|members|certificate]
                        create a client project on a server with a capacity, and play its pod
  project list [--json] the projects, their status, allocation and access, and what is left
                        on each hosting server
  project edit NAME [--client C] [--host H] [--port P] [--container-port N] [--image I]
          [--cpu N] [--memory MIB] [--disk GIB] [--access A]
                        change a project; a new port, image or allocation plays its pod again
  project remove NAME [--force]
                        take its pod down and forget it (--force: forget it even if podman
                        kube down fails)
                        project talks to the running Hall like wake (an API key allowed
                        "projects"); add, edit and remove wait for the pod (--timeout SECONDS,
                        default 300; --no-wait to return at once) and exit 1 with podman's
                        reason when it failed
  energy [--period today|7d|30d] [--from ISO --to ISO] [--json]
                        energy used and saved, availability and waits per server (from
                        HALL_DB and HALL_CONFIG; HALL_ENERGY_PRICE, HALL_CURRENCY,
                        HALL_GATEWAY_WATTS); default: the last 7 days
  --help                this text
`

type Command = (args: string[]) => Promise<number>

/**
 * A command whose module is imported when it runs: `serve` then never loads the API client's
 * undici, the demo's proxy or the schema generator, which would stay in its memory for nothing.
 */
const lazy = (load: () => Promise<Command>): Command => async args => await (await load())(args)

const commands: Record<string, Command> = {
  async serve (args) {
    const { values } = parseArgs({ args, options: { pretty: { type: 'boolean', default: false } }, strict: true })
    const env = readEnv()
    // --pretty forces readable lines, whatever HALL_LOG_PRETTY says
    const service = await startService(values.pretty ? { ...env, logPretty: true } : env)
    stopOnSignal(service)
    return -1 // keep running
  },
  async demo (args) {
    const { values } = parseArgs({ args, options: { port: { type: 'string', default: '8080' } }, strict: true })
    const { runDemo } = await import('./demo/run-demo.js')
    await runDemo({ hallPort: Number(values.port) })
    return -1
  },
  async validate (args) {
    const { positionals } = parseArgs({ args, allowPositionals: true, options: {}, strict: true })
    if (positionals.length > 1) throw new UsageError('validate takes at most one file')
    const file = positionals[0] ?? readEnv().configFile
    const { config, warnings } = withConfigHint(positionals[0] === undefined, () => loadConfig(file))
    const servers = [...config.servers.values()].map(s => `${s.name} (${s.policy}, wake via ${s.wake.method})`)
    process.stdout.write(`${file} is valid: ${config.domains.size} domain(s), ${config.servers.size} server(s): ${servers.join(', ')}\n`)
    if (warnings.length > 0) process.stdout.write(`warnings:\n${warnings.map(w => `  ${w.path}: ${w.message}\n`).join('')}`)
    return 0
  },
  async schema (args) {
    const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true })
    const { renderDomainsJsonSchema } = await import('./config/json-schema.js')
    const text = renderDomainsJsonSchema()
    if (values.out === undefined) process.stdout.write(text)
    else writeFileSync(values.out, text)
    return 0
  },
  'render-traefik': lazy(async () => (await import('./cli/render-traefik.js')).renderTraefikCommand),
  status: lazy(async () => (await import('./cli/status.js')).statusCommand),
  wake: lazy(async () => (await import('./cli/wake.js')).wakeCommand),
  shutdown: lazy(async () => (await import('./cli/shutdown.js')).shutdownCommand),
  apikey: lazy(async () => (await import('./cli/apikey.js')).apikeyCommand),
  user: lazy(async () => (await import('./cli/user.js')).userCommand),
  project: lazy(async () => (await import('./cli/project.js')).projectCommand),
  energy: lazy(async () => (await import('./cli/energy.js')).energyCommand)
}

/** Without a file argument, a missing file is the one HALL_CONFIG names (or its default): say so. */
function withConfigHint<T> (fromEnv: boolean, load: () => T): T {
  try {
    return load()
  } catch (err) {
    if (!fromEnv || !isHallError(err, 'HALL_ERR_CONFIG_READ')) throw err
    throw new HallError(err.code, `${err.message} (the file HALL_CONFIG names, or its default: pass one, hall validate FILE, or set HALL_CONFIG)`, err.details, err)
  }
}

function stopOnSignal (service: Service): void {
  const stop = (signal: string): void => {
    service.log.info({ signal }, 'stopping')
    service.close().then(() => process.exit(0), () => process.exit(1))
  }
  process.once('SIGTERM', () => stop('SIGTERM'))
  process.once('SIGINT', () => stop('SIGINT'))
}

async function main (argv: string[]): Promise<number> {
  const [name, ...args] = argv
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE)
    return 0
  }
  const command = name === undefined ? undefined : commands[name]
  if (command === undefined) {
    process.stderr.write(`${name === undefined ? 'missing command' : `unknown command "${name}"`}\n\n${USAGE}`)
    return 2
  }
  try {
    return await command(args)
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      const usage = err instanceof UsageError && !err.showUsage ? '' : `\n${USAGE}`
      process.stderr.write(`${(err as Error).message}\n${usage}`)
      return 2
    }
    if (isHallError(err)) {
      process.stderr.write(`${err.code}: ${err.message}\n`)
      return 1
    }
    throw err
  }
}

const code = await main(process.argv.slice(2))
if (code >= 0) process.exitCode = code
