// dashboard.js - the dashboard: method switch, summary, map of the sites by risk band,
// the 5x5 matrix and the ranking with uncertainty bars. The method lives in the URL (#/?method=).

import * as api from './api.js';
import { el, put, METHODS } from './ui.js';
import { drawMap } from './map.js';
import { drawMatrix } from './matrix.js';
import { drawRanking, drawRankingChart } from './ranking.js';

export async function renderDashboard(main, ctx, params) {
  const method = METHODS[params.get('method')] ? params.get('method') : 'quant';
  const matrixMethod = method === 'carver' ? null : method;
  const token = ctx.token;
  const [ranking, matrix, outline] = await Promise.all([
    api.ranking(method),
    matrixMethod ? api.matrix(matrixMethod) : Promise.resolve(null),
    api.regionOutline(),
  ]);
  if (token !== ctx.token) return;   // the user went elsewhere meanwhile

  const mapBox = el('div', { class: 'map', id: 'map', role: 'region', 'aria-label': `Map of the sites, coloured by ${method === 'quant' ? 'loss' : 'risk'} band` });
  const rankingBox = el('div', { class: 'ranking-box' });
  const chartBox = el('div', { class: 'chart-box' });

  put(main,
    el('div', { class: 'page-head' },
      el('h1', {}, 'Dashboard'),
      methodSwitch(method)),
    summary(method, ranking),
    el('div', { class: 'dash-grid' },
      el('section', { class: 'panel panel-map', 'aria-labelledby': 'map-title' },
        el('h2', { id: 'map-title' }, method === 'quant' ? `Sites by loss band at ${ranking.threat_level_text || ranking.threat_level}` : `Sites by ${method === 'carver' ? 'attractiveness' : 'risk'} band`,
          el('span', { class: 'h-sub' }, ` · ${METHODS[method].label}`)),
        mapBox),
      el('section', { class: 'panel panel-matrix', 'aria-labelledby': 'matrix-title' },
        el('h2', { id: 'matrix-title' }, 'Risk matrix', el('span', { class: 'h-sub' }, ` · ${METHODS[method].label}`)),
        matrix ? drawMatrix(matrix) : carverNote())),
    el('section', { class: 'panel', 'aria-labelledby': 'ranking-title' },
      el('h2', { id: 'ranking-title' }, 'Ranking', el('span', { class: 'h-sub' }, ` · ${METHODS[method].long}`)),
      chartBox, rankingBox));

  drawRanking(rankingBox, method, ranking);
  drawRankingChart(chartBox, method, ranking);
  drawMap(mapBox, method, ranking.items, outline, ranking.threat_level_text || ranking.threat_level);
}

function methodSwitch(current) {
  const group = el('div', { class: 'seg', role: 'radiogroup', 'aria-label': 'Method' });
  for (const [id, m] of Object.entries(METHODS)) {
    const input = el('input', { type: 'radio', name: 'method', id: 'method-' + id, value: id, checked: id === current });
    input.addEventListener('change', () => { location.hash = `#/?method=${id}`; });
    group.append(el('span', { class: 'seg-item' }, input, el('label', { for: 'method-' + id }, m.label)));
  }
  return el('div', { class: 'method-switch' }, el('span', { class: 'seg-caption', 'aria-hidden': 'true' }, 'Method'), group);
}

function summary(method, r) {
  const cards = [
    card('Sites ranked', String(r.ranked ?? r.items.length), r.not_assessed ? `${r.not_assessed} not assessed` : 'all visible sites assessed'),
    card('Computed under', r.threat_level_text || r.threat_level || '—', 'national threat level'),
  ];
  if (method === 'quant' && r.total) {
    cards.push(card('Expected loss, all visible sites', METHODS.quant.fmt(r.total.score) + ' a year',
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
