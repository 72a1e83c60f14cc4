import type { Phase } from '../lifecycle/states.js'
import type { Activity } from './status-view.js'

/** The languages Hall's pages speak; the first is the default. */
export const languages = ['en', 'fr'] as const
export type Lang = typeof languages[number]

// Bounds the work a hostile header can cause: real browsers send a handful of entries.
const MAX_HEADER_LENGTH = 1000
const MAX_ENTRIES = 32

/**
 * Picks a language from an Accept-Language header (RFC 9110 §12.5.4): the supported language
 * with the highest q-value, the earlier entry on a tie; `fr-CA` matches `fr`, `*` the default;
 * `q=0` refuses. Nothing acceptable (or no header) means English.
 */
export function negotiateLanguage (header: string | undefined): Lang {
  if (header === undefined) return 'en'
  const entries = header.slice(0, MAX_HEADER_LENGTH).split(',').slice(0, MAX_ENTRIES).map(entry => {
    const [range = '', ...params] = entry.split(';').map(p => p.trim())
    return { range: range.toLowerCase(), q: qualityOf(params) }
  })
  const named = new Set(entries.map(e => primaryOf(e.range)))
  let best: { lang: Lang, q: number } | null = null
  for (const { range, q } of entries) {
    // `*` stands for every language the header does not name
    const lang = range === '*' ? languages.find(l => !named.has(l)) : languages.find(l => l === primaryOf(range))
    if (lang === undefined || q === null || q <= 0) continue
    if (best === null || q > best.q) best = { lang, q }
  }
  return best?.lang ?? 'en'
}

function primaryOf (range: string): string {
  return range.split('-')[0] ?? ''
}

// q defaults to 1; a malformed q makes the entry unusable rather than preferred
function qualityOf (params: string[]): number | null {
  const q = params.find(p => /^q\s*=/i.test(p))
  if (q === undefined) return 1
  const value = q.slice(q.indexOf('=') + 1).trim()
  return /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value) ? Number(value) : null
}

/** Every string of the home, waiting and not-found pages. `{name}` placeholders are filled after escaping. */
export interface Messages {
  title: string // {domain}
  heading: string // {domain}
  activity: Record<Activity, string>
  failed: string
  failureDefault: string
  errorCode: string
  retry: string
  usuallyReady: string // {approx}
  noHistory: string
  waitingFor: string // {elapsed}
  slower: string
  continueTo: string // {domain}
  noscript: string
  notFoundTitle: string
  notFoundHeading: string
  notFoundText: string // {domain}
  notFoundHint: string
  notFoundLink: string
  homeTitle: string
  homeHeading: string
  homeIntro: string
  homeEmpty: string
  /** Read before a service's badge by screen readers only; ends with its own separator. */
  stateLabel: string
  badge: Record<Phase, string>
}

export const messages: Readonly<Record<Lang, Messages>> = {
  en: {
    title: 'Waking {domain} — Hall',
    heading: 'Opening {domain}',
    activity: {
      checking: 'Checking the server’s state',
      asleep: 'The server is asleep; a wake has been requested',
      waking: 'Waking the server: Wake-on-LAN sent, no answer yet',
      booting: 'The server is booting: it answers, its services are not up yet',
      'starting-app': 'The server is up; its application is starting',
      'shutting-down': 'The server is finishing its shutdown; it will start again right after',
      ready: 'Ready — taking you there'
    },
    failed: 'The server did not wake up',
    failureDefault: 'The wake did not complete.',
    errorCode: 'Error code:',
    retry: 'Try again',
    usuallyReady: 'Usually ready in {approx}',
    noHistory: 'No boot history yet for this server.',
    waitingFor: 'Waiting for {elapsed}',
    slower: ' — taking longer than usual',
    continueTo: 'Continue to {domain}',
    noscript: 'This page reloads itself every few seconds.',
    notFoundTitle: 'Not found — Hall',
    notFoundHeading: 'Not found',
    notFoundText: 'Hall does not serve {domain}.',
    notFoundHint: 'Check the address, or ask whoever runs this gateway to add the domain.',
    notFoundLink: 'See the services Hall fronts',
    homeTitle: 'Hall',
    homeHeading: 'Services',
    homeIntro: 'Sleeping servers wake up when you open them; the first visit can take a minute.',
    homeEmpty: 'Hall does not front any service yet.',
    stateLabel: 'State: ',
    badge: {
      UNKNOWN: 'Checking',
      OFFLINE: 'Asleep',
      WAKING: 'Waking',
      BOOTING: 'Starting',
      RUNNING: 'Running',
      IDLE: 'Idle',
      SHUTDOWN: 'Shutting down'
    }
  },
  fr: {
    title: 'Réveil de {domain} — Hall',
    heading: 'Ouverture de {domain}',
    activity: {
      checking: 'Vérification de l’état du serveur',
      asleep: 'Le serveur est en veille ; son réveil a été demandé',
      waking: 'Réveil du serveur : Wake-on-LAN envoyé, pas encore de réponse',
      booting: 'Le serveur démarre : il répond, ses services ne sont pas encore prêts',
      'starting-app': 'Le serveur est allumé ; son application démarre',
      'shutting-down': 'Le serveur termine son arrêt ; il redémarrera juste après',
      ready: 'Prêt — redirection en cours'
    },
    failed: 'Le serveur ne s’est pas réveillé',
    failureDefault: 'Le réveil n’a pas abouti.',
    errorCode: 'Code d’erreur :',
    retry: 'Réessayer',
    usuallyReady: 'Prêt en {approx} d’habitude',
    noHistory: 'Pas encore d’historique de démarrage pour ce serveur.',
    waitingFor: 'En attente depuis {elapsed}',
    slower: ' — plus long que d’habitude',
    continueTo: 'Continuer vers {domain}',
    noscript: 'Cette page se recharge d’elle-même toutes les quelques secondes.',
    notFoundTitle: 'Introuvable — Hall',
    notFoundHeading: 'Introuvable',
    notFoundText: 'Hall ne sert pas {domain}.',
    notFoundHint: 'Vérifiez l’adresse, ou demandez à la personne qui gère cette passerelle d’ajouter le domaine.',
    notFoundLink: 'Voir les services que Hall dessert',
    homeTitle: 'Hall',
    homeHeading: 'Services',
    homeIntro: 'Les serveurs en veille se réveillent quand vous les ouvrez ; la première visite peut prendre une minute.',
    homeEmpty: 'Hall ne dessert encore aucun service.',
    stateLabel: 'État : ',
    badge: {
      UNKNOWN: 'Vérification',
      OFFLINE: 'En veille',
      WAKING: 'Réveil',
      BOOTING: 'Démarrage',
      RUNNING: 'En marche',
      IDLE: 'Inactif',
      SHUTDOWN: 'Arrêt en cours'
    }
  }
}

// Shared with the browser script, which fills the same templates: values must already be safe
// for where the result goes.
export { fill } from './public/waiting-display.js'

// The admin pages' strings, in the same two languages: one table per language beside their views.
export { adminMessages, type AdminMessages } from './admin/views/strings.js'
