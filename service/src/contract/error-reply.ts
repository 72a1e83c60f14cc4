import { z } from 'zod'

/** Every 4xx and 5xx JSON answer: a HALL_ERR_ code (errors.ts) and a message for a person. */
export const errorReplySchema = z.object({
  error: z.string(),
  message: z.string()
})

export type ErrorReply = z.infer<typeof errorReplySchema>
