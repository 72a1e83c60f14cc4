import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { loadConfigFile } from '../../../service/src/config/load.js'
import { renderTraefik } from '../../../service/src/traefik/render.js'
import { writeDynamicDir } from '../../../service/src/traefik/write-dir.js'
import { toTraefikYaml } from '../../../service/src/traefik/yaml.js'

const root = new URL('../../../', import.meta.url)

function tempDir (t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'hall-traefik-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

test('the committed deploy/traefik/hall.example.yml is exactly what render-traefik makes of deploy/domains.example.json', () => {
  const config = loadConfigFile(new URL('deploy/domains.example.json', root).pathname)
  const source = { configFile: 'deploy/domains.example.json', publicUrl: 'https://hall.example.com' }
  const expected = toTraefikYaml(renderTraefik(config, source.publicUrl), source)
  const committed = readFileSync(new URL('deploy/traefik/hall.example.yml', root), 'utf8')
  assert.equal(committed, expected,
    'regenerate: HALL_PUBLIC_URL=https://hall.example.com npm run hall -- render-traefik --config deploy/domains.example.json --out /tmp/hall-example && cp /tmp/hall-example/hall.yml deploy/traefik/hall.example.yml')
})

test('writes hall.yml into a new directory, replaces it on change, leaves other files and no temp file', (t) => {
  const dir = join(tempDir(t), 'nested', 'dynamic')
  const first = writeDynamicDir(dir, 'http: {}\n')
  assert.deepEqual(first, { file: join(dir, 'hall.yml'), changed: true })
  writeFileSync(join(dir, 'dashboard.yml'), 'mine\n')
  const second = writeDynamicDir(dir, 'http:\n  routers: {}\n')
  assert.equal(second.changed, true)
  assert.equal(readFileSync(second.file, 'utf8'), 'http:\n  routers: {}\n')
  assert.equal(readFileSync(join(dir, 'dashboard.yml'), 'utf8'), 'mine\n')
  assert.deepEqual(readdirSync(dir).sort(), ['dashboard.yml', 'hall.yml'])
  assert.equal(statSync(second.file).mode & 0o777, 0o644)
})

test('the same text again is not rewritten, so Traefik\'s watcher sees no event', (t) => {
  const dir = tempDir(t)
  const { file } = writeDynamicDir(dir, 'http: {}\n')
  const before = statSync(file)
  assert.equal(writeDynamicDir(dir, 'http: {}\n').changed, false)
  assert.equal(statSync(file).ino, before.ino, 'same inode: not replaced')
})

test('the file is swapped by rename, never written in place: a reader holding the old one keeps it whole', (t) => {
  const dir = tempDir(t)
  const { file } = writeDynamicDir(dir, 'old: 1\n')
  const oldInode = statSync(file).ino
  writeDynamicDir(dir, 'new: 2\n')
  assert.notEqual(statSync(file).ino, oldInode)
})

test('a hall.yml that is not a file is an error, and nothing is left behind', (t) => {
  const dir = tempDir(t)
  mkdirSync(join(dir, 'hall.yml', 'x'), { recursive: true })
  assert.throws(() => writeDynamicDir(dir, 'new: 2\n'), { code: 'EISDIR' })
  assert.deepEqual(readdirSync(dir), ['hall.yml'])
  assert.ok(statSync(join(dir, 'hall.yml')).isDirectory())
})
