/** Ends every exhaustive `switch`: adding a case to a union without handling it fails to compile. */
export function assertNever (value: never): never {
  throw new Error(`unhandled case ${JSON.stringify(value)}`)
}
