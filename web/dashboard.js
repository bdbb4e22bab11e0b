// dashboard.js - the dashboard: method switch, summary, map of the sites by risk band,
// the 5x5 matrix and the ranking with uncertainty bars. The method lives in the URL (#/?method=);
// issue 16: so does the filter (filter.js), and an operator opens on its own sites.

import * as api from './api.js';
import { el, put, METHODS } from './ui.js';
import { drawMap } from './map.js';
import { drawMatrix } from './matrix.js';
import { drawRanking, drawRankingChart } from './ranking.js';
import { readFilter, remember, filterBar, filterOptions, isFilterError, isEmpty, emptyNote, csvLink, hrefFor } from './filter.js';

export async function renderDashboard(main, ctx, params) {
  const method = METHODS[params.get('method')] ? params.get('method') : 'quant';
  const matrixMethod = method === 'carver' ? null : method;
  const token = ctx.token;
  const f = readFilter(location.hash, ctx.user);
  remember(f);
  const extra = params.get('method') ? { method } : {};
  const optionsP = filterOptions(ctx.user);
  let ranking = null;
  let matrix = null;
  let outline = null;
  let sites = null;
  let error = null;
  try {
    [ranking, matrix, outline, sites] = await Promise.all([
      api.rankingFiltered(method, f),
      // the matrix's own refusal is shown in its panel, the rest of the view still drawn
      matrixMethod ? api.matrixFiltered(matrixMethod, f).catch((e) => ({ error: e })) : Promise.resolve(null),
      api.regionOutline(),
      api.sitesFiltered(f, { unmarked: true }),   // the sites CSV's marking; the map shows the ranked ones
    ]);
  } catch (e) {
    if (!isFilterError(e)) throw e;
    error = e;
  }
  const options = await optionsP;
  if (token !== ctx.token) return;   // the user went elsewhere meanwhile

  const bar = filterBar({
    user: ctx.user, f, base: '#/', extra, options, error,
    csv: ranking && ranking.items.length ? { href: api.csvUrl(`/ranking/${method}`, f), tlp: ranking.tlp, label: 'Download the ranking (CSV)', testid: 'ranking-csv' } : null,
  });
  const head = el('div', { class: 'page-head' }, el('h1', {}, 'Dashboard'), methodSwitch(method, f, ctx.user));
  if (error) { put(main, head, bar); return; }
  // the national view marks the caller's own sites (issue 16, item 1)
  const mine = f.owner.length ? null : options.mine;

  const mapBox = el('div', { class: 'map', id: 'map', role: 'region', 'aria-label': `Map of the sites, coloured by ${method === 'quant' ? 'loss' : 'risk'} band` });
  const rankingBox = el('div', { class: 'ranking-box' });
  const chartBox = el('div', { class: 'chart-box' });
  const filtered = !isEmpty(f);
  const empty = filtered && !sites.items.length;

  put(main,
    head,
    bar,
    empty ? emptyNote(f, '#/', ctx.user, extra) : null,
    summary(method, ranking, filtered),
    el('div', { class: 'dash-grid' },
      el('section', { class: 'panel panel-map', 'aria-labelledby': 'map-title' },
        el('h2', { id: 'map-title' }, method === 'quant' ? `Sites by loss band at ${ranking.threat_level_text || ranking.threat_level}` : `Sites by ${method === 'carver' ? 'attractiveness' : 'risk'} band`,
          el('span', { class: 'h-sub' }, ` · ${METHODS[method].label}`)),
        mapBox,
        sites.items.length ? el('div', { class: 'panel-foot' }, csvLink({ href: api.csvUrl('/sites', f), tlp: sites.tlp, label: 'Download the sites (CSV)', testid: 'sites-csv' })) : null),
      el('section', { class: 'panel panel-matrix', 'aria-labelledby': 'matrix-title' },
        el('h2', { id: 'matrix-title' }, 'Risk matrix', el('span', { class: 'h-sub' }, ` · ${METHODS[method].label}`)),
        !matrix ? carverNote() : matrix.error ? el('p', { class: 'form-error', role: 'alert' }, matrix.error.message)
          : drawMatrix(matrix, { filtered, pairs: (l, c) => api.matrixPairs(matrixMethod, l, c, f) }))),
    el('section', { class: 'panel', 'aria-labelledby': 'ranking-title' },
      el('h2', { id: 'ranking-title' }, 'Ranking', el('span', { class: 'h-sub' }, ` · ${METHODS[method].long}`)),
      chartBox, rankingBox));

  drawRanking(rankingBox, method, ranking, { mine, filtered });
  drawRankingChart(chartBox, method, ranking);
  drawMap(mapBox, method, ranking.items, outline, ranking.threat_level_text || ranking.threat_level, mine, filtered);
}

function methodSwitch(current, f, user) {
  const group = el('div', { class: 'seg', role: 'radiogroup', 'aria-label': 'Method' });
  for (const [id, m] of Object.entries(METHODS)) {
    const input = el('input', { type: 'radio', name: 'method', id: 'method-' + id, value: id, checked: id === current });
    input.addEventListener('change', () => { location.hash = hrefFor('#/', f, user, { method: id }); });
    group.append(el('span', { class: 'seg-item' }, input, el('label', { for: 'method-' + id }, m.label)));
  }
  return el('div', { class: 'method-switch' }, el('span', { class: 'seg-caption', 'aria-hidden': 'true' }, 'Method'), group);
}

function summary(method, r, filtered) {
  const cards = [
    card('Sites ranked', String(r.ranked ?? r.items.length), r.not_assessed ? `${r.not_assessed} not assessed` : filtered ? (r.items.length ? 'every site shown is assessed' : 'no site matches the filter') : 'all visible sites assessed'),
    card('Computed under', r.threat_level_text || r.threat_level || '—', 'national threat level'),
  ];
  if (method === 'quant' && r.total) {
    cards.push(card(filtered ? 'Expected loss, the sites shown' : 'Expected loss, all visible sites', METHODS.quant.fmt(r.total.score) + ' a year',
      r.total.p5 !== null && r.total.p5 !== undefined ? `90% interval ${METHODS.quant.fmt(r.total.p5)} – ${METHODS.quant.fmt(r.total.p95)}` : 'no samples drawn'));
    cards.push(card('Monte Carlo', `${r.samples} samples`, `P(top ${r.top_k}) per site · seed ${r.seed}`));
  } else {
    const high = r.items.filter((i) => i.band === 'high').length;
    cards.push(card(method === 'carver' ? 'Highly attractive targets' : 'Sites in the high band', String(high), METHODS[method].unit));
  }
  return el('div', { class: 'cards' }, cards);
}

function card(title, value, sub) {
  return el('div', { class: 'card' },
    el('div', { class: 'card-title' }, title),
    el('div', { class: 'card-value' }, value),
    el('div', { class: 'card-sub' }, sub));
}

function carverNote() {
  return el('div', { class: 'note' },
    el('p', {}, el('strong', {}, 'CARVER + Shock is not on the risk matrix.')),
    el('p', {}, 'It scores how attractive a target looks to an attacker, not how likely and how harmful an attack would be. Switch to the quantitative or FEMA method to see the matrix.'));
}
