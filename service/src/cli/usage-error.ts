/** A bad command line: the CLI prints the message and, unless it is one line of advice, the usage; exits 2. */
export class UsageError extends Error {
  constructor (message: string, readonly showUsage = true) {
    super(message)
  }
}
