// app.js - entry point: the session, the top bar (threat level, navigation, who is logged in)
// and the hash router that draws one view at a time into <main>.

import * as api from './api.js';
import { el, put, toast, names, LEVELS, LEVEL_MEANING, threatName, errorPanel } from './ui.js';
import { canImport, canReadAudit, canManageUsers, canSetThreatLevel, canSeeExercises, ROLE_NAMES, ORG_TYPES } from './roles.js';
import { renderLogin } from './login.js';
import { renderDashboard } from './dashboard.js';
import { renderSite } from './site.js';
import { renderImport } from './import.js';
import { renderAudit } from './audit.js';
import { renderUsers } from './users.js';
import { renderPlan } from './plan.js';
import { renderRegister } from './register.js';
import { renderAccount } from './account.js';
import { renderResilience } from './resilience.js'; // issue 12: cascades and single points of failure
import { renderAlerts } from './alerts.js'; // issue 13: public alerts
import { renderSimulate } from './simulate.js'; // issue 14: a mass-casualty simulation
import { canSimulate } from './roles.js'; // issue 14
import { renderExercises } from './exercises.js'; // issue 15: exercise runs
import { renderRun } from './run.js'; // issue 15: one run (facilitator, player, evaluator)
import { renderCer } from './cer.js'; // issue 16, item 8: critical entities (CER Directive)
import { canSeeCer } from './roles.js'; // issue 16, item 8
import { renderSurvey } from './survey.js'; // issue 16 item 3
import { navHref, forget as forgetFilter, remember as rememberFilter, readFilter } from './filter.js'; // issue 16: the filter the views share
import { renderHistory } from './history.js'; // issue 16 item 6: snapshots and comparison

const main = document.getElementById('main');
const topbar = document.getElementById('topbar');
const ctx = { user: null, threat: null, refreshThreat };
let drawing = 0;

api.setUnauthorizedHandler(() => {
  if (ctx.user) toast('Your session has ended. Please log in again.', 'warn');
  ctx.user = null;
  if (!location.hash.startsWith('#/login')) location.hash = '#/login';
});

/* A busy registry: the notice while a 503 is sent again (api.js), and when it gives up. */
const busyNotice = document.getElementById('busy');
let busyRetrying = 0;   // requests waiting to be sent again
let busyTimer = null;
api.setBusyHandler((s) => {
  clearTimeout(busyTimer);
  if (s.retry) {
    if (s.retry === 1) busyRetrying++;
    busyNotice.className = 'busy-notice';
    busyNotice.textContent = `The registry is busy, retrying (${s.retry}/${s.of})…`;
    busyNotice.hidden = false;
    return;
  }
  busyRetrying = Math.max(0, busyRetrying - 1);
  if (s.gaveUp) {
    busyNotice.className = 'busy-notice gave-up';
    busyNotice.textContent = 'The registry is still busy with another write: nothing was changed. Please try again in a minute.';
    busyNotice.hidden = false;
    busyTimer = setTimeout(() => { busyNotice.hidden = true; }, 20000);
  } else if (!busyRetrying) {
    busyNotice.hidden = true;
  }
});

/* Issue 11: a banner with the highest TLP label of what the view shows (the answers it drew
   from, api.js), from TLP:CLEAR when the view begins; in TLP 2.0's colours. */
const banner = document.getElementById('tlp-banner');
let marking = 0;
function showMarking(rank) {
  marking = rank;
  const label = api.MARKINGS[rank];
  banner.textContent = label;
  banner.className = 'tlp-banner tlp-' + label.slice(4).toLowerCase().replace('+', '-');
  banner.setAttribute('aria-label', `This view shows information up to ${label}`);
  banner.hidden = !ctx.user;
}
api.setMarkingHandler((label) => {
  const rank = api.MARKINGS.indexOf(label);
  if (rank > marking) showMarking(rank);
});

