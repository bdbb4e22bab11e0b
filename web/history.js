// history.js - History (issue 16 item 6): the snapshots of the ranking and the register, taking
// one (government coordinators and admins), deleting one (government admins), and the
// comparison of two snapshots or of one with now at one threat level: each site's change
// attributed to threat level, reassessments, installed measures, new or removed sites, with the
// programme's totals (nation, sector, region), a chart and a CSV of what is shown, marked. The
// filter is in the page's URL (#/history?from=1&to=now&method=quant&level=later).

import * as api from './api.js';
import { el, put, eur, num, tlpBadge, bandBadge, toast, errorPanel, LEVELS, names } from './ui.js';

const CAUSES = [
  ['threat_level', 'threat level'],
  ['reassessments', 'reassessments'],
  ['installed_measures', 'measures committed or installed'],
  ['new_sites', 'new sites'],
  ['removed_sites', 'removed sites'],
];
const CAUSE_WORDS = Object.fromEntries(CAUSES);
const CAUSE_COLOURS = { threat_level: '#7b5ea7', reassessments: '#1f6fb2', installed_measures: '#2e7d32', new_sites: '#c77700', removed_sites: '#7a7a7a' };

function when(iso) { return iso ? iso.slice(0, 10) : '—'; }
function figure(method, x) { return method === 'fema' ? num(x) : eur(x); }
function signed(method, x) {
  if (!x) return figure(method, 0);
  return (x > 0 ? '+' : '−') + figure(method, Math.abs(x));
}
function sectorName(id) { return names.sectors.get(id) || id || '—'; }

