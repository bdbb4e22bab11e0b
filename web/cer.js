// cer.js - critical entities under the EU CER Directive (issue 16, item 8; GET /api/v1/cer):
// which designated entities lack a current risk assessment (art. 12) or a resilience plan
// (art. 13), with their deadlines; the entity's admin and government coordinators record the
// dates, government coordinators and admins designate (docs/access.md, "Critical entities").

import * as api from './api.js';
import { el, put, toast, errorPanel } from './ui.js';

const STATE_TEXT = {
  current: 'current', due: 'due', overdue: 'overdue', review: 'to review',
};

function stateBadge(state, due, what) {
  const words = { current: `${what} current`, due: `${what} due by ${due}`, overdue: `${what} overdue since ${due}`, review: `${what} predates the latest risk assessment` };
  return el('span', { class: `badge cer-${state}`, title: words[state] || state }, STATE_TEXT[state] || state);
}

export async function renderCer(main, ctx) {
  let body;
  try {
    body = await api.cerEntities();
  } catch (e) {
    put(main, errorPanel(e));
    return;
  }
  const gaps = body.items.filter((e) => e.lacks.length);
  put(main,
    el('div', { class: 'page-head' }, el('h1', {}, 'Critical entities (CER Directive)')),
    el('section', { class: 'panel', 'aria-labelledby': 'cer-sum' },
      el('h2', { id: 'cer-sum' }, `On ${body.today}`),
      el('p', { dataset: { testid: 'cer-summary' } },
        `${body.entities} designated ${body.entities === 1 ? 'entity' : 'entities'}; `,
        el('strong', {}, `${body.lacking_risk_assessment} without a current risk assessment`), ', ',
        el('strong', {}, `${body.lacking_resilience_plan} without a resilience plan`), '.'),
      el('p', { class: 'muted small' },
        'A designated entity owes its first risk assessment 9 months after it was notified (art. 12(1)) and another at least every four years; ',
        'its resilience measures, set out in a resilience plan, from 10 months after notification (art. 6(3), 13). ',
        'A plan older than the latest risk assessment is marked for review. Sources and assumptions: docs/methodology.md, "Critical entities".'),
      body.items.length ? table(body, ctx) : el('p', { class: 'note' }, 'You see no designated critical entity.'),
      gaps.length ? null : (body.items.length ? el('p', { class: 'note' }, 'Every entity you see is up to date.') : null)),
    body.may_designate ? designateForm(ctx) : null);
}

function table(body, ctx) {
  return el('div', { class: 'table-scroll' },
    el('table', { class: 'table', dataset: { testid: 'cer-table' } },
      el('caption', { class: 'sr-only' }, 'Designated critical entities and what each owes'),
      el('thead', {}, el('tr', {}, ['Entity', 'Designated / notified', 'Risk assessment (art. 12)', 'Resilience plan (art. 13)', 'Sites', ''].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, body.items.map((e) => row(e, ctx)))));
}

function row(e, ctx) {
  const tr = el('tr', { dataset: { org: String(e.organisation_id) }, class: e.lacks.length ? 'cer-lacking' : '' },
    el('th', { scope: 'row' }, e.organisation),
    el('td', { class: 'nowrap' }, e.designated_on, el('div', { class: 'small muted' }, `notified ${e.notified_on}`)),
    el('td', {}, stateBadge(e.risk_assessment, e.risk_assessment_due, 'risk assessment'),
      el('div', { class: 'small muted' }, e.risk_assessment_on ? `last ${e.risk_assessment_on}; ${e.risk_assessment === 'current' ? 'next' : 'was'} due ${e.risk_assessment_due}` : `none yet; due ${e.risk_assessment_due}`)),
    el('td', {}, stateBadge(e.resilience_plan, e.resilience_plan_due, 'resilience plan'),
      el('div', { class: 'small muted' }, e.resilience_plan_on ? `dated ${e.resilience_plan_on}` : `none yet; owed from ${e.resilience_plan_due}`)),
    el('td', {}, e.sites.length ? e.sites.map((s, i) => [i ? ' ' : '', el('a', { href: '#/site/' + encodeURIComponent(s) }, s)]).flat() : '—',
      e.sites_withheld ? el('div', { class: 'small muted' }, `and ${e.sites_withheld} you may not read`) : null),
    el('td', {}, e.may_report ? el('button', { type: 'button', class: 'btn', dataset: { testid: 'cer-record' }, onclick: () => openRecord(tr, e, ctx) }, 'Record dates') : null));
  return tr;
}

/* The entity's admin or a government coordinator records the dates of its risk assessment and plan. */
function openRecord(tr, e, ctx) {
  const next = tr.nextElementSibling;
  if (next && next.classList.contains('cer-form-row')) { next.remove(); return; }
  const ra = el('input', { type: 'date', id: `cer-ra-${e.organisation_id}`, value: e.risk_assessment_on || '' });
  const rp = el('input', { type: 'date', id: `cer-rp-${e.organisation_id}`, value: e.resilience_plan_on || '' });
  const errs = {
    risk_assessment_on: el('span', { class: 'field-error', role: 'alert' }),
    resilience_plan_on: el('span', { class: 'field-error', role: 'alert' }),
  };
  const formErr = el('p', { class: 'field-error', role: 'alert' });
  const form = el('form', { class: 'cer-form', dataset: { testid: 'cer-form' } },
    el('div', { class: 'field' }, el('label', { for: ra.id }, 'Latest risk assessment'), ra, errs.risk_assessment_on),
    el('div', { class: 'field' }, el('label', { for: rp.id }, 'Resilience plan'), rp, errs.resilience_plan_on),
    formErr,
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'btn btn-primary' }, 'Save')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    formErr.textContent = '';
    for (const x of Object.values(errs)) x.textContent = '';
    try {
      await api.changeCer(e.organisation_id, { risk_assessment_on: ra.value, resilience_plan_on: rp.value });
      toast(`${e.organisation}: dates recorded`);
      location.hash = '#/cer';
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (err) {
      if (errs[err.field]) errs[err.field].textContent = err.detail || err.message; else formErr.textContent = err.message;
    }
  });
  tr.after(el('tr', { class: 'cer-form-row' }, el('td', { colspan: '6' }, form)));
  ra.focus();
}

