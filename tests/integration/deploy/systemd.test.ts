import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SERVICE_NODE_FLAGS } from '../../../bench/hall-process.js'
import { missingTool } from '../../helpers/missing-tool.js'

// deploy/hall.service, the bare-metal unit, checked by systemd's own tools.

const root = new URL('../../../', import.meta.url)
const unitFile = fileURLToPath(new URL('deploy/hall.service', root))
const unit = readFileSync(unitFile, 'utf8')
const skip = spawnSync('systemd-analyze', ['--version'], { stdio: 'ignore' }).status !== 0 && missingTool('systemd-analyze')

/** Every value of `key` in the unit, in order (systemd allows a key more than once). */
function values (key: string): string[] {
  return unit.split('\n').filter(l => l.startsWith(`${key}=`)).map(l => l.slice(key.length + 1))
}

/** `systemd-analyze verify` on `text` saved as `name` in a temp dir; its whole output. */
function verify (t: { after: (fn: () => void) => void }, name: string, text: string): { status: number | null, output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hall-systemd-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, name), text)
  const run = spawnSync('systemd-analyze', ['verify', '--man=no', join(dir, name)], { encoding: 'utf8', cwd: dir })
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() }
}

test('systemd-analyze verify accepts deploy/hall.service, without a single warning', { skip }, (t) => {
  const run = verify(t, 'hall.service', unit)
  // an unknown or misspelt key is only a warning for systemd (exit 0): any output fails here
  assert.equal(run.output, '')
  assert.equal(run.status, 0)
})

test('verify is no rubber stamp: it refuses a program that does not exist, and warns of an unknown key', { skip }, (t) => {
  const missing = verify(t, 'hall.service', unit.replace('ExecStart=/usr/bin/env ', 'ExecStart=/nonexistent/env '))
  assert.notEqual(missing.status, 0)
  assert.match(missing.output, /\/nonexistent\/env/)
  assert.match(verify(t, 'hall.service', unit.replace('[Service]\n', '[Service]\nProtectSystm=strict\n')).output, /ProtectSystm/)
})

test('systemd-analyze verify accepts deploy/traefik/traefik.service, without a single warning', { skip }, (t) => {
  // Traefik is not installed here: ExecStart names an empty executable in its place, the only
  // line that differs from the shipped unit
  const dir = mkdtempSync(join(tmpdir(), 'hall-traefik-bin-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const program = join(dir, 'traefik')
  writeFileSync(program, '', { mode: 0o755 })
  const shipped = readFileSync(new URL('deploy/traefik/traefik.service', root), 'utf8')
  assert.match(shipped, /^ExecStart=\/usr\/local\/bin\/traefik --configFile=\/etc\/traefik\/traefik\.yml$/m)
  const run = verify(t, 'traefik.service', shipped.replace('ExecStart=/usr/local/bin/traefik ', `ExecStart=${program} `))
  assert.equal(run.output, '')
  assert.equal(run.status, 0)
})

/** ExecStart's words: `/usr/bin/env node`, node's own flags, then the script and its arguments. */
function execStart (): { env?: string, node?: string, nodeFlags: string[], script?: string, args: string[] } {
  const [exec] = values('ExecStart')
  assert.ok(exec !== undefined)
  const [env, node, ...rest] = exec.split(/\s+/)
  const firstNonFlag = rest.findIndex(word => !word.startsWith('-'))
  const nodeFlags = firstNonFlag === -1 ? rest : rest.slice(0, firstNonFlag)
  const [script, ...args] = firstNonFlag === -1 ? [] : rest.slice(firstNonFlag)
  return { env, node, nodeFlags, script, args }
}

test('ExecStart runs the CLI that `npm run build` produces, with `serve`', () => {
  const { env, node, script, args } = execStart()
  assert.deepEqual([env, node], ['/usr/bin/env', 'node'])
  assert.deepEqual(args, ['serve'])
  // the build compiles service/src (rootDir) into service/dist (outDir): cli.ts becomes cli.js
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> }
  assert.match(pkg.scripts.build ?? '', /tsc -p tsconfig\.build\.json/)
  const build = JSON.parse(readFileSync(new URL('tsconfig.build.json', root), 'utf8')) as { compilerOptions: { rootDir: string, outDir: string } }
  assert.ok(existsSync(new URL(`${build.compilerOptions.rootDir}/cli.ts`, root)))
  assert.equal(script, `/opt/hall/${build.compilerOptions.outDir}/cli.js`)
})

const pkg = (): { scripts: Record<string, string> } => JSON.parse(readFileSync(new URL('package.json', root), 'utf8'))

test('ExecStart gives node the memory flags, the same as the Dockerfile\'s ENTRYPOINT, and this node accepts them', () => {
  const { nodeFlags } = execStart()
  // a small young generation, no Maglev, a slowly grown old generation: the unit's comment says what each saves
  assert.deepEqual(nodeFlags, ['--max-semi-space-size=1', '--no-maglev', '--heap-growing-percent=30'])
  const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(readFileSync(new URL('Dockerfile', root), 'utf8'))
  assert.ok(entrypoint?.[1] !== undefined, 'the Dockerfile has a JSON-form ENTRYPOINT')
  assert.deepEqual(JSON.parse(entrypoint[1]), ['node', ...nodeFlags, 'service/dist/cli.js'])
  // npm start and the benchmark run Hall with them too, so what they measure is what is deployed
  assert.ok(pkg().scripts.start?.startsWith(`node ${nodeFlags.join(' ')} `), 'npm start')
  assert.deepEqual(SERVICE_NODE_FLAGS, nodeFlags)
  // node refuses to start on a flag it does not know (a V8 flag can go away in a new release)
  const run = spawnSync(process.execPath, [...nodeFlags, '-e', ''], { encoding: 'utf8' })
  assert.equal(run.stderr, '')
  assert.equal(run.status, 0)
})

test('the unit is hardened: own user, read-only system but for /var/lib/hall, no privileges, restart on failure', () => {
  const expected: Array<[string, string]> = [
    ['User', 'hall'],
    ['EnvironmentFile', '/etc/hall/hall.env'],
    ['ProtectSystem', 'strict'],
    ['ReadWritePaths', '/var/lib/hall'],
    ['ProtectHome', 'yes'],
    ['PrivateTmp', 'yes'],
    ['NoNewPrivileges', 'yes'],
    // a broadcast (SO_BROADCAST) and unprivileged ICMP need no capability at all
    ['CapabilityBoundingSet', ''],
    ['AmbientCapabilities', ''],
    ['Restart', 'on-failure']
  ]
  for (const [key, value] of expected) assert.deepEqual(values(key), [value], key)
})

test('systemd-analyze security rates the unit\'s exposure low', { skip }, () => {
  const run = spawnSync('systemd-analyze', ['security', '--offline=yes', unitFile], { encoding: 'utf8', cwd: tmpdir() })
  const level = /Overall exposure level for hall\.service: ([\d.]+)/.exec(run.stdout)
  assert.ok(level !== null, `${run.stdout}${run.stderr}`)
  // 0 is a locked-down service, 10 an unprotected one; 2 leaves room for the network Hall needs
  assert.ok(Number(level[1]) <= 2, `exposure ${level[1]}`)
})
