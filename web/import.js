// import.js - CSV import of sites or assessments (POST /api/v1/imports/...): all or nothing;
// a rejected file is shown as FILE:LINE: field: message, with the offending line quoted.

import * as api from './api.js';
import { el, put, toast } from './ui.js';

const MAX_BYTES = 16 * 1024 * 1024;

export async function renderImport(main, ctx) {
  const what = el('select', { id: 'import-what', name: 'what' },
    el('option', { value: 'sites' }, 'Sites (id, name, kind, sector, owner, lat, lon, …)'),
    el('option', { value: 'assessments' }, 'Assessments (FEMA, CARVER + Shock or quantitative; recognised by the header)'));
  const file = el('input', { id: 'import-file', name: 'file', type: 'file', accept: '.csv,text/csv', required: true, 'aria-describedby': 'import-file-help' });
  const result = el('div', { class: 'import-result', id: 'import-result', 'aria-live': 'polite' },
    el('p', { class: 'muted' }, 'No file imported yet. The columns of each file are described in docs/formats.md.'));
  const button = el('button', { type: 'submit', class: 'btn btn-primary' }, 'Import');
  const gov = ctx.user.organisation && ctx.user.organisation.type === 'government' && ctx.user.role === 'coordinator';
  const form = el('form', { class: 'form import-form', novalidate: true },
    el('div', { class: 'field' }, el('label', { for: 'import-what' }, 'What the file holds'), what),
    el('div', { class: 'field' }, el('label', { for: 'import-file' }, 'CSV file'), file,
      el('p', { class: 'help', id: 'import-file-help' }, `UTF-8 CSV with a header row, at most ${MAX_BYTES / 1048576} MiB. ` +
        (gov ? 'As a government coordinator you may import for any owner.' : `Rows must belong to ${ctx.user.organisation ? ctx.user.organisation.name : 'your organisation'}.`))),
    el('div', { class: 'actions' }, button));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    put(result);
    const f = file.files && file.files[0];
    if (!f) { put(result, el('p', { class: 'form-error', role: 'alert' }, 'Choose a CSV file first.')); file.focus(); return; }
    if (f.size > MAX_BYTES) { put(result, el('p', { class: 'form-error', role: 'alert' }, `${f.name} is larger than ${MAX_BYTES / 1048576} MiB.`)); return; }
    const text = await f.text();
    button.disabled = true;
    put(result, el('p', { class: 'muted' }, `Importing ${f.name}…`));
    try {
      const r = await api.importCsv(what.value, text);
      put(result, success(f.name, what.value, r));
      toast(`${f.name} imported.`);
    } catch (e) {
      put(result, failure(f.name, text, e));
    } finally {
      button.disabled = false;
    }
  });
  put(main,
    el('div', { class: 'page-head' }, el('h1', {}, 'Import')),
    el('div', { class: 'import-grid' },
      el('section', { class: 'panel', 'aria-labelledby': 'import-title' },
        el('h2', { id: 'import-title' }, 'Import a CSV file'),
        el('p', { class: 'muted' }, 'An import is all or nothing: one bad line rejects the whole file and nothing changes. Importing again updates sites by id and replaces assessment rows of the same site and threat.'),
        form),
      el('section', { class: 'panel', 'aria-labelledby': 'result-title' },
        el('h2', { id: 'result-title' }, 'Result'), result)));
}

function success(name, what, r) {
  const warnings = (r.warnings || []).map((w) => el('li', {}, `${name}:${w.line}: ${w.field}: ${w.message}`));
  const summary = what === 'sites'
    ? `${name}: ${r.created} ${r.created === 1 ? 'site' : 'sites'} created, ${r.updated} updated.`
    : `${name}: ${r.rows} ${r.method ? r.method.toUpperCase() + ' ' : ''}${r.rows === 1 ? 'row' : 'rows'} imported.`;
  return el('div', { class: 'import-ok', dataset: { testid: 'import-ok' } },
    el('p', {}, el('strong', {}, 'Imported. '), summary),
    warnings.length ? [el('p', {}, `${warnings.length} ${warnings.length === 1 ? 'warning' : 'warnings'}:`), el('ul', { class: 'errors warnings' }, warnings)] : null);
}

function failure(name, text, e) {
  // the message says what is wrong; the file, line and field come from their own members
  const text1 = `${name}${e.line ? ':' + e.line : ''}: ${e.field ? e.field + ': ' : ''}${e.detail || e.message}`;
  const line = e.line ? text.split(/\r?\n/)[e.line - 1] : null;
  return el('div', { class: 'import-fail', role: 'alert', dataset: { testid: 'import-errors' } },
    el('p', {}, el('strong', {}, e.status === 403 ? 'Not allowed. ' : e.status === 413 ? 'Too large. ' : 'Rejected. '), 'Nothing was imported.'),
    el('ul', { class: 'errors' }, el('li', {}, el('code', {}, text1))),
    line !== null && line !== undefined ? el('div', { class: 'bad-line' }, el('span', { class: 'muted small' }, `line ${e.line}:`), el('pre', {}, line.length > 400 ? line.slice(0, 400) + '…' : line)) : null);
}
