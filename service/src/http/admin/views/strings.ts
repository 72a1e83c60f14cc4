import type { Lang } from '../../i18n.js'
import { en, type AdminMessages } from './strings-en.js'
import { fr } from './strings-fr.js'

export type { AdminMessages } from './strings-en.js'

/** The admin pages' strings, by language; the public pages' own are in http/i18n.ts. */
export const adminMessages: Readonly<Record<Lang, AdminMessages>> = { en, fr }
