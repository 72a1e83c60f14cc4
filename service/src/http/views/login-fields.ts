import { escapeHtml } from './escape.js'

export interface LoginFieldLabels { readonly name: string, readonly password: string, readonly submit: string }

/**
 * The name and password fields and the submit button, as the admin's and the portal's login
 * forms share them: password managers see the same autocomplete hints on both, and the field a
 * person has yet to fill takes the focus.
 */
export function loginFields (name: string, t: LoginFieldLabels): string {
  return `<p><label for="hall-name">${escapeHtml(t.name)}</label><br>
<input id="hall-name" name="name" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="64" value="${escapeHtml(name)}"${name === '' ? ' autofocus' : ''}></p>
<p><label for="hall-password">${escapeHtml(t.password)}</label><br>
<input id="hall-password" name="password" type="password" autocomplete="current-password" required maxlength="1024"${name === '' ? '' : ' autofocus'}></p>
<p><button class="button" type="submit">${escapeHtml(t.submit)}</button></p>`
}
