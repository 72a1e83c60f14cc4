import { runControl } from './control-command.js'

/** `hall wake SERVER`: POST /api/wol/SERVER with the API key. */
export async function wakeCommand (args: string[]): Promise<number> {
  return await runControl('wake', args)
}
