import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
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

test('ExecStart runs the CLI that `npm run build` produces, with `serve`', () => {
  const [exec] = values('ExecStart')
  assert.ok(exec !== undefined)
  const [env, node, script, command, ...rest] = exec.split(/\s+/)
  assert.deepEqual([env, node], ['/usr/bin/env', 'node'])
  assert.equal(command, 'serve')
  assert.deepEqual(rest, [])
  // the build compiles service/src (rootDir) into service/dist (outDir): cli.ts becomes cli.js
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> }
  assert.match(pkg.scripts.build ?? '', /tsc -p tsconfig\.build\.json/)
  const build = JSON.parse(readFileSync(new URL('tsconfig.build.json', root), 'utf8')) as { compilerOptions: { rootDir: string, outDir: string } }
  assert.ok(existsSync(new URL(`${build.compilerOptions.rootDir}/cli.ts`, root)))
  assert.equal(script, `/opt/hall/${build.compilerOptions.outDir}/cli.js`)
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
