import { watch, type FSWatcher } from 'node:fs'
import { basename, dirname } from 'node:path'

/** Editors save in bursts (truncate, write, rename): one reload after the burst settles. */
export const WATCH_SETTLE_MS = 300

export interface ConfigWatcher { close (): void }

/**
 * Calls `onChange` after `file` changes. The directory is watched, not the file: editors and
 * `mv` replace the file with a new inode, which a watch on the old one would never report.
 */
export function watchConfigFile (file: string, onChange: () => void): ConfigWatcher {
  const name = basename(file)
  let timer: NodeJS.Timeout | null = null
  let watcher: FSWatcher | null = watch(dirname(file), { persistent: false }, (_event, changed) => {
    // some platforms do not say which file changed: then any change in the directory counts
    if (changed !== null && changed !== name) return
    if (timer !== null) clearTimeout(timer)
    timer = setTimeout(() => { timer = null; onChange() }, WATCH_SETTLE_MS)
  })
  return {
    close () {
      if (timer !== null) clearTimeout(timer)
      watcher?.close()
      watcher = null
    }
  }
}
