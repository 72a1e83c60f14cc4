import { runControl } from './control-command.js'

/** `hall shutdown SERVER`: POST /api/shutdown/SERVER with the API key. */
export async function shutdownCommand (args: string[]): Promise<number> {
  return await runControl('shutdown', args)
}