export async function renderHistory(main, ctx, params) {
  const token = ctx.token;
  let list;
  try {
    list = await api.snapshots();
  } catch (err) {
    if (token === ctx.token) put(main, errorPanel(err));
    return;
  }
  if (token !== ctx.token) return;
  const snaps = list.items;

  /* ---- the compare form ---- */
  const from = el('select', { id: 'hist-from', name: 'from' },
    snaps.map((s) => el('option', { value: String(s.id) }, `${s.name} (${when(s.taken_at)})`)));
  const to = el('select', { id: 'hist-to', name: 'to' }, el('option', { value: 'now' }, 'now'),
    snaps.map((s) => el('option', { value: String(s.id) }, `${s.name} (${when(s.taken_at)})`)));
  const method = el('select', { id: 'hist-method', name: 'method' },
    el('option', { value: 'quant' }, 'expected loss (EUR a year)'), el('option', { value: 'fema' }, 'FEMA score'));
  const level = el('select', { id: 'hist-level', name: 'level', 'aria-describedby': 'hist-level-help' },
    el('option', { value: 'later' }, 'the later one\'s, for both'),
    el('option', { value: 'own' }, 'each at its own level'),
    LEVELS.map((l) => el('option', { value: l }, `${l} for both`)));
  if (params.get('from')) from.value = params.get('from');
  else if (snaps.length) from.value = String(snaps[0].id);
  if (params.get('to')) to.value = params.get('to');
  if (params.get('method')) method.value = params.get('method');
  if (params.get('level')) level.value = params.get('level');
  const cmpErr = el('p', { class: 'form-error', id: 'hist-cmp-err', role: 'alert' });
  const result = el('div', { id: 'hist-result', 'aria-live': 'polite' });
  const cmpForm = el('form', { class: 'form hist-controls', novalidate: true, onsubmit: (ev) => { ev.preventDefault(); go(); } },
    el('div', { class: 'field' }, el('label', { for: 'hist-from' }, 'From'), from),
    el('div', { class: 'field' }, el('label', { for: 'hist-to' }, 'To'), to),
    el('div', { class: 'field' }, el('label', { for: 'hist-method' }, 'Method'), method),
    el('div', { class: 'field' }, el('label', { for: 'hist-level' }, 'Threat level'), level),
    el('button', { type: 'submit', class: 'btn btn-primary', dataset: { testid: 'hist-compare' }, disabled: !snaps.length }, 'Compare'),
    el('p', { class: 'help', id: 'hist-level-help' }, 'Both sides are computed at one threat level, so that a change of level does not hide what was done at the sites; choose "each at its own level" to see the level\'s part.'),
    cmpErr);

  /* ---- the list, with take and delete where the role may ---- */
  const listBody = el('tbody', {}, snaps.map((s) => el('tr', { dataset: { id: String(s.id) } },
    el('th', { scope: 'row' }, s.name),
    el('td', { class: 'nowrap' }, when(s.taken_at)),
    el('td', {}, s.taken_by),
    el('td', {}, s.method),
    el('td', {}, el('div', { class: 'row-actions' },
      el('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Compare with now: ${s.name}`, onclick: () => { from.value = String(s.id); to.value = 'now'; go(); } }, 'Compare with now'),
      s.can_delete ? el('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'hist-delete' }, 'aria-label': `Delete ${s.name}`, onclick: () => remove(s) }, 'Delete') : null)))));
  const takeName = el('input', { id: 'hist-name', name: 'name', maxlength: '127', autocomplete: 'off', placeholder: '2026 baseline', 'aria-describedby': 'hist-name-err' });
  const takeMethod = el('select', { id: 'hist-take-method', name: 'method' }, el('option', { value: 'quant' }, 'quant'), el('option', { value: 'fema' }, 'fema'));
  const takeErr = el('span', { class: 'field-error', id: 'hist-name-err', role: 'alert' });
  const takeForm = list.can_take ? el('form', { class: 'form hist-take', novalidate: true, onsubmit: (ev) => { ev.preventDefault(); take(); } },
    el('div', { class: 'field' }, el('label', { for: 'hist-name' }, 'Name of a new snapshot'), takeName, takeErr),
    el('div', { class: 'field' }, el('label', { for: 'hist-take-method' }, 'Shown by'), takeMethod),
    el('button', { type: 'submit', class: 'btn', dataset: { testid: 'hist-take' } }, 'Take snapshot')) : null;

  put(main,
    el('div', { class: 'page-head' }, el('h1', {}, 'History and comparison')),
    el('section', { class: 'panel', 'aria-labelledby': 'hist-cmp-title' },
      el('h2', { id: 'hist-cmp-title' }, 'Compare'),
      snaps.length ? cmpForm : el('p', { class: 'note' }, 'No snapshot has been taken yet.'),
      result),
    el('section', { class: 'panel', 'aria-labelledby': 'hist-list-title' },
      el('h2', { id: 'hist-list-title' }, 'Snapshots'),
      el('p', { class: 'muted' }, 'A snapshot keeps what the ranking and the register are computed from: the assessments that count, the measures in place with their effects, the threat levels, the settings and the register\'s decisions. You see only the sites you may read both then and now, each under the stricter of its two labels.'),
      el('div', { class: 'table-scroll' }, el('table', { class: 'table', id: 'hist-list' },
        el('caption', { class: 'sr-only' }, 'Snapshots'),
        el('thead', {}, el('tr', {}, ['Name', 'Taken', 'By', 'Method', ''].map((h) => el('th', { scope: 'col' }, h)))),
        listBody)),
      takeForm));

  if (params.get('from') && snaps.length) go(true);

  async function go(fromUrl) {
    cmpErr.textContent = '';
    const q = { from: from.value, to: to.value, method: method.value, threat_level: level.value };
    if (!fromUrl) {
      const h = `#/history?from=${encodeURIComponent(q.from)}&to=${encodeURIComponent(q.to)}&method=${q.method}&level=${q.threat_level}`;
      if (location.hash !== h) history.replaceState(null, '', h);
    }
    put(result, el('p', { class: 'muted' }, 'Comparing…'));
    try {
      const c = await api.compare(q);
      if (token !== ctx.token) return;
      drawComparison(result, c);
    } catch (err) {
      put(result);
      cmpErr.textContent = err.message;
    }
  }

  async function take() {
    takeErr.textContent = '';
    takeName.removeAttribute('aria-invalid');
    try {
      const s = await api.takeSnapshot({ name: takeName.value.trim(), method: takeMethod.value });
      toast(`Snapshot "${s.name}" taken.`);
      renderHistory(main, ctx, params);
    } catch (err) {
      takeName.setAttribute('aria-invalid', 'true');
      takeErr.textContent = err.message;
    }
  }

  async function remove(s) {
    if (!window.confirm(`Delete the snapshot "${s.name}"? It cannot be recomputed once deleted.`)) return;
    try {
      await api.deleteSnapshot(s.id);
      toast(`Snapshot "${s.name}" deleted.`);
      renderHistory(main, ctx, new URLSearchParams());
    } catch (err) {
      toast(err.message, 'error');
    }
  }
}

/* ---- the comparison ---- */

function drawComparison(box, c) {
  const m = c.method;
  const rows = [...c.rows].sort((a, b) => Math.abs(b.risk_change) - Math.abs(a.risk_change) || a.site_id.localeCompare(b.site_id));
  const changed = rows.filter((r) => r.risk_change !== 0);
  const onlyChanged = el('input', { type: 'checkbox', id: 'hist-changed', checked: true });
  const body = el('tbody', {});
  const n = c.nation;
  // the causes with a part somewhere: the others' columns would be all dots
  const shown = CAUSES.filter(([k]) => rows.some((r) => r.changes[k]));
  const fill = () => put(body, (onlyChanged.checked ? changed : rows).map((r) => siteRow(m, r, shown)));
  onlyChanged.addEventListener('change', fill);
  fill();
  const chartBox = el('div', { class: 'hist-chart' });
  put(box,
    el('p', { dataset: { testid: 'hist-summary' } },
      el('strong', {}, c.from.name), ` (${when(c.from.taken_at)}) to `, el('strong', {}, c.to.name),
      ` (${when(c.to.taken_at)}), ${m === 'fema' ? 'FEMA worst-pair score' : 'expected loss in EUR a year once the measures in place count'}, at threat level ${c.threat_level}.`),
    el('div', { class: 'cards', dataset: { testid: 'hist-nation' } },
      card('Then', figure(m, n.risk_from), `${n.sites} sites you may read`),
      card('Now', figure(m, n.risk_to), ''),
      card('Change', signed(m, n.risk_change), n.risk_from ? `${(100 * n.risk_change / n.risk_from).toFixed(1)} %` : ''),
      CAUSES.filter(([k]) => n.changes[k]).map(([k, w]) => card(w, signed(m, n.changes[k]), ''))),
    chartBox,
    el('div', { class: 'table-tools' },
      el('label', { class: 'check', for: 'hist-changed' }, onlyChanged, ` only sites whose risk changed (${changed.length} of ${rows.length})`),
      csvLink(c)),
    el('div', { class: 'table-scroll' }, el('table', { class: 'table hist-table', id: 'hist-rows' },
      el('caption', { class: 'sr-only' }, 'Each site\'s risk then and now and the causes of its change'),
      el('thead', {}, el('tr', {},
        ['Site', 'Label', 'Then', 'Now', 'Change', 'Main cause', ...shown.map(([, w]) => w)].map((h, i) =>
          el('th', { scope: 'col', class: i >= 2 && i !== 5 ? 'num' : null }, h)))),
      body)),
    totalsTable('By sector', 'sector', c.sectors, m, sectorName),
    totalsTable('By region', 'region', c.regions, m, (x) => x || '—'));
  drawChart(chartBox, c);
}

function card(title, value, sub) {
  return el('div', { class: 'card' }, el('div', { class: 'card-title' }, title), el('div', { class: 'card-value' }, value), sub ? el('div', { class: 'card-sub' }, sub) : null);
}

function siteRow(m, r, shown) {
  return el('tr', { dataset: { site: r.site_id, cause: r.main_cause } },
    el('th', { scope: 'row', class: 'site-cell' }, el('a', { href: '#/site/' + encodeURIComponent(r.site_id) }, r.name), el('span', { class: 'site-id' }, r.site_id),
      r.change !== 'kept' ? el('span', { class: 'muted small' }, ` (${r.change})`) : null),
    el('td', {}, tlpBadge(r.tlp)),
    el('td', { class: 'num' }, r.change === 'new' ? '—' : [figure(m, r.risk_from), ' ', bandBadge(r.band_from, m)]),
    el('td', { class: 'num' }, r.change === 'removed' ? '—' : [figure(m, r.risk_to), ' ', bandBadge(r.band_to, m)]),
    el('td', { class: 'num', dataset: { testid: 'hist-change' } }, el('strong', { class: r.risk_change < 0 ? 'fall' : r.risk_change > 0 ? 'rise' : null }, signed(m, r.risk_change))),
    el('td', { dataset: { testid: 'hist-cause' } }, CAUSE_WORDS[r.main_cause] || el('span', { class: 'muted' }, 'no change')),
    shown.map(([k]) => el('td', { class: 'num' }, r.changes[k] ? signed(m, r.changes[k]) : el('span', { class: 'muted' }, '·'))));
}

function totalsTable(title, key, totals, m, label) {
  return el('details', { class: 'hist-totals' },
    el('summary', {}, title),
    el('div', { class: 'table-scroll' }, el('table', { class: 'table', dataset: { testid: `hist-by-${key}` } },
      el('thead', {}, el('tr', {}, [key === 'sector' ? 'Sector' : 'Region', 'Sites', 'Then', 'Now', 'Change', ...CAUSES.map(([, w]) => w)].map((h, i) => el('th', { scope: 'col', class: i ? 'num' : null }, h)))),
      el('tbody', {}, totals.map((t) => el('tr', {},
        el('th', { scope: 'row' }, label(t[key])),
        el('td', { class: 'num' }, String(t.sites)),
        el('td', { class: 'num' }, figure(m, t.risk_from)),
        el('td', { class: 'num' }, figure(m, t.risk_to)),
        el('td', { class: 'num' }, signed(m, t.risk_change)),
        CAUSES.map(([k]) => el('td', { class: 'num' }, t.changes[k] ? signed(m, t.changes[k]) : '·'))))))));
}

/** The change of the nation's risk by cause, as a bar per cause (Chart.js, vendored). */
function drawChart(box, c) {
  const Chart = window.Chart;
  const parts = CAUSES.filter(([k]) => c.nation.changes[k]);
  if (!Chart || !parts.length) return;
  const canvas = el('canvas', { role: 'img', 'aria-label': 'Chart of the change of the total risk by cause; the cards above give the same figures.' });
  put(box, el('div', { class: 'chart-wrap', style: `height:${Math.max(140, parts.length * 34 + 60)}px` }, canvas));
  const m = c.method;
  new Chart(canvas, {
    type: 'bar',
    data: {
      labels: parts.map(([, w]) => w),
      datasets: [{ label: 'change of the total', data: parts.map(([k]) => c.nation.changes[k]), backgroundColor: parts.map(([k]) => CAUSE_COLOURS[k]) }],
    },
    options: {
      indexAxis: 'y', responsive: true, maintainAspectRatio: false, animation: false,
      plugins: {
        legend: { display: false },
        title: { display: true, text: 'Change of the total by cause', align: 'start', color: '#333' },
        tooltip: { callbacks: { label: (x) => signed(m, x.raw) } },
      },
      scales: { x: { ticks: { callback: (v) => signed(m, v) } } },
    },
  });
}

/** A CSV of the comparison as shown, its first line the marking (as the command line writes it). */
function csvLink(c) {
  const q = (s) => (/[",\n\r]/.test(s) || /^[=+\-@\t\r]/.test(s) ? `"${String(s).replace(/^([=+\-@\t\r])/, "'$1").replace(/"/g, '""')}"` : s);
  const lines = [`# ${c.tlp}`, ['site_id', 'name', 'sector', 'region', 'tlp', 'change', 'risk_from', 'risk_to', 'risk_change', ...CAUSES.map(([k]) => k), 'main_cause'].join(',')];
  for (const r of c.rows) {
    lines.push([q(r.site_id), q(r.name), q(r.sector), q(r.region), r.tlp, r.change, r.risk_from, r.risk_to, r.risk_change,
      ...CAUSES.map(([k]) => r.changes[k]), r.main_cause].join(','));
  }
  const n = c.nation;
  lines.push(['TOTAL', '', '', '', '', '', n.risk_from, n.risk_to, n.risk_change, ...CAUSES.map(([k]) => n.changes[k]), ''].join(','));
  return el('a', {
    class: 'btn btn-small', dataset: { testid: 'hist-csv' }, download: `comparison-${c.from.id}-${c.to.id || 'now'}.csv`,
    href: URL.createObjectURL(new Blob([lines.join('\r\n') + '\r\n'], { type: 'text/csv' })),
  }, `Download CSV (${c.tlp})`);
}