/* Government coordinators and admins designate an organisation (art. 6). */
function designateForm(ctx) {
  const org = el('select', { id: 'cer-org', required: true }, el('option', { value: '' }, 'Choose an organisation'));
  api.organisations().then((list) => {
    for (const o of list.items) org.append(el('option', { value: String(o.id) }, o.name));
  }).catch(() => {});
  const designated = el('input', { type: 'date', id: 'cer-designated', required: true });
  const notified = el('input', { type: 'date', id: 'cer-notified', required: true });
  const sites = el('input', { type: 'text', id: 'cer-sites', placeholder: 'VM-012 VM-013', 'aria-describedby': 'cer-sites-help' });
  const errs = {
    designated_on: el('span', { class: 'field-error', role: 'alert' }),
    notified_on: el('span', { class: 'field-error', role: 'alert' }),
    sites: el('span', { class: 'field-error', role: 'alert' }),
    organisation: el('span', { class: 'field-error', role: 'alert' }),
  };
  const formErr = el('p', { class: 'field-error', role: 'alert' });
  const form = el('form', { dataset: { testid: 'cer-designate' } },
    el('div', { class: 'field' }, el('label', { for: 'cer-org' }, 'Organisation'), org, errs.organisation),
    el('div', { class: 'run-assign-row' },
      el('div', { class: 'field' }, el('label', { for: 'cer-designated' }, 'Identified as critical (art. 6(1))'), designated, errs.designated_on),
      el('div', { class: 'field' }, el('label', { for: 'cer-notified' }, 'Notified (art. 6(3))'), notified, errs.notified_on)),
    el('div', { class: 'field' }, el('label', { for: 'cer-sites' }, 'Sites of its critical infrastructure'), sites,
      el('span', { class: 'help muted small', id: 'cer-sites-help' }, 'Site ids, separated by spaces; each must be the organisation\'s own. Empty: none yet.'), errs.sites),
    formErr,
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'btn btn-primary' }, 'Designate')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    formErr.textContent = '';
    for (const x of Object.values(errs)) x.textContent = '';
    if (!org.value) { errs.organisation.textContent = 'Choose an organisation.'; return; }
    const list = sites.value.split(/[\s,]+/).filter(Boolean);
    try {
      await api.designateCer(org.value, { designated_on: designated.value, notified_on: notified.value, sites: list });
      toast('Designated');
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (err) {
      if (errs[err.field]) errs[err.field].textContent = err.detail || err.message; else formErr.textContent = err.message;
    }
  });
  return el('section', { class: 'panel', 'aria-labelledby': 'cer-new' },
    el('h2', { id: 'cer-new' }, 'Designate a critical entity'),
    el('p', { class: 'muted' }, 'The state identifies its critical entities (art. 6); the entity\'s deadlines run from the day it is notified. Revoke a designation with ', el('code', {}, 'protect cer revoke'), ' or the API.'),
    form);
}
