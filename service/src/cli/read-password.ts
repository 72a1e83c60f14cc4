import { UsageError } from './usage-error.js'

/**
 * A password for `hall user add|passwd`: typed at the terminal without echo (raw mode, asked
 * twice), or, when stdin is not a terminal (`printf '%s\n' "$PW" | hall user add NAME`), its
 * first line. Never from the command line, where `ps` and the shell history would show it.
 */
export async function readNewPassword (input: NodeJS.ReadStream = process.stdin, prompt: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (input.isTTY !== true) return firstLine(await readAll(input))
  const password = await readHidden(input, prompt, 'New password (12 characters at least): ')
  const again = await readHidden(input, prompt, 'The same password again: ')
  if (password !== again) throw new UsageError('the two passwords differ: nothing was changed', false)
  return password
}

async function readAll (input: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of input) chunks.push(Buffer.from(chunk as Buffer))
  return Buffer.concat(chunks).toString('utf8')
}

function firstLine (text: string): string {
  const end = text.search(/\r?\n/)
  return end === -1 ? text : text.slice(0, end)
}

/** One line in raw mode: nothing is echoed; backspace edits, Enter ends, Ctrl-C or Ctrl-D gives up. */
async function readHidden (input: NodeJS.ReadStream, prompt: NodeJS.WriteStream, question: string): Promise<string> {
  // echo off before the question shows: what is typed (or pasted) the instant it appears stays hidden
  input.setRawMode(true)
  prompt.write(question)
  input.resume()
  input.setEncoding('utf8')
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = ''
      const onData = (chunk: string): void => {
        for (const c of chunk) {
          if (c === '\r' || c === '\n') { done(); resolve(typed); return }
          if (c === '\u0003' || (c === '\u0004' && typed === '')) { done(); reject(new UsageError('cancelled: nothing was changed', false)); return }
          if (c === '\u007f' || c === '\b') typed = [...typed].slice(0, -1).join('')
          else if (c >= ' ') typed += c
        }
      }
      const done = (): void => { input.off('data', onData); prompt.write('\n') }
      input.on('data', onData)
    })
  } finally {
    input.setRawMode(false)
    input.pause()
  }
}
