// ranking.js - the ranking table (rank, site, TLP, score, band; for quant the downstream part, the p5-p95 interval
// drawn as an uncertainty bar on a log scale and P(top k)) and a Chart.js chart of the top sites.

import { el, put, tlpBadge, bandBadge, METHODS, pct, worstThreatNames } from './ui.js';

const TOP_CHART = 15;

/** Draw the table of ranking.items into box, with a filter by name or id. */
/** opts (issue 16): mine, the ids of the caller's own sites to mark ("yours"; the national view);
    filtered, whether the ranking is of a filtered set (an empty one says so). */
export function drawRanking(box, method, ranking, opts = {}) {
  const items = ranking.items;
  const fmt = METHODS[method].fmt;
  const quant = method === 'quant';
  const scale = quant ? logScale(items) : null;
  const headers = ['Rank', 'Site', 'TLP', quant ? 'Expected loss a year' : method === 'fema' ? 'Risk (A×T×V)' : 'Attractiveness (sum)'];
  if (quant) headers.push('Of which downstream'); // issue 12: what its failure costs the sites behind it
  if (quant) headers.push('Uncertainty (5th–95th percentile)', `P(top ${ranking.top_k})`);
  if (method !== 'carver') headers.push('Worst threat');
  headers.push(quant ? `Loss band at ${ranking.threat_level_text || ranking.threat_level}` : 'Band');
  const body = el('tbody', {});
  const rows = items.map((it) => {
    const cells = [
      el('td', { class: 'num rank', dataset: { testid: 'rank' } }, String(it.rank)),
      el('th', { scope: 'row', class: 'site-cell' }, el('a', { href: '#/site/' + encodeURIComponent(it.site_id) }, it.name), el('span', { class: 'site-id' }, it.site_id),
        opts.mine && opts.mine.has(it.site_id) ? el('span', { class: 'mine-badge', title: 'a site of your organisation', dataset: { testid: 'mine' } }, 'yours') : null),
      el('td', {}, tlpBadge(it.tlp)),
      el('td', { class: 'num score', dataset: { testid: 'score' } }, fmt(it.score)),
    ];
    if (quant) {
      cells.push(el('td', { class: 'num downstream', dataset: { testid: 'downstream' }, title: 'Own part: ' + fmt(it.own_eur ?? it.score) }, fmt(it.downstream_eur ?? 0)));
      cells.push(el('td', { class: 'interval-cell' }, intervalBar(it, scale, fmt)));
      cells.push(el('td', { class: 'num' }, pct(it.p_topk)));
    }
    if (method !== 'carver') cells.push(el('td', { class: 'threat-cell' }, worstThreatNames(it)));
    cells.push(el('td', {}, bandBadge(it.band, method)));
    const tr = el('tr', { dataset: { site: it.site_id } }, cells);
    tr.dataset.search = `${it.site_id} ${it.name}`.toLowerCase();
    return tr;
  });
  put(body, rows);
  const filter = el('input', { type: 'search', id: 'rank-filter', placeholder: 'Name or id', autocomplete: 'off' });
  const shown = el('span', { class: 'muted', 'aria-live': 'polite' }, `${items.length} sites`);
  filter.addEventListener('input', () => {
    const q = filter.value.trim().toLowerCase();
    let n = 0;
    for (const tr of rows) { const hit = !q || tr.dataset.search.includes(q); tr.hidden = !hit; if (hit) n++; }
    shown.textContent = q ? `${n} of ${items.length} sites` : `${items.length} sites`;
  });
  put(box,
    el('div', { class: 'table-tools' },
      el('label', { for: 'rank-filter' }, 'Find a site'), filter, shown,
      quant ? el('span', { class: 'muted small scale-note' }, 'Bars: 5th–95th percentile of the Monte Carlo samples on a log scale; the dot is the exact expected loss.') : null),
    el('div', { class: 'table-scroll' },
      el('table', { class: 'table ranking', id: 'ranking', dataset: { method } },
        el('caption', { class: 'sr-only' }, `Sites ranked by ${METHODS[method].long}, ${METHODS[method].unit}`),
        el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
        body)),
    quant && items.length ? el('p', { class: 'muted small', dataset: { testid: 'downstream-note' } }, DOWNSTREAM_NOTE) : null,
    items.length ? null : el('p', { class: 'note' }, opts.filtered
      ? 'No site you may see that matches the filter has an assessment by this method.'
      : 'No site you may see has an assessment by this method.'));
}

