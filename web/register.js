// register.js - the risk register: every site-threat risk the user may see with its treatment
// (accept, reduce, transfer, avoid), owner, responsible user, review date, linked measures and
// approval; filters; an edit dialog for rows the user may treat (the server decides); approval
// by a government coordinator; the history of each row.

import * as api from './api.js';
import { el, put, eur, bandBadge, threatName, toast, BANDS } from './ui.js';
import { readFilter, remember, filterBar, filterOptions, isFilterError, isEmpty, emptyNote } from './filter.js';

const TREATMENTS = { none: 'no decision', accept: 'accept', reduce: 'reduce', transfer: 'transfer', avoid: 'avoid' };

/** A government coordinator approves the acceptance of a high risk (the server decides). */
export function canApprove(user) {
  return !!user && user.role === 'coordinator' && !!user.organisation && user.organisation.type === 'government';
}

export async function renderRegister(main, ctx) {
  const token = ctx.token;
  // issue 16: the shared filter (filter.js), in the URL; an operator opens on its own sites
  const f = readFilter(location.hash, ctx.user);
  remember(f);
  const optionsP = filterOptions(ctx.user);
  let reg = null;
  let error = null;
  try {
    reg = await api.registerFiltered(f);
  } catch (e) {
    if (!isFilterError(e)) throw e;
    error = e;
  }
  const options = await optionsP;
  if (token !== ctx.token) return;
  const bar = filterBar({
    user: ctx.user, f, base: '#/register', options, error,
    csv: reg && reg.items.length ? { href: api.csvUrl('/register', f), tlp: reg.tlp, label: 'Download the register (CSV)', testid: 'register-csv' } : null,
  });
  if (error) {
    put(main, el('div', { class: 'page-head' }, el('h1', {}, 'Risk register')), bar);
    return;
  }
  const entries = reg.items;
  const mine = f.owner.length ? null : options.mine;   // marked on the national view

  const siteFilter = el('input', { type: 'search', id: 'reg-site', placeholder: 'Name or id', autocomplete: 'off' });
  const treatFilter = el('select', { id: 'reg-treatment' }, el('option', { value: '' }, 'Any treatment'),
    Object.entries(TREATMENTS).map(([v, t]) => el('option', { value: v }, t)));
  const bandFilter = el('select', { id: 'reg-band' }, el('option', { value: '' }, 'Any band'),
    BANDS.map((b) => el('option', { value: b }, b)));
  const shown = el('span', { class: 'muted', 'aria-live': 'polite' });
  const body = el('tbody', {});
  const rows = entries.map((e) => makeRow(e));

  function makeRow(e) {
    const tr = el('tr', { dataset: { site: e.site_id, threat: e.threat_id } });
    const hist = el('tr', { class: 'history-row', hidden: true }, el('td', { colspan: '12' }));
    fillRow(tr, hist, e);
    return { tr, hist, get e() { return tr._entry; } };
  }

  function fillRow(tr, hist, e) {
    tr._entry = e;
    const key = `${e.site_id}/${e.threat_id}`;
    const actions = [];
    if (e.can_treat) {
      actions.push(el('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'reg-edit' }, 'aria-label': `Edit the treatment of ${threatName(e.threat_id)} at ${e.site_name}`, onclick: () => edit(tr, hist) }, 'Edit'));
    }
    if (canApprove(ctx.user) && e.needs_approval && !e.approved) {
      actions.push(el('button', { type: 'button', class: 'btn btn-small btn-primary', dataset: { testid: 'reg-approve' }, 'aria-label': `Approve accepting ${threatName(e.threat_id)} at ${e.site_name}`, onclick: () => approve(tr, hist) }, 'Approve'));
    }
    actions.push(el('button', { type: 'button', class: 'btn btn-small btn-quiet', 'aria-expanded': hist.hidden ? 'false' : 'true', 'aria-controls': `hist-${cssId(key)}`, 'aria-label': `History of ${threatName(e.threat_id)} at ${e.site_name}`, onclick: (ev) => toggleHistory(ev.currentTarget, hist, e) }, 'History'));
    hist.id = `hist-${cssId(key)}`;
    put(tr,
      el('th', { scope: 'row', class: 'site-cell' }, el('a', { href: '#/site/' + encodeURIComponent(e.site_id) }, e.site_name), el('span', { class: 'site-id' }, e.site_id),
        mine && mine.has(e.site_id) ? el('span', { class: 'mine-badge', title: 'a site of your organisation', dataset: { testid: 'mine' } }, 'yours') : null),
      el('td', {}, threatName(e.threat_id)),
      el('td', { class: 'nowrap', dataset: { testid: 'reg-band' } }, bandAt(e.risk_band, e.threat_level)),
      el('td', { class: 'num' }, eur(e.risk_eur_year)),
      el('td', { class: 'num', dataset: { testid: 'reg-residual' } }, e.committed_measures
        ? [eur(e.residual_eur_year), ' ', bandAt(e.residual_risk_band, e.threat_level)]
        : el('span', { class: 'muted' }, '—')),
      el('td', { dataset: { testid: 'reg-treatment' } }, el('span', { class: 'treat treat-' + e.treatment }, TREATMENTS[e.treatment] || e.treatment)),
      el('td', {}, e.owner_org),
      el('td', {}, e.responsible || '—'),
      el('td', { class: 'nowrap', dataset: { testid: 'reg-review' } }, e.review_date || '—',
        e.overdue ? [' ', el('span', { class: 'appr appr-wait' }, 'overdue')] : null),
      el('td', { class: 'small' }, (e.measures || []).join(', ') || '—'),
      el('td', { dataset: { testid: 'reg-approval' } }, approval(e)),
      el('td', {}, el('div', { class: 'row-actions' }, actions)));
    tr.dataset.search = `${e.site_id} ${e.site_name}`.toLowerCase();
    tr.dataset.treatment = e.treatment;
    tr.dataset.band = e.risk_band;
  }

  function apply() {
    const q = siteFilter.value.trim().toLowerCase();
    let n = 0;
    for (const r of rows) {
      const hit = (!q || r.tr.dataset.search.includes(q)) && (!treatFilter.value || r.tr.dataset.treatment === treatFilter.value) &&
        (!bandFilter.value || r.tr.dataset.band === bandFilter.value);
      r.tr.hidden = !hit;
      if (!hit) r.hist.hidden = true;
      if (hit) n++;
    }
    shown.textContent = n === rows.length ? `${rows.length} risks` : `${n} of ${rows.length} risks`;
  }

  async function approve(tr, hist) {
    const e = tr._entry;
    try {
      const upd = await api.approveRegister(e.site_id, e.threat_id);
      fillRow(tr, hist, upd);
      toast(`Accepting ${threatName(e.threat_id)} at ${e.site_name} approved.`);
    } catch (err) {
      toast(err.message, 'error');
    }
  }

  async function toggleHistory(btn, hist, e) {
    if (!hist.hidden) { hist.hidden = true; btn.setAttribute('aria-expanded', 'false'); return; }
    const cell = hist.firstChild;
    put(cell, el('p', { class: 'muted' }, 'Loading…'));
    hist.hidden = false;
    btn.setAttribute('aria-expanded', 'true');
    try {
      const h = await api.registerHistory(e.site_id, e.threat_id);
      put(cell, h.items.length
        ? el('ol', { class: 'history', dataset: { testid: 'reg-history' } }, h.items.map((x) => el('li', {},
          el('span', { class: 'nowrap' }, x.at), ' · ', el('strong', {}, x.actor), ` ${x.action}: `, x.detail)))
        : el('p', { class: 'muted', dataset: { testid: 'reg-history' } }, 'No decision recorded yet.'));
    } catch (err) {
      put(cell, el('p', { class: 'form-error' }, err.message));
    }
  }

  async function edit(tr, hist) {
    const e = tr._entry;
    // issue 16, item 4: any catalogue measure that reduces this risk (its effects name the threat)
    // and applies to this kind of site; one not at the site is committed there when saved
    let linked = [];
    try {
      const [atSite, cat, site] = await Promise.all([api.siteMeasures(e.site_id), api.measures(), api.site(e.site_id)]);
      const state = new Map(atSite.items.map((m) => [m.measure_id, m.status]));
      const fits = (list, v) => !list || list.includes('*') || list.includes(v);
      const reduces = (m) => (m.effects || []).some((x) => x.threat_id === e.threat_id && (x.v_reduction > 0 || x.c_reduction > 0));
      linked = (cat.items || cat).filter((m) => reduces(m) && (state.has(m.id) || (fits(m.kinds, site.kind) && fits(m.sectors, site.sector))))
        .map((m) => ({ measure_id: m.id, name: m.name, status: state.get(m.id) }));
    } catch (err) { /* none to link */ }
    const treatment = el('select', { id: 're-treatment', name: 'treatment' },
      Object.entries(TREATMENTS).filter(([v]) => v !== 'none').map(([v, t]) => el('option', { value: v, selected: v === e.treatment }, t)));
    const responsible = el('input', { id: 're-responsible', name: 'responsible', value: e.responsible || '', maxlength: '63', autocomplete: 'off', 'aria-describedby': 're-responsible-help' });
    const review = el('input', { id: 're-review', name: 'review_date', type: 'date', value: e.review_date || '' });
    const note = el('textarea', { id: 're-note', name: 'note', rows: '3', maxlength: '1023' }, e.note || '');
    const chosen = new Set(e.measures || []);
    const boxes = linked.map((m, i) => el('label', { class: 'check' },
      el('input', { type: 'checkbox', value: m.measure_id, id: `re-m-${i}`, checked: chosen.has(m.measure_id) }),
      ` ${m.name} (${!m.status || m.status === 'declined' ? (e.can_treat ? 'not at the site: saving commits it' : 'not at the site') : m.status === 'existing' ? 'in place' : m.status})`));
    const errBox = el('p', { class: 'form-error', id: 're-error', role: 'alert' });
    const accWarn = el('p', { class: 'help', id: 're-accept-help' }, e.risk_band === 'high' || e.risk_band === 'very high'
      ? 'Accepting a risk in this band needs the approval of a government coordinator.' : '');
    const dlg = el('dialog', { class: 'dialog', 'aria-labelledby': 're-title' },
      el('form', { method: 'dialog', class: 'form' },
        el('h2', { id: 're-title' }, `${threatName(e.threat_id)} at ${e.site_name}`),
        el('p', { class: 'muted' }, `Risk band ${e.risk_band} (${threatName(e.threat_id)})${e.threat_level ? ` at ${e.threat_level}` : ''} · ${eur(e.risk_eur_year)} a year · owner ${e.owner_org}`),
        el('div', { class: 'field' }, el('label', { for: 're-treatment' }, 'Treatment'), treatment, accWarn),
        el('div', { class: 'field' }, el('label', { for: 're-responsible' }, 'Responsible user'), responsible,
          el('p', { class: 'help', id: 're-responsible-help' }, 'A user name of the owning organisation; empty for none.')),
        el('div', { class: 'field' }, el('label', { for: 're-review' }, 'Review date'), review),
        el('fieldset', { class: 'field measures-set' }, el('legend', {}, 'Linked measures: those that reduce this risk'),
          boxes.length ? boxes : el('p', { class: 'muted' }, 'No measure of the catalogue reduces this risk at this kind of site.')),
        el('div', { class: 'field' }, el('label', { for: 're-note' }, 'Note'), note),
        errBox,
        el('div', { class: 'actions' },
          el('button', { type: 'submit', value: 'cancel', class: 'btn btn-quiet', formnovalidate: true }, 'Cancel'),
          el('button', { type: 'submit', value: 'save', class: 'btn btn-primary' }, 'Save decision'))));
    document.body.append(dlg);
    dlg.addEventListener('close', () => { dlg.remove(); tr.querySelector('[data-testid=reg-edit]')?.focus(); });
    dlg.querySelector('form').addEventListener('submit', async (ev) => {
      if (ev.submitter && ev.submitter.value === 'cancel') return;
      ev.preventDefault();
      errBox.textContent = '';
      const change = {
        treatment: treatment.value,
        responsible: responsible.value.trim(),
        review_date: review.value,
        note: note.value,
      };
      if (boxes.length) change.measures = boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
      try {
        const upd = await api.setRegister(e.site_id, e.threat_id, change);
        fillRow(tr, hist, upd);
        hist.hidden = true;
        dlg.close();
        toast(upd.needs_approval && !upd.approved
          ? `Saved: accepting ${threatName(e.threat_id)} at ${e.site_name} now awaits a coordinator's approval.`
          : `Saved: ${TREATMENTS[upd.treatment]} ${threatName(e.threat_id)} at ${e.site_name}.`);
        apply();
      } catch (err) {
        errBox.textContent = err.message;
      }
    });
    dlg.showModal();
  }

  for (const r of rows) body.append(r.tr, r.hist);
  siteFilter.addEventListener('input', apply);
  treatFilter.addEventListener('change', apply);
  bandFilter.addEventListener('change', apply);
  put(main,
    el('div', { class: 'page-head' }, el('h1', {}, 'Risk register')),
    bar,
    el('section', { class: 'panel', 'aria-labelledby': 'reg-title' },
      el('h2', { id: 'reg-title', class: 'sr-only' }, 'Site-threat risks'),
      el('p', { class: 'muted' }, 'Each site-threat risk of the sites you may see: re-opened decisions (accepted at a lower band) and overdue reviews first, then the largest risk, with its treatment decision and, where a saved plan has committed measures at the site, the risk once they are in place. The owning organisation records decisions; accepting a risk above the configured band needs a government coordinator\'s approval.'),
      el('div', { class: 'table-tools' },
        el('label', { for: 'reg-site' }, 'Site'), siteFilter,
        el('label', { for: 'reg-treatment' }, 'Treatment'), treatFilter,
        el('label', { for: 'reg-band' }, 'Risk band'), bandFilter, shown),
      el('div', { class: 'table-scroll' },
        el('table', { class: 'table register', id: 'register' },
          el('caption', { class: 'sr-only' }, 'The risk register: site-threat risks with their treatment'),
          el('thead', {}, el('tr', {}, ['Site', 'Threat', 'Risk band', 'Risk a year', 'With committed measures', 'Treatment', 'Owner', 'Responsible', 'Review date', 'Measures', 'Approval', 'Actions'].map((h) => el('th', { scope: 'col' }, h)))),
          body)),
      entries.length ? null : isEmpty(f) ? el('p', { class: 'note' }, 'No site you may see has a quantitative assessment.')
        : emptyNote(f, '#/register', ctx.user, {}, 'assessed site')));
  apply();
}

function approval(e) {
  // issue 11: accepted at a lower band, the band has risen since: approval needed again
  if (e.reopened) return el('span', { class: 'appr appr-wait', title: `accepted at ${e.decided_band}, ${e.risk_band} now` }, `⚠ re-opened (${e.decided_band} → ${e.risk_band}): awaiting approval`);
  if (e.needs_approval && e.approved) return el('span', { class: 'appr appr-ok' }, `✓ approved by ${e.approved_by}`);
  if (e.needs_approval) return el('span', { class: 'appr appr-wait' }, '⏳ awaiting approval');
  return el('span', { class: 'muted' }, e.treatment === 'accept' ? 'not needed' : '—');
}

/* Issue 11 item 2: a risk band says the threat level it was computed at ("high at CRITICAL"):
   the level today of the pair's site and threat (the entry's threat_level). */
function bandAt(band, level) {
  const b = bandBadge(band);
  if (band && level) {
    b.textContent = `${band} at ${level}`;
    b.title = `Risk band ${band} at threat level ${level}, today's level for this site and threat`;
  }
  return b;
}

function cssId(s) { return s.replace(/[^A-Za-z0-9_-]/g, '_'); }