/** The routes: a pattern on the hash and the view it draws. */
const ROUTES = [
  { re: /^#\/login$/, view: 'login', title: 'Log in', draw: () => renderLogin(main, ctx, onLoggedIn) },
  { re: /^#\/site\/([A-Za-z0-9._-]{1,63})$/, view: 'site', title: 'Site', draw: (m) => renderSite(main, ctx, decodeURIComponent(m[1])) },
  { re: /^#\/survey\/(\d{1,15})$/, view: 'survey', title: 'Assessment visit', draw: (m) => renderSurvey(main, ctx, m[1]) }, // issue 16 item 3
  { re: /^#\/plan(\?.*)?$/, view: 'plan', title: 'Investment plan', nav: 'Plan', href: '#/plan', filtered: true, draw: () => renderPlan(main, ctx) }, // issue 16: the filter (scope) and budget in the query
  { re: /^#\/resilience(\?.*)?$/, view: 'resilience', title: 'Resilience', nav: 'Resilience', href: '#/resilience', draw: (m) => renderResilience(main, ctx, new URLSearchParams((m[1] || '').slice(1))) }, // issue 12
  // issue 14: no `allowed` (the link is hidden by `navAllowed`); the view itself says who may use it
  { re: /^#\/simulate(\?.*)?$/, view: 'simulate', title: 'Simulate an attack', nav: 'Simulate', href: '#/simulate', navAllowed: canSimulate, draw: (m) => renderSimulate(main, ctx, new URLSearchParams((m[1] || '').slice(1))) },
  { re: /^#\/alerts$/, view: 'alerts', title: 'Public alerts', nav: 'Alerts', href: '#/alerts', draw: () => renderAlerts(main, ctx) }, // issue 13
  { re: /^#\/exercises$/, view: 'exercises', title: 'Exercises', nav: 'Exercises', href: '#/exercises', allowed: canSeeExercises, draw: () => renderExercises(main, ctx) }, // issue 15
  { re: /^#\/runs\/(\d{1,15})$/, view: 'run', title: 'Exercise run', allowed: canSeeExercises, draw: (m) => renderRun(main, ctx, m[1]) }, // issue 15
  { re: /^#\/register(\?.*)?$/, view: 'register', title: 'Risk register', nav: 'Register', href: '#/register', filtered: true, draw: () => renderRegister(main, ctx) }, // issue 16: the filter in the query
  { re: /^#\/history(\?.*)?$/, view: 'history', title: 'History', nav: 'History', href: '#/history', draw: (m) => renderHistory(main, ctx, new URLSearchParams((m[1] || '').slice(1))) }, // issue 16 item 6
  { re: /^#\/cer$/, view: 'cer', title: 'Critical entities', nav: 'CER', href: '#/cer', allowed: canSeeCer, draw: () => renderCer(main, ctx) }, // issue 16, item 8
  { re: /^#\/import$/, view: 'import', title: 'Import', nav: 'Import', href: '#/import', allowed: canImport, draw: () => renderImport(main, ctx) },
  { re: /^#\/audit$/, view: 'audit', title: 'Audit log', nav: 'Audit log', href: '#/audit', allowed: canReadAudit, draw: () => renderAudit(main, ctx) },
  { re: /^#\/users$/, view: 'users', title: 'Users', nav: 'Users', href: '#/users', allowed: canManageUsers, draw: () => renderUsers(main, ctx) },
  { re: /^#\/account$/, view: 'account', title: 'Your account', draw: () => renderAccount(main, ctx) },  // issue 10: the second factor
  { re: /^#\/(\?.*)?$/, view: 'dashboard', title: 'Dashboard', nav: 'Dashboard', href: '#/', filtered: true, draw: (m) => renderDashboard(main, ctx, new URLSearchParams((m[1] || '').slice(1))) },
];

async function route() {
  const hash = location.hash || '#/';
  const me = ++drawing;
  ctx.token = me;
  if (!ctx.user && hash !== '#/login') { location.hash = '#/login'; return; }
  if (ctx.user && hash === '#/login') { location.hash = '#/'; return; }
  let found = null;
  let m = null;
  for (const r of ROUTES) { m = hash.match(r.re); if (m) { found = r; break; } }
  if (!found) { m = ['#/']; found = ROUTES[ROUTES.length - 1]; }
  topbar.hidden = !ctx.user;
  api.newView();   // issue 15: answers asked for by the previous view no longer mark this one
  showMarking(0);  // issue 11: each view's banner starts at TLP:CLEAR
  if (found.filtered && ctx.user) rememberFilter(readFilter(hash, ctx.user));   // issue 16: before the links are drawn
  drawNav(found);
  document.body.dataset.view = found.view;
  document.title = `${found.title} — protect`;
  if (found.allowed && !found.allowed(ctx.user)) {
    put(main, errorPanel({ message: 'Your role may not open this page.' }));
    return;
  }
  put(main, el('p', { class: 'loading' }, 'Loading…'));
  try {
    await found.draw(m);
  } catch (err) {
    if (me !== drawing) return;
    if (err.status === 401) return;
    put(main, errorPanel(err));
  }
}

function drawNav(current) {
  const nav = document.getElementById('mainnav');
  if (!ctx.user) { put(nav); return; }
  const links = ROUTES.filter((r) => r.nav && (!r.allowed || r.allowed(ctx.user)) && (!r.navAllowed || r.navAllowed(ctx.user)))
    .sort((a, b) => (a.view === 'dashboard' ? -1 : b.view === 'dashboard' ? 1 : 0))
    .map((r) => el('a', {
      href: r.filtered ? navHref(r.href, ctx.user) : r.href,   // issue 16: the filter goes along
      class: 'navlink', 'aria-current': r === current ? 'page' : null,
    }, r.nav));
  put(nav, links);
}

function drawWho() {
  const u = ctx.user;
  const who = document.getElementById('who');
  const org = u.organisation || {};
  put(who,
    el('div', { class: 'who-text' },
      el('span', { class: 'who-name', dataset: { testid: 'user-name' } }, u.name),
      el('span', { class: 'who-role' }, `${ROLE_NAMES[u.role] || u.role} · `,
        el('span', { dataset: { testid: 'user-org' } }, org.name || ''),
        org.type ? ` (${ORG_TYPES[org.type] || org.type})` : '')),
    el('a', { href: '#/account', class: 'btn btn-quiet', dataset: { testid: 'account' } }, 'Account'),
    el('button', { type: 'button', class: 'btn btn-quiet', onclick: logOut }, 'Log out'));
}

async function logOut() {
  try { await api.logout(); } catch (e) { /* the session is gone either way */ }
  ctx.user = null;
  topbar.hidden = true;
  location.hash = '#/login';
  toast('You are logged out.');
}

/** The national threat level in the top bar; a government coordinator may change it. */
async function refreshThreat() {
  const box = document.getElementById('threat');
  try {
    ctx.threat = await api.threatLevel();
  } catch (e) {
    put(box, el('span', { class: 'level level-unknown' }, 'Threat level unknown'));
    return;
  }
  const level = ctx.threat.national;
  const raised = (ctx.threat.threats || []).filter((t) => t.level !== level);
  put(box,
    el('span', { class: 'level-caption', id: 'level-caption' }, 'National threat level'),
    el('span', {
      class: 'level level-' + String(level).toLowerCase(), dataset: { testid: 'threat-level' },
      title: LEVEL_MEANING[level] || '', 'aria-describedby': 'level-caption',
    }, level),
    raised.length ? el('span', { class: 'level-extra', title: raised.map((t) => `${threatName(t.threat_id)}: ${t.level}`).join('\n') },
      `+${raised.length} by threat`) : null,
    canSetThreatLevel(ctx.user) ? el('button', { type: 'button', class: 'btn btn-quiet btn-small', onclick: openThreatDialog }, 'Change') : null);
}

function openThreatDialog() {
  const current = ctx.threat || { national: 'SUBSTANTIAL', threats: [] };
  const levelSel = el('select', { id: 'tl-level', name: 'level', required: true },
    LEVELS.map((l) => el('option', { value: l, selected: l === current.national }, `${l} — ${LEVEL_MEANING[l]}`)));
  const threatSel = el('select', { id: 'tl-threat', name: 'threat_id' },
    el('option', { value: '' }, 'All threats (the national level)'),
    [...names.threats].map(([id, name]) => el('option', { value: id }, name)));
  const err = el('p', { class: 'field-error', id: 'tl-error', role: 'alert' });
  // issue 11: every change says why; it may expire; a threat's own level may be cleared or held below
  const rationale = el('textarea', { id: 'tl-rationale', name: 'rationale', required: true, maxlength: 511, rows: 2 });
  const until = el('input', { id: 'tl-until', name: 'until', type: 'date' });
  const below = el('input', { id: 'tl-below', name: 'below', type: 'checkbox' });
  const clearBtn = el('button', { type: 'submit', value: 'clear', class: 'btn btn-quiet', hidden: true }, 'Clear its own level');
  const perThreat = (current.threats || []).length
    ? el('ul', { class: 'plain' }, current.threats.map((t) => el('li', {}, `${threatName(t.threat_id)}: ${t.level}`)))
    : el('p', { class: 'muted' }, 'No threat scenario has its own level.');
  const entries = current.entries || [];
  const entryText = (e) => `${e.scope === 'national' ? 'National' : e.scope === 'threat' ? threatName(e.scope_id) : e.scope + ' ' + e.scope_id}: ${e.level}${e.below ? ' (below)' : ''}${e.expires_at ? ' until ' + e.expires_at.slice(0, 10) : ''} — ${e.rationale} (${e.set_by || 'system'})`;
  threatSel.addEventListener('change', () => {
    const t = (current.threats || []).find((x) => x.threat_id === threatSel.value);
    levelSel.value = t ? t.level : current.national;
    clearBtn.hidden = !t;
  });
  const dlg = el('dialog', { class: 'dialog', 'aria-labelledby': 'tl-title' },
    el('form', { method: 'dialog', class: 'form' },
      el('h2', { id: 'tl-title' }, 'Set the threat level'),
      el('p', { class: 'muted' }, 'The level scales the yearly probability of an attempt in every quantitative result. Assessed values hold at SUBSTANTIAL.'),
      el('div', { class: 'field' }, el('label', { for: 'tl-threat' }, 'Applies to'), threatSel),
      el('div', { class: 'field' }, el('label', { for: 'tl-level' }, 'Level'), levelSel),
      el('div', { class: 'field' }, el('label', { for: 'tl-rationale' }, 'Rationale (required)'), rationale),
      el('div', { class: 'field' }, el('label', { for: 'tl-until' }, 'Until (optional; then back to what it replaces)'), until),
      el('div', { class: 'field' }, el('label', { for: 'tl-below' }, below, ' Below: this threat\'s level applies even under a higher one')),
      el('p', { class: 'muted' }, 'A site and threat get the highest of the national, sector, region and threat levels, unless the threat is marked below.'),
      err,
      el('details', {}, el('summary', {}, 'Levels set per threat scenario'), perThreat),
      el('details', {}, el('summary', {}, 'Every level in force, with its rationale'),
        entries.length ? el('ul', { class: 'plain', dataset: { testid: 'tl-entries' } }, entries.map((e) => el('li', {}, entryText(e))))
          : el('p', { class: 'muted' }, 'None: the national level is SUBSTANTIAL by default.')),
      el('div', { class: 'actions' },
        el('button', { type: 'submit', value: 'cancel', class: 'btn btn-quiet', formnovalidate: true }, 'Cancel'),
        clearBtn,
        el('button', { type: 'submit', value: 'save', class: 'btn btn-primary' }, 'Set level'))));
  document.body.append(dlg);
  dlg.addEventListener('close', () => dlg.remove());
  dlg.querySelector('form').addEventListener('submit', async (ev) => {
    if (ev.submitter && ev.submitter.value === 'cancel') return;
    ev.preventDefault();
    const clearing = ev.submitter && ev.submitter.value === 'clear';
    try {
      const res = await api.setThreatLevel(clearing ? null : levelSel.value, threatSel.value || null, rationale.value,
        until.value, below.checked && !!threatSel.value);
      dlg.close();
      const reopened = (res && res.reopened) || [];
      toast((clearing ? `${threatName(threatSel.value)}'s own level cleared.`
        : `Threat level set to ${levelSel.value}${threatSel.value ? ' for ' + threatName(threatSel.value) : ''}.`) +
        (reopened.length ? ` ${reopened.length} accepted risk${reopened.length === 1 ? '' : 's'} re-opened for approval: ` +
          reopened.map((r) => `${threatName(r.threat_id)} at ${r.site_name} (${r.decided_band} → ${r.band})`).join('; ') : ''));
      await refreshThreat();
      route();
    } catch (e) {
      err.textContent = e.message;
    }
  });
  dlg.showModal();
}

async function loadCatalogues() {
  try {
    const [threats, sectors, kinds] = await Promise.all([api.catalog('threats'), api.catalog('sectors'), api.catalog('kinds')]);
    for (const t of threats.items) names.threats.set(t.id, t.name);
    for (const s of sectors.items) names.sectors.set(s.id, s.name);
    for (const k of kinds.items) names.kinds.set(k.id, k.name);
  } catch (e) {
    if (e.status === 401) throw e;
    /* the page still works with the ids */
  }
}

async function onLoggedIn(session) {
  ctx.user = session.user;
  forgetFilter();   // issue 16: another user starts from its own default
  topbar.hidden = false;
  drawWho();
  await loadCatalogues();
  await refreshThreat();
  if (location.hash === '#/login' || !location.hash) location.hash = ctx.returnTo || '#/';
  else route();
}

async function start() {
  window.addEventListener('hashchange', route);
  try {
    const s = await api.whoami();
    ctx.user = s.user;
    topbar.hidden = false;
    drawWho();
    await loadCatalogues();
    await refreshThreat();
  } catch (e) {
    ctx.user = null;
    if (e.status !== 401) toast(e.message, 'error');
    if (location.hash && location.hash !== '#/login') ctx.returnTo = location.hash;
  }
  route();
}

start();
