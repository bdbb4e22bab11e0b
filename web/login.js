// login.js - the log-in form (POST /api/v1/session); shows the server's refusal and the
// wait after too many failed attempts; the second factor's step (a code, or enrolment with a
// QR code and recovery codes), whose parts the account view reuses.

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
      const step = await api.loginStep(user.value.trim(), pass.value);
      pass.value = '';
      if (step.pending) secondStep(form, step.pending, onLoggedIn);
      else await onLoggedIn(step.session);
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

/* ---- the second factor (issue 10) ---- */

/** The QR code of an enrolment (SVG from the server, parsed as SVG, never as HTML) and its secret. */
export function enrolmentView(e) {
  const doc = new DOMParser().parseFromString(e.qr_svg || '', 'image/svg+xml');
  const svg = doc.documentElement && doc.documentElement.nodeName === 'svg' ? document.importNode(doc.documentElement, true) : null;
  if (svg) {
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', 'QR code for your authenticator app');
    svg.setAttribute('class', 'qr');
    svg.dataset.testid = 'qr';
  }
  return el('div', { class: 'enrolment' },
    el('p', {}, 'Scan this code with an authenticator app (such as FreeOTP or Aegis), then type the 6-digit code it shows.'),
    svg,
    el('p', { class: 'small muted' }, 'Cannot scan? Enter this key by hand: ',
      el('code', { class: 'secret', dataset: { testid: 'totp-secret' } }, e.secret || '')));
}

/** The recovery codes, shown once: one a line with its number, a Copy button, a text download,
    and a button to go on. */
export function recoveryView(codes, onDone, label = 'I have saved these codes') {
  const list = codes || [];
  const text = list.map((c, i) => `${String(i + 1).padStart(2, ' ')}. ${c}`).join('\n') + '\n';
  const done = el('button', { type: 'button', class: 'btn btn-primary btn-wide' }, label);
  done.addEventListener('click', () => onDone());
  const said = el('span', { class: 'small muted', role: 'status', dataset: { testid: 'recovery-copied' } });
  const copy = el('button', { type: 'button', class: 'btn', dataset: { testid: 'recovery-copy' } }, 'Copy');
  copy.addEventListener('click', async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      said.textContent = 'Copied.';
    } catch (e) {
      said.textContent = 'Copying is not allowed here: download them instead.';
    }
  });
  const download = el('a', {
    class: 'btn', download: 'protect-recovery-codes.txt', dataset: { testid: 'recovery-download' },
    href: URL.createObjectURL(new Blob([text], { type: 'text/plain' })),
  }, 'Download as text');
  return el('div', { class: 'recovery', role: 'region', 'aria-labelledby': 'recovery-title' },
    el('h2', { id: 'recovery-title' }, 'Recovery codes'),
    el('p', {}, 'Each code logs you in once if you lose your phone. Keep them somewhere safe: they are not shown again.'),
    // numbers written out (not list markers), one code a line: nothing can run into its neighbour
    el('ol', { class: 'recovery-codes', dataset: { testid: 'recovery-codes' } },
      list.map((c, i) => el('li', {}, el('span', { class: 'recovery-n', 'aria-hidden': 'true' }, `${i + 1}.`),
        el('code', { class: 'recovery-code' }, c)))),
    el('p', { class: 'recovery-actions' }, copy, ' ', download, ' ', said),
    done);
}

/** A code field and its button; onCode(code) resolves or throws an ApiError shown under it. */
export function codeForm(label, onCode) {
  const code = el('input', { id: 'login-code', name: 'code', autocomplete: 'one-time-code', inputmode: 'text', required: true, maxlength: 32, autocapitalize: 'none', spellcheck: 'false' });
  const err = el('p', { class: 'form-error', id: 'code-error', role: 'alert' });
  const button = el('button', { type: 'submit', class: 'btn btn-primary btn-wide' }, label);
  const form = el('form', { class: 'form code-form', novalidate: true, 'aria-describedby': 'code-error' },
    el('div', { class: 'field' }, el('label', { for: 'login-code' }, 'Code'), code), err, button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    if (!code.value.trim()) { err.textContent = 'Enter the code.'; code.focus(); return; }
    button.disabled = true;
    try {
      await onCode(code.value.trim());
    } catch (e) {
      if (e.status === 429) err.textContent = `Too many failed log-ins. Try again in ${e.retryAfter || 'a few'} seconds.`;
      else err.textContent = e.detail || e.message;
      code.select();
      code.focus();
    } finally {
      button.disabled = false;
    }
  });
  setTimeout(() => code.focus(), 0);
  return form;
}

/** Replace the log-in form by the second step of pending ({second_factor, pending_token}). */
function secondStep(form, pending, onLoggedIn) {
  const box = el('div', { class: 'second-step', dataset: { testid: 'second-step' } });
  form.replaceWith(box);
  const finish = async (code) => {
    const s = await api.loginCode(pending.pending_token, code);
    if (s.recovery_codes && s.recovery_codes.length) put(box, recoveryView(s.recovery_codes, () => onLoggedIn(s)));
    else await onLoggedIn(s);
  };
  if (pending.second_factor === 'enrol') {
    put(box, el('p', { class: 'muted' }, 'Your role needs a second factor. Setting it up…'));
    api.loginEnrolment(pending.pending_token).then((e) => {
      put(box, el('h2', {}, 'Set up a second factor'), enrolmentView(e), codeForm('Confirm and log in', finish));
    }).catch((e) => put(box, el('p', { class: 'form-error', role: 'alert' }, e.message)));
  } else {
    put(box, el('h2', {}, 'Second factor'),
      el('p', {}, 'Type the 6-digit code your authenticator app shows, or one of your recovery codes.'),
      codeForm('Verify', finish));
  }
}
