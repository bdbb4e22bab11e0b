// audit.js - the audit log for coordinators and admins (GET /api/v1/audit), newest first,
// a page at a time.

import * as api from './api.js';
import { el, put } from './ui.js';

const PAGE = 50;

export async function renderAudit(main, ctx) {
  const box = el('div', { class: 'audit-box' });
  put(main,
    el('div', { class: 'page-head' }, el('h1', {}, 'Audit log')),
    el('section', { class: 'panel', 'aria-labelledby': 'audit-title' },
      el('h2', { id: 'audit-title' }, 'Who did what, newest first'),
      el('p', { class: 'muted small' }, 'Every write and every read of an AMBER, AMBER+STRICT or RED record is recorded. Entries are chained by a keyed hash: ',
        el('code', {}, 'protect audit verify'), ' detects any edited, inserted, reordered or deleted entry.'),
      box));
  await drawPage(box, 0);
}

async function drawPage(box, offset) {
  const page = await api.audit(offset, PAGE);
  const rows = page.items.map((e) => el('tr', {},
    el('td', { class: 'num' }, String(e.seq)),
    el('td', { class: 'nowrap' }, el('time', { datetime: e.time }, formatTime(e.time))),
    el('td', {}, e.user || '—', el('div', { class: 'small muted' }, e.organisation || '')),
    el('td', {}, el('code', {}, e.action)),
    el('td', {}, e.record ? (/^[A-Za-z0-9._-]{1,63}$/.test(e.record) && /^(site|assessment)/.test(e.action || '') ? el('a', { href: '#/site/' + encodeURIComponent(e.record) }, e.record) : e.record) : '—'),
    el('td', { class: 'detail' }, e.withheld ? el('span', { class: 'muted', title: 'You may not read a record this entry covers.' }, 'withheld') : (e.detail || ''))));
  const prev = el('button', { type: 'button', class: 'btn', disabled: offset === 0, onclick: () => drawPage(box, Math.max(0, offset - PAGE)) }, '← Newer');
  const next = el('button', { type: 'button', class: 'btn', disabled: page.next_offset === null || page.next_offset === undefined, onclick: () => drawPage(box, page.next_offset) }, 'Older →');
  const from = page.items.length ? offset + 1 : 0;
  put(box,
    el('div', { class: 'table-scroll' },
      el('table', { class: 'table audit', dataset: { testid: 'audit' } },
        el('caption', { class: 'sr-only' }, 'Audit log entries'),
        el('thead', {}, el('tr', {}, ['#', 'When (UTC)', 'Who', 'Action', 'Record', 'Detail'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, rows))),
    rows.length ? null : el('p', { class: 'note' }, 'No entries.'),
    el('div', { class: 'pager' }, prev, el('span', { class: 'muted' }, `${from}–${offset + page.items.length} of ${page.total ?? '?'}`), next));
}

function formatTime(t) {
  if (!t) return '—';
  const m = String(t).match(/^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)/);
  return m ? `${m[1]} ${m[2]}` : t;
}
