// account.js - the user's own account: set up a second factor (POST /api/v1/account/second-factor,
// then the first code), with the QR code and the recovery codes shown once.

import * as api from './api.js';
import { el, put, toast } from './ui.js';
import { codeForm, enrolmentView, recoveryView } from './login.js';

export async function renderAccount(main, ctx) {
  const box = el('div', { class: 'account-second-factor' });
  const start = el('button', { type: 'button', class: 'btn btn-primary', dataset: { testid: 'enrol-start' } }, 'Set up a second factor');
  const err = el('p', { class: 'form-error', role: 'alert' });
  start.addEventListener('click', async () => {
    err.textContent = '';
    start.disabled = true;
    try {
      const e = await api.accountEnrolment();
      put(box, enrolmentView(e), codeForm('Confirm', async (code) => {
        const r = await api.accountConfirm(code);
        put(box, el('p', { class: 'ok', dataset: { testid: 'enrol-done' } }, 'Your second factor is set up: every log-in now asks for a code.'),
          recoveryView(r.recovery_codes, () => { toast('Second factor set up.'); location.hash = '#/'; }, 'Done'));
      }));
    } catch (e) {
      err.textContent = e.status === 409 ? 'A second factor is set up already. If you lost it, an admin resets it (protect user reset-2fa).' : e.message;
    } finally {
      start.disabled = false;
    }
  });
  put(box, el('p', {}, 'A second factor asks for a code from an authenticator app on your phone at each log-in, so a stolen password alone opens nothing.'), start, err);
  put(main, el('section', { class: 'panel account' },
    el('h1', {}, 'Your account'),
    el('p', { class: 'muted' }, `${ctx.user.name} · ${ctx.user.role}`),
    el('h2', {}, 'Second factor'),
    box));
}