/** What the "Of which downstream" part is (issue 12), said under the ranking and on a site's page. */
export const DOWNSTREAM_NOTE = 'Of which downstream: what this site\'s failure costs the sites that depend on it, '
  + 'i.e. the person-hours of service lost there (a person who loses two services counts twice) times the value of '
  + 'one person-hour (the setting resilience.value_person_hour_eur), for every threat at this site. '
  + 'The rest is the site\'s own loss. How it is computed and why: docs/methodology.md, section 16.';
/** The same, short, for a site's standing card. */
export const DOWNSTREAM_SHORT = 'Downstream: what this site\'s failure costs the sites that depend on it (person-hours of service lost there, '
  + 'a person who loses two services counting twice, × the value of a person-hour); docs/methodology.md, section 16.';

function logScale(items) {
  let lo = Infinity;
  let hi = 0;
  for (const it of items) {
    for (const v of [it.p5, it.p95, it.score]) {
      if (Number.isFinite(v) && v > 0) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    }
  }
  if (!Number.isFinite(lo)) return null;
  const a = Math.log10(lo) - 0.05;
  const b = Math.log10(hi) + 0.05;
  return (v) => (Number.isFinite(v) && v > 0 ? Math.min(100, Math.max(0, ((Math.log10(v) - a) / (b - a)) * 100)) : 0);
}

function intervalBar(it, scale, fmt) {
  const text = Number.isFinite(it.p5) && Number.isFinite(it.p95) ? `${fmt(it.p5)} – ${fmt(it.p95)}` : 'no samples';
  if (!scale || !Number.isFinite(it.p5) || !Number.isFinite(it.p95)) return el('span', { class: 'muted' }, text);
  const left = scale(it.p5);
  const right = scale(it.p95);
  return el('div', { class: 'interval' },
    el('div', { class: 'bar', 'aria-hidden': 'true' },
      el('span', { class: 'range', style: `left:${left}%;width:${Math.max(0.8, right - left)}%` }),
      el('span', { class: 'dot', style: `left:${scale(it.score)}%` })),
    el('span', { class: 'interval-text' }, text));
}

/** A Chart.js chart of the top sites: for quant the p5-p95 bar and the expected loss. */
export function drawRankingChart(box, method, ranking) {
  const Chart = window.Chart;
  const top = ranking.items.slice(0, TOP_CHART);
  if (!Chart || !top.length) return null;
  const quant = method === 'quant';
  const canvas = el('canvas', { role: 'img', 'aria-label': `Chart of the top ${top.length} sites by ${METHODS[method].long}; the table below lists the same figures.` });
  put(box, el('div', { class: 'chart-wrap', style: `height:${Math.max(220, top.length * 22 + 60)}px` }, canvas));
  const labels = top.map((it) => `${it.rank}. ${shorten(it.name)}`);
  const datasets = quant
    ? [
      { type: 'bar', label: '5th–95th percentile', data: top.map((it) => [it.p5, it.p95]), backgroundColor: 'rgba(31,58,95,0.28)', borderColor: '#1f3a5f', borderWidth: 1, borderSkipped: false, barPercentage: 0.6 },
      { type: 'line', label: 'expected loss (exact)', data: top.map((it) => it.score), showLine: false, pointRadius: 4.5, pointBackgroundColor: '#c43e12', pointBorderColor: '#1b1b1b' },
    ]
    : [{ type: 'bar', label: METHODS[method].unit, data: top.map((it) => it.score), backgroundColor: top.map((it) => bandRgba(it.band)), barPercentage: 0.7 }];
  const fmt = METHODS[method].fmt;
  return new Chart(canvas, {
    data: { labels, datasets },
    options: {
      indexAxis: 'y', responsive: true, maintainAspectRatio: false, animation: false,
      plugins: {
        legend: { display: quant, position: 'bottom' },
        tooltip: { callbacks: { label: (c) => (Array.isArray(c.raw) ? `${c.dataset.label}: ${fmt(c.raw[0])} – ${fmt(c.raw[1])}` : `${c.dataset.label}: ${fmt(c.raw)}`) } },
        title: { display: true, text: `Top ${top.length}: ${METHODS[method].unit}`, align: 'start', color: '#333' },
      },
      scales: {
        x: quant ? { type: 'logarithmic', ticks: { callback: (v) => (isRound(v) ? fmt(v) : '') } } : { beginAtZero: true, max: method === 'carver' ? 70 : undefined },
        y: { ticks: { autoSkip: false, font: { size: 12 } } },
      },
    },
  });
}

function isRound(v) { const l = Math.log10(v); return Math.abs(l - Math.round(l)) < 1e-9; }
function shorten(s) { return s.length > 34 ? s.slice(0, 32) + '…' : s; }
function bandRgba(b) { return { low: '#2e7d32', medium: '#f2c200', high: '#c43e12' }[b] || '#7a7a7a'; }
