// peers.js - on a site's page (issue 16, item 7): the site against its peers (the assessed
// sites of its sector, or of its kind when the sector has fewer than 5 others; GET
// /sites/{id}/peers) and "what would this measure change" (GET /sites/{id}/what-if), computed
// by the server and never stored.

import * as api from './api.js';
import { el, put, scoreText } from './ui.js';

const METHOD_NAMES = { fema: 'FEMA 452', carver: 'CARVER + Shock', quant: 'Quantitative' };

function pctText(p) {
  if (p === null || p === undefined) return 'fewer than 5 peers rated it';
  return `percentile ${Math.round(p)}`;
}

/* A percentile as a bar (set through the CSSOM: the page's CSP allows no inline style). */
function pctBar(p) {
  const span = el('span', { class: 'pct-bar', title: 'Higher than this share of its peers' }, pctText(p));
  span.style.setProperty('--pct', `${Math.round(p)}%`);
  return span;
}

/** The section, with its own method switch; loads when drawn. */
export function peersSection(site) {
  const box = el('div', { dataset: { testid: 'peers' } });
  const method = el('select', { id: 'peers-method', 'aria-label': 'Method of the comparison' },
    ['fema', 'quant', 'carver'].map((m) => el('option', { value: m }, METHOD_NAMES[m])));
  method.addEventListener('change', () => load());
  async function load() {
    put(box, el('p', { class: 'loading' }, 'Comparing with its peers…'));
    let v;
    try { v = await api.sitePeers(site.id, method.value); } catch (e) {
      put(box, el('p', { class: 'field-error', role: 'alert' }, e.detail || e.message));
      return;
    }
    const group = v.peer_group === 'kind'
      ? `the assessed sites of its kind (${v.group}): its sector ${v.sector} has fewer than ${v.min_peers} others`
      : `the assessed sites of its sector (${v.group})`;
    if (!v.assessed) { put(box, el('p', { class: 'muted' }, `Not assessed by ${METHOD_NAMES[v.method]}: no comparison.`)); return; }
    if (!v.comparable) { put(box, el('p', { class: 'muted' }, `Fewer than ${v.min_peers} peers among ${group}: no comparison.`)); return; }
    const q = v.quartiles;
    put(box,
      el('p', {}, `Against ${group}${v.peers !== undefined ? ` (${v.peers})` : ''}. `,
        `Peers' ${v.method === 'carver' ? 'attractiveness' : 'risk'}: quartiles ${scoreText(v.method, q.p25)}, ${scoreText(v.method, q.p50)}, ${scoreText(v.method, q.p75)}.`),
      el('div', { class: 'table-scroll' }, el('table', { class: 'table', dataset: { testid: 'peers-table' } },
        el('caption', { class: 'sr-only' }, 'The site against its peers'),
        el('thead', {}, el('tr', {}, ['Factor', 'This site', 'Among its peers'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, v.factors.map((f, i) => el('tr', { dataset: { factor: f.id } },
          el('th', { scope: 'row' }, i === 0 ? f.name : (v.method === 'carver' ? f.name : `vulnerability: ${f.name}`)),
          el('td', { class: 'num' }, i === 0 ? scoreText(v.method, f.value) : String(+f.value.toPrecision(3))),
          el('td', {}, f.percentile === null ? el('span', { class: 'muted' }, pctText(null))
            : pctBar(f.percentile))))))),
      el('p', { class: 'muted small' }, `A percentile of 90 means higher than 90% of its peers (ties count half). Peers you may not read count in the figures but are never named; you may read ${v.named_peers.length} of them.`));
  }
  load();
  return el('section', { class: 'panel', 'aria-labelledby': 'peers-title' },
    el('div', { class: 'section-head' }, el('h2', { id: 'peers-title' }, 'Against its peers'), method),
    box);
}

/** What a measure would change: a catalogue picker, the standing before and after. */
export function whatIfSection(site) {
  const out = el('div', { dataset: { testid: 'what-if' }, 'aria-live': 'polite' });
  const measure = el('select', { id: 'whatif-measure' }, el('option', { value: '' }, 'Choose a measure'));
  const method = el('select', { id: 'whatif-method' }, ['quant', 'fema'].map((m) => el('option', { value: m }, METHOD_NAMES[m])));
  const err = el('span', { class: 'field-error', role: 'alert' });
  api.measures().then((list) => { for (const m of list.items) measure.append(el('option', { value: m.id }, m.name)); }).catch(() => {});
  const form = el('form', { class: 'cer-form' },
    el('div', { class: 'field' }, el('label', { for: 'whatif-measure' }, 'Measure'), measure, err),
    el('div', { class: 'field' }, el('label', { for: 'whatif-method' }, 'Method'), method),
    el('div', { class: 'actions' }, el('button', { type: 'button', class: 'btn btn-primary', dataset: { testid: 'what-if-run' }, onclick: () => run() }, 'Show its effect')));
  // a read, not a save: a plain button (read-only users have no submit buttons), Enter runs it too
  form.addEventListener('submit', (ev) => { ev.preventDefault(); run(); });
  async function run() {
    err.textContent = '';
    if (!measure.value) { err.textContent = 'Choose a measure.'; return; }
    put(out, el('p', { class: 'loading' }, 'Ranking with the measure added…'));
    let w;
    try { w = await api.siteWhatIf(site.id, measure.value, method.value); } catch (e) {
      put(out);
      err.textContent = e.detail || e.message;
      return;
    }
    const row = (label, s) => el('tr', {}, el('th', { scope: 'row' }, label),
      el('td', { class: 'num' }, s.ranked ? scoreText(w.method, s.score) : '—'),
      el('td', { class: 'num' }, s.ranked ? `${s.rank} of ${s.of}` : '—'),
      el('td', {}, s.ranked ? s.band : '—'));
    put(out,
      w.in_place ? el('p', { class: 'note' }, `${w.measure.name} is in place here already: the assessment includes it, so nothing changes.`) : null,
      w.committed ? el('p', { class: 'note' }, `${w.measure.name} is committed or installed here since the site was assessed: the plan and the history count it already; below is its effect on the risk as assessed.`) : null,
      !w.in_place && !w.applies ? el('p', { class: 'note' }, `The catalogue does not mean ${w.measure.name} for this kind and sector of site.`) : null,
      el('table', { class: 'table', dataset: { testid: 'what-if-table' } },
        el('caption', {}, `${site.name} with ${w.measure.name}: computed, not stored`),
        el('thead', {}, el('tr', {}, ['', 'Risk', 'Rank among the sites you may see', 'Band'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, row('Today', w.before), row('With the measure', w.after))),
      w.change.score !== null ? el('p', { dataset: { testid: 'what-if-change' } }, w.change.score < 0
        ? `It would lower the risk by ${scoreText(w.method, -w.change.score)}${w.change.rank > 0 ? ` and move the site down ${w.change.rank} place${w.change.rank > 1 ? 's' : ''}` : ''}.`
        : 'It would not change the risk by this method.') : null);
  }
  return el('section', { class: 'panel', 'aria-labelledby': 'whatif-title' },
    el('h2', { id: 'whatif-title' }, 'What would a measure change?'),
    el('p', { class: 'muted small' }, 'Its catalogue effects applied to this site\'s assessment (FEMA: V × (1 − v), rounded; quantitative: V × (1 − v), C × (1 − c)), before anyone commits to it.'),
    form, out);
}
