import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test from 'node:test'
import { fileURLToPath } from 'node:url'

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))

function hall (...args: string[]): { status: number | null, stdout: string, stderr: string } {
  return hallIn(REPO_ROOT, ...args)
}

function hallIn (cwd: string, ...args: string[]): { status: number | null, stdout: string, stderr: string } {
  // HALL_CONFIG unset so `validate` without a file cannot pick up a developer's own config
  const env = { ...process.env }
  delete env.HALL_CONFIG
  const result = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(REPO_ROOT, 'service/src/cli.ts'), ...args], {
    cwd, encoding: 'utf8', env, timeout: 30_000
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

test('hall validate: the flat fixture is valid, with a one-line summary', () => {
  const r = hall('validate', 'tests/fixtures/config/flat.json')
  assert.equal(r.stderr, '')
  assert.equal(r.status, 0)
  assert.equal(r.stdout, 'tests/fixtures/config/flat.json is valid: 1 domain(s), 1 server(s): testing.audit-io.fr (on_demand, wake via udp)\n')
})

test('hall validate: the full fixture (DESIGN.md\'s example) is valid, with a summary and its two warnings', () => {
  const r = hall('validate', 'tests/fixtures/config/full.json')
  assert.equal(r.stderr, '')
  assert.equal(r.status, 0)
  assert.equal(r.stdout, [
    'tests/fixtures/config/full.json is valid: 2 domain(s), 2 server(s): testing (on_demand, wake via ssh), erp (scheduled, wake via udp)',
    'warnings:',
    '  servers.testing.schedule: ignored: the policy is "on_demand"; set "policy": "scheduled" to use it, or remove it',
    '  servers.erp.policy: "scheduled" without a "schedule": the server behaves as on_demand; add a schedule with a timezone and windows, or say "on_demand"',
    ''
  ].join('\n'))
})

test('hall validate: the deployment example is valid without warnings', () => {
  const r = hall('validate', 'deploy/domains.example.json')
  assert.deepEqual([r.status, r.stderr], [0, ''])
  assert.doesNotMatch(r.stdout, /warning/)
})

test('hall validate without a file: a missing default names HALL_CONFIG', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hall-cli-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const r = hall('validate', '--', join(dir, 'x')) // a named file: no hint
  assert.doesNotMatch(r.stderr, /HALL_CONFIG/)
  const cwd = hallIn(dir, 'validate')
  assert.equal(cwd.status, 1)
  assert.match(cwd.stderr, /^HALL_ERR_CONFIG_READ: cannot read domains.json: ENOENT \(the file HALL_CONFIG names, or its default: pass one, hall validate FILE, or set HALL_CONFIG\)\n$/)
})

test('hall validate: a broken file exits 1 with every problem line on stderr', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hall-cli-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'domains.json')
  writeFileSync(file, JSON.stringify({
    servers: { erp: { ip: '192.168.1.300', mac: 'AA:BB:CC:DD:EE:FF', polcy: 'on_demand' } },
    domains: { 'erp.audit-io.fr': { server: 'erp', upstream: 'https://192.168.1.30' } }
  }))
  const r = hall('validate', file)
  assert.equal(r.status, 1)
  assert.equal(r.stdout, '')
  assert.equal(r.stderr, [
    `HALL_ERR_CONFIG_INVALID: invalid ${file}:`,
    '  servers.erp.ip: expected an IPv4 address such as 192.168.1.20, got "192.168.1.300"',
    '  servers.erp.polcy: unknown key (did you mean "policy"?)',
    ''
  ].join('\n'))
})

test('hall validate: a missing file exits 1 naming the file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hall-cli-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'missing.json')
  const r = hall('validate', file)
  assert.equal(r.status, 1)
  assert.equal(r.stderr, `HALL_ERR_CONFIG_READ: cannot read ${file}: ENOENT\n`)
})

test('hall --help: exit 0 with the usage on stdout', () => {
  const r = hall('--help')
  assert.equal(r.status, 0)
  assert.match(r.stdout, /^Usage: hall <command> \[options\]/)
  assert.match(r.stdout, /validate \[file\]/)
  assert.equal(r.stderr, '')
})

test('hall bogus: exit 2, names the command, usage on stderr', () => {
  const r = hall('bogus')
  assert.equal(r.status, 2)
  assert.equal(r.stdout, '')
  assert.match(r.stderr, /^unknown command "bogus"\n\nUsage: hall <command>/)
})

test('hall with no command: exit 2 with usage', () => {
  const r = hall()
  assert.equal(r.status, 2)
  assert.match(r.stderr, /^missing command\n\nUsage: hall <command>/)
})

test('hall validate a b: exit 2, at most one file', () => {
  const r = hall('validate', 'a', 'b')
  assert.equal(r.status, 2)
  assert.equal(r.stdout, '')
  assert.match(r.stderr, /^validate takes at most one file\n\nUsage: hall <command>/)
})

test('hall validate --bogus: exit 2 with usage', () => {
  const r = hall('validate', '--bogus', 'tests/fixtures/config/flat.json')
  assert.equal(r.status, 2)
  assert.match(r.stderr, /Unknown option '--bogus'[\s\S]*Usage: hall <command>/)
})
