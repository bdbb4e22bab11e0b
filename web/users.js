// users.js - admins manage users: the list, a new user, a changed role or password
// (GET/POST/PATCH /api/v1/users). Everyone else never sees this page.

import * as api from './api.js';
import { el, put, toast } from './ui.js';
import { ROLE_NAMES, ORG_TYPES } from './roles.js';

const ROLES = Object.keys(ROLE_NAMES);

export async function renderUsers(main, ctx) {
  const gov = ctx.user.organisation && ctx.user.organisation.type === 'government';
  const token = ctx.token;
  const [list, orgs] = await Promise.all([api.users(), gov ? api.organisations() : Promise.resolve({ items: [ctx.user.organisation] })]);
  if (token !== ctx.token) return;   // the user went elsewhere meanwhile
  const tbody = el('tbody', {}, list.items.map((u) => userRow(u)));
  put(main,
    el('div', { class: 'page-head' }, el('h1', {}, 'Users')),
    el('div', { class: 'import-grid' },
      el('section', { class: 'panel', 'aria-labelledby': 'users-title' },
        el('h2', { id: 'users-title' }, gov ? 'Every user' : `Users of ${ctx.user.organisation.name}`),
        el('div', { class: 'table-scroll' }, el('table', { class: 'table' },
          el('thead', {}, el('tr', {}, ['User', 'Organisation', 'Role', ''].map((h) => el('th', { scope: 'col' }, h)))),
          tbody))),
      el('section', { class: 'panel', 'aria-labelledby': 'add-title' },
        el('h2', { id: 'add-title' }, 'Add a user'), addForm(orgs.items, tbody))));
}

function userRow(u) {
  const role = el('select', { 'aria-label': `Role of ${u.name}` }, ROLES.map((r) => el('option', { value: r, selected: r === u.role }, ROLE_NAMES[r])));
  const err = el('span', { class: 'field-error' });
  role.addEventListener('change', async () => {
    err.textContent = '';
    try {
      await api.changeUser(u.name, { role: role.value });
      u.role = role.value;
      toast(`${u.name} is now ${ROLE_NAMES[role.value]}.`);
    } catch (e) { err.textContent = e.message; role.value = u.role; }
  });
  const org = u.organisation || {};
  return el('tr', {},
    el('th', { scope: 'row' }, u.name),
    el('td', {}, org.name || '—', org.type ? el('span', { class: 'muted small' }, ` (${ORG_TYPES[org.type] || org.type})`) : null),
    el('td', {}, role, err),
    el('td', {}, el('button', { type: 'button', class: 'btn btn-quiet btn-small', onclick: () => resetPassword(u) }, 'Set password')));
}

async function resetPassword(u) {
  const pw = window.prompt(`New password for ${u.name} (at least 8 characters):`);
  if (pw === null) return;
  if (pw.length < 8) { toast('A password needs at least 8 characters.', 'error'); return; }
  try { await api.changeUser(u.name, { password: pw }); toast(`Password of ${u.name} changed.`); } catch (e) { toast(e.message, 'error'); }
}

function addForm(orgs, tbody) {
  const name = el('input', { id: 'nu-name', name: 'name', required: true, maxlength: 63, pattern: '[A-Za-z0-9._\\-]{1,63}', autocomplete: 'off', 'aria-describedby': 'nu-name-err' });
  const pw = el('input', { id: 'nu-password', name: 'password', type: 'password', required: true, minlength: 8, maxlength: 1024, autocomplete: 'new-password', 'aria-describedby': 'nu-password-err' });
  const role = el('select', { id: 'nu-role', name: 'role' }, ROLES.map((r) => el('option', { value: r, selected: r === 'viewer' }, ROLE_NAMES[r])));
  const org = el('select', { id: 'nu-org', name: 'organisation_id' }, orgs.map((o) => el('option', { value: o.id }, o.name)));
  const errs = { name: el('span', { class: 'field-error', id: 'nu-name-err' }), password: el('span', { class: 'field-error', id: 'nu-password-err' }) };
  const formErr = el('p', { class: 'form-error', role: 'alert' });
  const form = el('form', { class: 'form', novalidate: true },
    el('div', { class: 'field' }, el('label', { for: 'nu-name' }, 'User name'), name, errs.name),
    el('div', { class: 'field' }, el('label', { for: 'nu-password' }, 'Password (8 characters or more)'), pw, errs.password),
    el('div', { class: 'field' }, el('label', { for: 'nu-role' }, 'Role'), role),
    el('div', { class: 'field' }, el('label', { for: 'nu-org' }, 'Organisation'), org),
    formErr,
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'btn btn-primary' }, 'Add user')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    errs.name.textContent = errs.password.textContent = formErr.textContent = '';
    let bad = false;
    if (!/^[A-Za-z0-9._-]{1,63}$/.test(name.value)) { errs.name.textContent = '1–63 letters, digits, dot, dash or underscore'; bad = true; }
    if (pw.value.length < 8) { errs.password.textContent = 'at least 8 characters'; bad = true; }
    if (bad) return;
    try {
      const u = await api.addUser({ name: name.value, password: pw.value, role: role.value, organisation_id: Number(org.value) });
      tbody.append(userRow(u));
      toast(`User ${u.name} added.`);
      form.reset();
    } catch (e) {
      if (e.field && errs[e.field]) errs[e.field].textContent = e.message; else formErr.textContent = e.message;
    }
  });
  return form;
}
