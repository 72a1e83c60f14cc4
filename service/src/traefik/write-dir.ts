import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'

/** The one file Hall owns in Traefik's watched directory; other files there are left alone. */
export const DYNAMIC_FILE_NAME = 'hall.yml'

export interface WriteResult {
  readonly file: string
  /** False when the file already held these bytes: nothing was written, Traefik sees no event. */
  readonly changed: boolean
}

/**
 * Writes `text` to DIR/hall.yml atomically: a temp file in the same directory, flushed, then
 * renamed over the old one, so Traefik's file watcher never reads half a file. The temp name ends
 * in `.tmp`, an extension the file provider ignores.
 */
export function writeDynamicDir (dir: string, text: string): WriteResult {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, DYNAMIC_FILE_NAME)
  if (readIfExists(file) === text) return { file, changed: false }
  const temp = join(dir, `.${DYNAMIC_FILE_NAME}.${process.pid}.tmp`)
  try {
    const fd = openSync(temp, 'w', 0o644)
    try {
      writeSync(fd, text)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temp, file)
  } catch (err) {
    rmSync(temp, { force: true })
    throw err
  }
  return { file, changed: true }
}

function readIfExists (file: string): string | null {
  try {
    return readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}
