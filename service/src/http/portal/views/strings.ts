import type { WakeTicket } from '../../../lifecycle/fleet.js'
import type { ProjectStatus } from '../../../projects/types.js'
import type { Lang } from '../../i18n.js'

/** Every string of the portal's pages. `{name}` placeholders are filled after escaping. */
export interface PortalMessages {
  loginTitle: string
  loginHeading: string
  loginIntro: string
  name: string
  password: string
  submit: string
  failed: string
  locked: string // {minutes}
  noAccess: string
  refusedTitle: string
  refusedHeading: string
  refused: string // {account} {project}
  refusedHint: string
  switchAccount: string
  seeProjects: string
  projectsTitle: string
  projectsHeading: string
  allProjectsHeading: string
  signedInAs: string // {account}
  logout: string
  empty: string
  client: string
  status: string
  server: string
  address: string
  wake: string // {project}
  projectStatus: Record<ProjectStatus, string>
  woke: Record<WakeTicket['outcome'], string> // {project}
}

export const portalMessages: Readonly<Record<Lang, PortalMessages>> = {
  en: {
    loginTitle: 'Hall · sign in',
    loginHeading: 'Sign in to your projects',
    loginIntro: 'Use the account you were given for your projects.',
    name: 'Account',
    password: 'Password',
    submit: 'Sign in',
    failed: 'Wrong account name or password.',
    locked: 'Too many failed sign-ins. Try again in {minutes} min.',
    noAccess: 'This account has no access to projects.',
    refusedTitle: 'Hall · not for this account',
    refusedHeading: 'This account may not open this project',
    refused: 'You are signed in as {account}, and {account} may not open the project {project}.',
    refusedHint: 'If you have another account for it, sign out and sign in with that one.',
    switchAccount: 'Sign out and sign in as someone else',
    seeProjects: 'See your projects',
    projectsTitle: 'Hall · your projects',
    projectsHeading: 'Your projects',
    allProjectsHeading: 'All projects',
    signedInAs: 'Signed in as {account}',
    logout: 'Sign out',
    empty: 'No project yet.',
    client: 'Client',
    status: 'Project',
    server: 'Server',
    address: 'Address',
    wake: 'Wake the server of {project}',
    projectStatus: { ready: 'Ready', provisioning: 'Being set up', error: 'Error', removing: 'Being removed' },
    woke: {
      started: 'The server of {project} is waking up: it is usually ready in a minute or two.',
      'in-flight': 'The server of {project} is already waking up.',
      'already-up': 'The server of {project} is already up.',
      refused: 'The server of {project} cannot be woken right now: try again in a few minutes.'
    }
  },
  fr: {
    loginTitle: 'Hall · connexion',
    loginHeading: 'Connexion à vos projets',
    loginIntro: 'Utilisez le compte qui vous a été remis pour vos projets.',
    name: 'Compte',
    password: 'Mot de passe',
    submit: 'Se connecter',
    failed: 'Nom de compte ou mot de passe incorrect.',
    locked: 'Trop d’échecs de connexion. Réessayez dans {minutes} min.',
    noAccess: 'Ce compte n’a accès à aucun projet.',
    refusedTitle: 'Hall · pas pour ce compte',
    refusedHeading: 'Ce compte ne peut pas ouvrir ce projet',
    refused: 'Vous êtes connecté en tant que {account}, et {account} ne peut pas ouvrir le projet {project}.',
    refusedHint: 'Si vous avez un autre compte pour ce projet, déconnectez-vous et connectez-vous avec celui-là.',
    switchAccount: 'Se déconnecter et changer de compte',
    seeProjects: 'Voir vos projets',
    projectsTitle: 'Hall · vos projets',
    projectsHeading: 'Vos projets',
    allProjectsHeading: 'Tous les projets',
    signedInAs: 'Connecté en tant que {account}',
    logout: 'Se déconnecter',
    empty: 'Aucun projet pour l’instant.',
    client: 'Client',
    status: 'Projet',
    server: 'Serveur',
    address: 'Adresse',
    wake: 'Réveiller le serveur de {project}',
    projectStatus: { ready: 'Prêt', provisioning: 'En préparation', error: 'En erreur', removing: 'En suppression' },
    woke: {
      started: 'Le serveur de {project} se réveille : il est prêt en une minute ou deux d’habitude.',
      'in-flight': 'Le serveur de {project} est déjà en train de se réveiller.',
      'already-up': 'Le serveur de {project} est déjà allumé.',
      refused: 'Le serveur de {project} ne peut pas être réveillé pour l’instant : réessayez dans quelques minutes.'
    }
  }
}
