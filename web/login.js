// login.js - the log-in form (POST /api/v1/session); shows the server's refusal and the
// wait after too many failed attempts.

import * as api from './api.js';
import { el, put } from './ui.js';

export function renderLogin(main, ctx, onLoggedIn) {
  const user = el('input', { id: 'login-user', name: 'user', autocomplete: 'username', required: true, maxlength: 63, autocapitalize: 'none', spellcheck: 'false' });
  const pass = el('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 1024 });
  const err = el('p', { class: 'form-error', id: 'login-error', role: 'alert' });
  const button = el('button', { type: 'submit', class: 'btn btn-primary btn-wide' }, 'Log in');
  const form = el('form', { class: 'form login-form', novalidate: true, 'aria-describedby': 'login-error' },
    el('div', { class: 'field' }, el('label', { for: 'login-user' }, 'User name'), user),
    el('div', { class: 'field' }, el('label', { for: 'login-password' }, 'Password'), pass),
    err, button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    if (!user.value.trim() || !pass.value) {
      err.textContent = 'Enter your user name and password.';
      (user.value.trim() ? pass : user).focus();
      return;
    }
    button.disabled = true;
    try {
      const s = await api.login(user.value.trim(), pass.value);
      pass.value = '';
      await onLoggedIn(s);
    } catch (e) {
      if (e.status === 429) err.textContent = `Too many failed log-ins. Try again in ${e.retryAfter || 'a few'} seconds.`;
      else err.textContent = e.message;
      pass.select();
      pass.focus();
    } finally {
      button.disabled = false;
    }
  });
  put(main, el('section', { class: 'login' },
    el('div', { class: 'login-card panel' },
      el('div', { class: 'login-brand' },
        el('svg', {}),
        el('h1', {}, 'protect'),
        el('p', { class: 'muted' }, 'The national registry of protected sites: soft targets and critical infrastructure.')),
      form,
      el('p', { class: 'small muted' }, 'Records carry Traffic Light Protocol labels; you see what your organisation and role are entitled to. Every read of a restricted record is logged.'))));
  // the placeholder svg above is replaced by the logo of the top bar
  const logo = document.querySelector('.topbar .logo');
  if (logo) form.parentElement.querySelector('.login-brand svg').replaceWith(logo.cloneNode(true));
  user.focus();
}
