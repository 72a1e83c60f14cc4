import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

/** One run of the stand-in: its arguments and everything it read on stdin. */
export interface PodmanCall {
  readonly args: string[]
  readonly stdin: string
}

/** How the stand-in's next runs end, until changed; the defaults: exit 0, no output, no hang. */
export interface PodmanBehaviour {
  exitCode?: number
  stdout?: string
  stderr?: string
  /** Sleep this long after recording, before exiting: a podman that hangs. */
  hangSeconds?: number
}

export interface PodmanStandIn {
  /** Holds the `podman` executable: put it first on the PATH (startSshd({ pathFirst })). */
  readonly dir: string
  behave (behaviour: PodmanBehaviour): Promise<void>
  /** Every completed recording, oldest first. */
  calls (): Promise<PodmanCall[]>
  /** Forgets the calls and the behaviour. */
  reset (): Promise<void>
  remove (): Promise<void>
}

const shellQuote = (text: string): string => `'${text.replace(/'/g, "'\\''")}'`

/**
 * A recording `podman`: each call writes its arguments (NUL-separated) and its stdin into a
 * staging dir that is renamed into calls/<n> once stdin has ended, so a reader never sees half
 * a call. It then prints the configured stdout and stderr, sleeps if told, and exits as told.
 */
function script (dir: string): string {
  return `#!/bin/sh
dir=${shellQuote(dir)}
n=$(( $(cat "$dir/count" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$dir/count"
staging="$dir/staging-$n"
mkdir "$staging"
printf '%s\\0' "$@" > "$staging/args"
cat > "$staging/stdin"
mv "$staging" "$dir/calls/$n"
[ -f "$dir/stdout" ] && cat "$dir/stdout"
[ -f "$dir/stderr" ] && cat "$dir/stderr" >&2
[ -f "$dir/hang-seconds" ] && sleep "$(cat "$dir/hang-seconds")"
exit "$(cat "$dir/exit-code" 2>/dev/null || echo 0)"
`
}

const BEHAVIOUR_FILES = ['exit-code', 'stdout', 'stderr', 'hang-seconds', 'count']

export async function createPodmanStandIn (): Promise<PodmanStandIn> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hall-podman-'))
  const callsDir = path.join(dir, 'calls')
  await mkdir(callsDir)
  const executable = path.join(dir, 'podman')
  await writeFile(executable, script(dir))
  await chmod(executable, 0o755)

  const setFile = async (name: string, value: string | number | undefined): Promise<void> => {
    const file = path.join(dir, name)
    if (value === undefined) await rm(file, { force: true })
    else await writeFile(file, String(value))
  }

  return {
    dir,
    async behave (b) {
      await setFile('exit-code', b.exitCode)
      await setFile('stdout', b.stdout)
      await setFile('stderr', b.stderr)
      await setFile('hang-seconds', b.hangSeconds)
    },
    async calls () {
      const names = (await readdir(callsDir)).sort((a, b) => Number(a) - Number(b))
      return await Promise.all(names.map(async name => {
        const args = await readFile(path.join(callsDir, name, 'args'), 'utf8')
        const stdin = await readFile(path.join(callsDir, name, 'stdin'), 'utf8')
        return { args: args.split('\0').slice(0, -1), stdin }
      }))
    },
    async reset () {
      await Promise.all(BEHAVIOUR_FILES.map(async name => await setFile(name, undefined)))
      // a call cut off while reading stdin leaves its staging dir, whose number the next count reuses
      const staged = (await readdir(dir)).filter(name => name.startsWith('staging-'))
      await Promise.all(staged.map(async name => await rm(path.join(dir, name), { recursive: true, force: true })))
      await rm(callsDir, { recursive: true, force: true })
      await mkdir(callsDir)
    },
    remove: async () => await rm(dir, { recursive: true, force: true })
  }
}
