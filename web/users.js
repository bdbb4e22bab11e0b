// users.js - admins manage users (the list, a new user, a changed role or password;
// GET/POST/PATCH /api/v1/users) and organisations (type and the partners an organisation
// shares AMBER with; GET/POST/PATCH /api/v1/organisations). Everyone else never sees this page.

import * as api from './api.js';
import { el, put, toast } from './ui.js';
import { ROLE_NAMES, ORG_TYPES } from './roles.js';

const ROLES = Object.keys(ROLE_NAMES);

export async function renderUsers(main, ctx) {
  const gov = ctx.user.organisation && ctx.user.organisation.type === 'government';
  const token = ctx.token;
  const [list, allOrgs] = await Promise.all([api.users(), api.organisations()]);
  if (token !== ctx.token) return;   // the user went elsewhere meanwhile
  const orgs = { items: gov ? allOrgs.items : allOrgs.items.filter((o) => o.id === ctx.user.organisation.id) };
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
        el('h2', { id: 'add-title' }, 'Add a user'), addForm(orgs.items, tbody))),
    organisationsPanel(allOrgs.items, ctx.user, gov));
}

/* Organisations: government admins change every organisation's type and partners and add
   organisations; another admin changes only its own organisation's partners. */
function organisationsPanel(orgs, user, gov) {
  const byId = new Map(orgs.map((o) => [o.id, o]));
  const tbody = el('tbody', {}, orgs.map((o) => orgRow(o, orgs, byId, user, gov)));
  return el('section', { class: 'panel', 'aria-labelledby': 'orgs-title' },
    el('h2', { id: 'orgs-title' }, 'Organisations'),
    el('p', { class: 'muted small' }, 'Partners read the AMBER records of the organisation that names them (docs/access.md).'),
    el('div', { class: 'table-scroll' }, el('table', { class: 'table', id: 'orgs-table' },
      el('thead', {}, el('tr', {}, ['Organisation', 'Type', 'Shares AMBER with'].map((h) => el('th', { scope: 'col' }, h)))),
      tbody)),
    gov ? addOrgForm(orgs, byId, tbody, user) : null);
}

function orgRow(o, orgs, byId, user, gov) {
  const mine = user.organisation && user.organisation.id === o.id;
  const err = el('span', { class: 'field-error' });
  const type = el('select', { 'aria-label': `Type of ${o.name}`, disabled: !gov },
    Object.keys(ORG_TYPES).map((t) => el('option', { value: t, selected: t === o.type }, ORG_TYPES[t])));
  type.addEventListener('change', async () => {
    err.textContent = '';
    try { Object.assign(o, await api.changeOrganisation(o.id, { type: type.value })); toast(`${o.name} is now ${ORG_TYPES[o.type]}.`); }
    catch (e) { err.textContent = e.message; type.value = o.type; }
  });
  const partners = el('div', { class: 'partners' }, orgs.filter((p) => p.id !== o.id).map((p) => {
    const box = el('input', { type: 'checkbox', value: p.id, checked: (o.partners || []).includes(p.id), disabled: !(gov || mine) });
    box.addEventListener('change', async () => {
      err.textContent = '';
      const next = [...partners.querySelectorAll('input:checked')].map((b) => Number(b.value));
      try { Object.assign(o, await api.changeOrganisation(o.id, { partners: next })); toast(`Partners of ${o.name} saved.`); }
      catch (e) { err.textContent = e.message; box.checked = !box.checked; }
    });
    return el('label', { class: 'partner' }, box, ` ${p.name}`);
  }));
  return el('tr', {},
    el('th', { scope: 'row' }, o.name),
    el('td', {}, type),
    el('td', {}, (gov || mine) ? partners : (o.partners || []).map((id) => (byId.get(id) || {}).name).filter(Boolean).join(', ') || '—', err));
}

function addOrgForm(orgs, byId, tbody, user) {
  const name = el('input', { id: 'no-name', name: 'name', required: true, maxlength: 255, autocomplete: 'off', 'aria-describedby': 'no-name-err' });
  const type = el('select', { id: 'no-type', name: 'type' }, Object.keys(ORG_TYPES).map((t) => el('option', { value: t, selected: t === 'operator' }, ORG_TYPES[t])));
  const nameErr = el('span', { class: 'field-error', id: 'no-name-err' });
  const formErr = el('p', { class: 'form-error', role: 'alert' });
  const form = el('form', { class: 'form', novalidate: true, 'aria-labelledby': 'no-title' },
    el('h3', { id: 'no-title' }, 'Add an organisation'),
    el('div', { class: 'field' }, el('label', { for: 'no-name' }, 'Name'), name, nameErr),
    el('div', { class: 'field' }, el('label', { for: 'no-type' }, 'Type'), type),
    formErr,
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'btn btn-primary' }, 'Add organisation')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    nameErr.textContent = formErr.textContent = '';
    if (!name.value.trim()) { nameErr.textContent = 'a name is needed'; return; }
    try {
      const o = await api.addOrganisation({ name: name.value.trim(), type: type.value });
      orgs.push(o);
      byId.set(o.id, o);
      // every row offers the new organisation as a partner
      put(tbody, orgs.map((x) => orgRow(x, orgs, byId, user, true)));
      toast(`Organisation ${o.name} added.`);
      form.reset();
    } catch (e) {
      if (e.field === 'name') nameErr.textContent = e.message; else formErr.textContent = e.message;
    }
  });
  return form;
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
