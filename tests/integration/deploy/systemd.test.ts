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

const SHIPPED_NODE = '/usr/bin/node'

/** Every value of `key` in the unit, in order (systemd allows a key more than once). */
function values (key: string): string[] {
  return unit.split('\n').filter(l => l.startsWith(`${key}=`)).map(l => l.slice(key.length + 1))
}

test('systemd-analyze verify accepts deploy/hall.service, without a single warning', { skip }, (t) => {
  // verify also checks that ExecStart's program exists. Where node is not at the shipped
  // /usr/bin/node, a copy whose ExecStart names this machine's node is verified instead:
  // that one path is the only difference, so every other line is still checked as shipped.
  let file = unitFile
  if (!existsSync(SHIPPED_NODE)) {
    const dir = mkdtempSync(join(tmpdir(), 'hall-systemd-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    file = join(dir, 'hall.service')
    writeFileSync(file, unit.replace(`ExecStart=${SHIPPED_NODE} `, `ExecStart=${process.execPath} `))
  }
  const run = spawnSync('systemd-analyze', ['verify', '--man=no', file], { encoding: 'utf8', cwd: tmpdir() })
  // an unknown or misspelt key is only a warning for systemd (exit 0): any output fails here
  assert.equal(`${run.stdout}${run.stderr}`.trim(), '')
  assert.equal(run.status, 0)
})

test('the copy-and-verify fallback would catch a program that does not exist', { skip }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hall-systemd-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'hall.service')
  writeFileSync(file, unit.replace(`ExecStart=${SHIPPED_NODE} `, `ExecStart=${join(dir, 'no-such-node')} `))
  const run = spawnSync('systemd-analyze', ['verify', '--man=no', file], { encoding: 'utf8', cwd: tmpdir() })
  assert.notEqual(run.status, 0)
  assert.match(run.stderr, /no-such-node/)
})

test('ExecStart runs the CLI that `npm run build` produces, with `serve`', () => {
  const [exec] = values('ExecStart')
  assert.ok(exec !== undefined)
  const [node, script, command, ...rest] = exec.split(/\s+/)
  assert.equal(node, SHIPPED_NODE)
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
