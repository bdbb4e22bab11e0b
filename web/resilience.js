// resilience.js - the resilience view (issue 12): pick sites to fail and watch the cascade on a
// map with a time slider, a chart of people without service and of each site's service level,
// the affected sites with their figures; and the single points of failure, ranked.

import * as api from './api.js';
import { el, put, num, eur, pct } from './ui.js';

const DEFAULT_HOURS = 168;
const SPOF_TOPS = [10, 20, 50, 100];
const CHART_SITES = 5;          // sites whose service is drawn on the chart at first
const PLAY_STEPS = 120;         // a play through the horizon takes this many ticks
const PLAY_TICK_MS = 100;
const PICK_SHOWN = 8;           // suggestions shown under the site search

/* The states of a site at the slider's time: colour, size and words (colour is never alone). */
const STATES = {
  failed: { colour: '#8e0000', radius: 10, label: 'failed (no service)' },
  degraded: { colour: '#e08a00', radius: 8.5, label: 'degraded (open, reduced service)' },
  restored: { colour: '#2e7d32', radius: 7.5, label: 'restored (full service again)' },
  waiting: { colour: '#ffffff', radius: 7, label: 'not affected yet' },
};
const OTHER = '#9aa0a6';
const SITE_COLOURS = ['#0b5cad', '#6a3d9a', '#1e6b32', '#8a5a00', '#b3005a', '#00707a', '#555d66', '#3b4cc0'];
const MARKER = '#ffbf47';
const NARROW = '(max-width: 600px)';   // a phone: the map's legend goes under the map       // the slider's time on the chart (the focus colour, outlined)

/** Hours as people read them: "36 h", "1.5 h"; null as the given words. */
function hours(x, none = '—') {
  if (x === null || x === undefined || !Number.isFinite(x)) return none;
  return `${Number.isInteger(x) ? num(x) : (Math.round(x * 10) / 10).toLocaleString('en-GB')} h`;
}

export async function renderResilience(main, ctx, params) {
  const token = ctx.token;
  const [sites, outline] = await Promise.all([api.sites(), api.regionOutline()]);
  if (token !== ctx.token) return;
  const byId = new Map(sites.items.map((s) => [s.id, s]));
  const state = { picked: [], seq: 0, result: null, map: null, chart: null, t: 0, timer: null, onChart: new Set() };

  /* ---- the form: sites to fail, repair time, horizon ---- */
  const search = el('input', {
    type: 'search', id: 'res-search', autocomplete: 'off', placeholder: 'Name or id, e.g. VM-002',
    'aria-describedby': 'res-search-help', 'aria-controls': 'res-suggest', dataset: { testid: 'res-search' },
  });
  const suggest = el('ul', { class: 'res-suggest', id: 'res-suggest', 'aria-label': 'Matching sites' });
  const chips = el('ul', { class: 'res-chips', 'aria-label': 'Sites that fail', dataset: { testid: 'res-picked' } });
  const repair = el('input', { type: 'number', id: 'res-repair', name: 'repair_hours', min: '0', step: 'any', inputmode: 'decimal', placeholder: 'whole horizon', 'aria-describedby': 'res-repair-help res-repair-err' });
  const horizon = el('input', { type: 'number', id: 'res-hours', name: 'hours', min: '1', step: 'any', inputmode: 'decimal', value: String(DEFAULT_HOURS), required: true, 'aria-describedby': 'res-hours-help res-hours-err' });
  const repairErr = el('span', { class: 'field-error', id: 'res-repair-err', role: 'alert' });
  const horizonErr = el('span', { class: 'field-error', id: 'res-hours-err', role: 'alert' });
  const pickErr = el('span', { class: 'field-error', id: 'res-pick-err', role: 'alert' });
  const runBtn = el('button', { type: 'submit', class: 'btn btn-primary', dataset: { testid: 'res-run' } }, 'Run the cascade');
  const status = el('p', { class: 'form-status plan-status', role: 'status', 'aria-live': 'polite', dataset: { testid: 'res-status' } });
  const formErr = el('p', { class: 'form-error', role: 'alert', id: 'res-error' });

  if (params.get('fail')) {
    for (const id of params.get('fail').split(',')) if (id && !state.picked.includes(id)) state.picked.push(id);
  }
  if (params.get('repair_hours')) repair.value = params.get('repair_hours');
  if (params.get('hours')) horizon.value = params.get('hours');

  const form = el('form', { class: 'form res-form', novalidate: true },
    el('div', { class: 'field res-pick' },
      el('label', { for: 'res-search' }, 'Sites that fail'),
      chips, search,
      el('p', { class: 'help', id: 'res-search-help' }, `Search the ${num(sites.items.length)} sites you may see by name or id; choose one or several.`),
      pickErr, suggest),
    el('div', { class: 'field' },
      el('label', { for: 'res-repair' }, 'Repair time (hours)'), repair,
      el('p', { class: 'help', id: 'res-repair-help' }, 'How long the chosen sites stay down. Empty: down for the whole horizon.'), repairErr),
    el('div', { class: 'field' },
      el('label', { for: 'res-hours' }, 'Horizon (hours)'), horizon,
      el('p', { class: 'help', id: 'res-hours-help' }, `How far to follow the cascade; ${DEFAULT_HOURS} h is one week.`), horizonErr),
    el('div', { class: 'field field-go' }, runBtn),
    formErr);

  const results = el('div', { class: 'res-results', dataset: { testid: 'res-results' }, 'aria-live': 'off' },
    el('p', { class: 'muted' }, 'Choose one or more sites and run the cascade to see what follows from their failure.'));
  const spofBox = el('div', { class: 'res-spof', dataset: { testid: 'spof' } });

  put(main,
    el('div', { class: 'page-head' }, el('h1', {}, 'Resilience'), status),
    el('section', { class: 'panel res-intro', 'aria-label': 'What this view shows' },
      el('p', {}, el('strong', {}, 'A cascade'), ': when a site fails, the sites that depend on it (for power, water, telecom, transport…) lose that supply; once their own backup runs out, hours later, they lose service and may fail in turn.'),
      el('p', {}, el('strong', {}, 'A single point of failure'), ': one site whose failure alone leaves many people without service elsewhere.'),
      el('p', { class: 'muted small' }, 'Person-hours: people without service multiplied by the hours they go without it (1,000 people for 3 h = 3,000 person-hours).')),
    el('section', { class: 'panel', 'aria-labelledby': 'res-run-title' },
      el('h2', { id: 'res-run-title' }, 'Simulate a failure'), form),
    results,
    el('section', { class: 'panel', 'aria-labelledby': 'spof-title' },
      el('h2', { id: 'spof-title' }, 'Single points of failure'),
      el('p', { class: 'muted small' }, 'Every site that supplies others, failed alone, ranked by the person-hours of service its failure costs.'),
      spofBox));

  /* ---- the site picker ---- */
  function drawChips() {
    put(chips, state.picked.map((id) => {
      const s = byId.get(id);
      const name = s ? s.name : id;
      return el('li', { class: 'res-chip', dataset: { site: id } },
        el('span', {}, name, el('span', { class: 'chip-id' }, ` ${id}`)),
        el('button', { type: 'button', class: 'chip-x', 'aria-label': `Remove ${name}`, title: `Remove ${name}`, onclick: () => { unpick(id); search.focus(); } }, '×'));
    }));
    chips.hidden = !state.picked.length;
  }
  function pick(id) {
    if (!state.picked.includes(id)) state.picked.push(id);
    pickErr.textContent = '';
    search.removeAttribute('aria-invalid');
    search.value = '';
    drawSuggest();
    drawChips();
  }
  function unpick(id) {
    state.picked = state.picked.filter((x) => x !== id);
    drawChips();
  }
  function matches() {
    const q = search.value.trim().toLowerCase();
    if (!q) return [];
    return sites.items.filter((s) => !state.picked.includes(s.id) &&
      (s.id.toLowerCase().includes(q) || s.name.toLowerCase().includes(q)));
  }
  function drawSuggest() {
    const hits = matches();
    put(suggest, hits.slice(0, PICK_SHOWN).map((s) => el('li', {},
      el('button', { type: 'button', class: 'res-option', dataset: { site: s.id }, onclick: () => { pick(s.id); search.focus(); } },
        el('span', { class: 'opt-name' }, s.name), el('span', { class: 'site-id' }, `${s.id} · ${s.region || ''}`)))),
    hits.length > PICK_SHOWN ? el('li', { class: 'muted small res-more' }, `${hits.length - PICK_SHOWN} more: type more of the name`) : null,
    search.value.trim() && !hits.length ? el('li', { class: 'muted small res-more' }, 'No site you may see matches.') : null);
    suggest.hidden = !search.value.trim();
  }
  search.addEventListener('input', drawSuggest);
  search.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && search.value.trim()) {
      ev.preventDefault();
      const q = search.value.trim().toLowerCase();
      const hits = matches();
      const exact = hits.find((s) => s.id.toLowerCase() === q) || (hits.length === 1 ? hits[0] : null);
      if (exact) pick(exact.id);
      else pickErr.textContent = hits.length ? 'Several sites match: choose one in the list.' : 'No site you may see matches.';
    } else if (ev.key === 'ArrowDown') {
      const first = suggest.querySelector('button');
      if (first) { ev.preventDefault(); first.focus(); }
    }
  });
  suggest.addEventListener('keydown', (ev) => {
    const buttons = [...suggest.querySelectorAll('button')];
    const i = buttons.indexOf(document.activeElement);
    if (ev.key === 'ArrowDown' && i >= 0 && i < buttons.length - 1) { ev.preventDefault(); buttons[i + 1].focus(); }
    if (ev.key === 'ArrowUp' && i >= 0) { ev.preventDefault(); (i ? buttons[i - 1] : search).focus(); }
    if (ev.key === 'Escape') { search.focus(); search.value = ''; drawSuggest(); }
  });
  drawChips();
  drawSuggest();

  /* ---- running a cascade ---- */
  function readNumber(input, err, { min, allowEmpty }) {
    input.removeAttribute('aria-invalid');
    err.textContent = '';
    const v = input.value.trim();
    if (v === '') {
      if (allowEmpty) return { value: null };
      err.textContent = 'required';
      input.setAttribute('aria-invalid', 'true');
      return { error: true };
    }
    const x = Number(v);
    if (!Number.isFinite(x) || x < min) {
      err.textContent = min > 0 ? 'must be a number of hours above 0' : 'must be a number of hours, 0 or more';
      input.setAttribute('aria-invalid', 'true');
      return { error: true };
    }
    return { value: x };
  }

  async function run() {
    formErr.textContent = '';
    const r = readNumber(repair, repairErr, { min: 0, allowEmpty: true });
    const h = readNumber(horizon, horizonErr, { min: Number.MIN_VALUE, allowEmpty: false });
    if (!state.picked.length) {
      pickErr.textContent = 'Choose at least one site.';
      search.setAttribute('aria-invalid', 'true');
    }
    if (r.error || h.error || !state.picked.length) {
      (r.error ? repair : h.error ? horizon : search).focus();
      return;
    }
    const q = { fail: [...state.picked], repair_hours: r.value, hours: h.value };
    const u = new URLSearchParams({ fail: q.fail.join(',') });
    if (r.value !== null) u.set('repair_hours', String(r.value));
    u.set('hours', String(h.value));
    // the commas between the ids stay literal in the address, as in the request (readable, and
    // what the server reads as a list)
    history.replaceState(null, '', `#/resilience?${String(u).replace(/%2C/gi, ',')}`);
    const me = ++state.seq;
    stop();
    runBtn.disabled = true;
    results.setAttribute('aria-busy', 'true');
    results.classList.add('is-busy');
    status.textContent = 'Computing the cascade…';
    try {
      const c = await api.cascade(q);
      if (me !== state.seq || token !== ctx.token) return;
      status.textContent = `Cascade computed: ${num(c.affected.length)} ${c.affected.length === 1 ? 'site' : 'sites'} affected.`;
      state.result = c;
      drawResult(c);
    } catch (e) {
      if (me !== state.seq || token !== ctx.token) return;
      status.textContent = '';
      formErr.textContent = errorText(e);
      const field = { repair_hours: [repair, repairErr], hours: [horizon, horizonErr], fail: [search, pickErr] }[e.field];
      if (field && e.status === 400) { field[0].setAttribute('aria-invalid', 'true'); field[1].textContent = e.detail || e.message; }
    } finally {
      if (me === state.seq) {
        runBtn.disabled = false;
        results.removeAttribute('aria-busy');
        results.classList.remove('is-busy');
      }
    }
  }
  form.addEventListener('submit', (ev) => { ev.preventDefault(); run(); });

  /* ---- the result ---- */
  function drawResult(c) {
    if (state.chart) { state.chart.destroy(); state.chart = null; }
    if (state.map) { state.map.remove(); state.map = null; }
    const H = c.hours;
    const thr = c.threshold;
    const visible = c.affected.slice();
    const stepsBy = new Map();
    for (const s of c.steps) {
      if (!stepsBy.has(s.site_id)) stepsBy.set(s.site_id, []);
      stepsBy.get(s.site_id).push(s);
    }
    for (const list of stepsBy.values()) list.sort((a, b) => a.t_h - b.t_h);
    const serviceAt = (id, t) => {
      let v = 1;
      let hit = false;
      for (const s of stepsBy.get(id) || []) { if (s.t_h > t) break; v = s.service; if (v < 1) hit = true; }
      return { v, hit };
    };
    const stateAt = (a, t) => {
      const { v, hit } = serviceAt(a.site_id, t);
      if (stepsBy.has(a.site_id)) {
        if (v < thr) return 'failed';
        if (v < 1) return 'degraded';
        return hit ? 'restored' : 'waiting';
      }
      // no steps listed for the site: its failure and restoration times
      if (a.failed_at_h !== null && t >= a.failed_at_h && (a.restored_at_h === null || t < a.restored_at_h)) return 'failed';
      if (a.restored_at_h !== null && t >= a.restored_at_h) return 'restored';
      return 'waiting';
    };
    const chosen = new Set(c.fail);
    visible.sort((a, b) => (b.person_hours_lost || 0) - (a.person_hours_lost || 0));
    // on the chart at first: the sites chosen to fail, then the costliest others, CHART_SITES in all
    state.onChart = new Set(visible.filter((a) => chosen.has(a.site_id)).map((a) => a.site_id));
    for (const a of visible) if (state.onChart.size < CHART_SITES) state.onChart.add(a.site_id);

    const peak = c.series.reduce((m, p) => Math.max(m, p.people_without_service || 0), 0);
    const failedCount = visible.filter((a) => a.failed_at_h !== null).length;
    const hidden = hiddenAffected(c, visible);
    // the run's person-hours are over every site for readers told how many sites are hidden
    // from them (the answer has withheld), else over the sites they may see; the series, the
    // map, the table and the recovery only over the sites the reader may see
    const allSites = c.withheld !== undefined && c.withheld !== null;
    const totals = el('section', { class: 'panel res-totals-panel', 'aria-labelledby': 'res-totals-title' },
      el('h2', { id: 'res-totals-title' }, allSites ? 'Totals of the run, over every site' : 'Totals of the run, at the sites you can see'),
      el('div', { class: 'cards', dataset: { testid: 'res-totals' } },
        card('Person-hours lost', `${num(c.person_hours_lost)} person-hours`, `${allSites ? 'every site' : 'the sites you can see'}, over ${hours(H)}`, 'res-person-hours'),
        card('Full recovery', c.recovery_h === null ? 'not within the horizon' : `after ${hours(c.recovery_h)}`,
          c.recovery_h === null ? `some service is still missing at ${hours(H)}` : 'every site you can see back to full service', 'res-recovery')),
      el('p', { class: 'muted small', dataset: { testid: 'res-count-rule' } }, PER_SERVICE),
      el('h2', { id: 'res-visible-title' }, 'At the sites you can see'),
      el('div', { class: 'cards', dataset: { testid: 'res-visible' } },
        card('Most people without a service', `${num(peak)} people`, 'at one time, at the sites you can see; once per lost service', 'res-peak'),
        card('Sites affected', `${num(visible.length)} ${visible.length === 1 ? 'site' : 'sites'}`, `${num(failedCount)} failed${hasCount(c.withheld) ? ` · ${withheldText(c.withheld)}` : ''}`, 'res-affected-count')),
      hidden ? el('p', { class: 'muted small', dataset: { testid: 'res-hidden-note' } }, HIDDEN_ASK) : null);

    const slider = el('input', { type: 'range', id: 'res-time', min: '0', max: String(H), step: String(H > 200 ? 1 : 0.5), value: '0', 'aria-describedby': 'res-time-text', dataset: { testid: 'res-slider' } });
    const timeText = el('output', { id: 'res-time-text', for: 'res-time', class: 'res-time-text', dataset: { testid: 'res-time' } });
    const play = el('button', { type: 'button', class: 'btn', 'aria-pressed': 'false', dataset: { testid: 'res-play' } }, 'Play');
    const counts = el('p', { class: 'res-counts', 'aria-live': 'polite', dataset: { testid: 'res-counts' } });
    const mapBox = el('div', { class: 'map res-map', id: 'res-map', role: 'region', 'aria-label': 'Map of the affected sites, coloured by their service at the chosen time' });
    const chartBox = el('div', { class: 'chart-wrap res-chart-wrap' });
    const tableBox = el('div', {});

    put(results,
      totals,
      el('section', { class: 'panel', 'aria-labelledby': 'res-time-title' },
        el('h2', { id: 'res-time-title' }, 'The cascade over time'),
        el('div', { class: 'res-timebar' },
          el('label', { for: 'res-time' }, 'Hours after the failure'), slider, timeText, play),
        counts,
        el('div', { class: 'dash-grid res-grid' },
          el('div', {}, mapBox),
          el('div', {}, chartBox,
            el('p', { class: 'muted small', dataset: { testid: 'res-chart-note' } }, `Left axis: people without a service at the sites you can see (a person who loses two services counts twice). Right axis: the service level of the sites ticked in the table below (100% = full service; below ${pct(thr)} a site fails).`)))),
      el('section', { class: 'panel', 'aria-labelledby': 'res-table-title' },
        el('h2', { id: 'res-table-title' }, 'Affected sites'), tableBox));

    state.map = drawCascadeMap(mapBox, outline, sites.items, visible, chosen);
    const setTime = (t) => {
      state.t = Math.max(0, Math.min(H, t));
      slider.value = String(state.t);
      timeText.textContent = hours(state.t);
      const n = { failed: 0, degraded: 0, restored: 0, waiting: 0 };
      const st = new Map(visible.map((a) => { const s = stateAt(a, state.t); n[s]++; return [a.site_id, s]; }));
      state.map.update(st);
      counts.textContent = `At ${hours(state.t)}: ${n.failed} failed, ${n.degraded} degraded, ${n.restored} restored, ${n.waiting} not affected yet; ${num(peopleAt(c.series, state.t))} people without a service at the sites you can see.`;
      for (const tr of tableBox.querySelectorAll('tr[data-site]')) {
        const s = st.get(tr.dataset.site);
        const cell = tr.querySelector('[data-testid=res-now]');
        if (cell) put(cell, el('span', { class: `state state-${s}` }, stateWord(s)), ` · ${pct(serviceAt(tr.dataset.site, state.t).v)}`);
      }
      if (state.chart) { state.chart.$t = state.t; state.chart.draw(); }
    };
    slider.addEventListener('input', () => { stop(); setTime(Number(slider.value)); });
    play.addEventListener('click', () => {
      if (state.timer) { stop(); return; }
      if (state.t >= H) setTime(0);
      play.textContent = 'Pause';
      play.setAttribute('aria-pressed', 'true');
      state.playBtn = play;
      state.timer = setInterval(() => {
        const next = state.t + H / PLAY_STEPS;
        setTime(next);
        if (next >= H) stop();
      }, PLAY_TICK_MS);
    });

    const redrawChart = () => {
      if (state.chart) state.chart.destroy();
      state.chart = drawCascadeChart(chartBox, c, visible.filter((a) => state.onChart.has(a.site_id)), stepsBy, (t) => { stop(); setTime(t); });
      if (state.chart) { state.chart.$t = state.t; state.chart.draw(); }
    };
    drawAffected(tableBox, c, visible, chosen, state.onChart, redrawChart);
    redrawChart();
    setTime(0);
  }

  function stop() {
    clearInterval(state.timer);
    state.timer = null;
    if (state.playBtn) { state.playBtn.textContent = 'Play'; state.playBtn.setAttribute('aria-pressed', 'false'); }
  }
  // the timer must not outlive the view
  window.addEventListener('hashchange', stop, { once: true });

  /* ---- single points of failure ---- */
  const top = el('select', { id: 'spof-top' }, SPOF_TOPS.map((k) => el('option', { value: String(k), selected: k === 20 }, `top ${k}`)));
  const spofBtn = el('button', { type: 'button', class: 'btn', dataset: { testid: 'spof-run' } }, 'Rank the single points of failure');
  const spofOut = el('div', { 'aria-live': 'polite' });
  put(spofBox, el('div', { class: 'table-tools' }, el('label', { for: 'spof-top' }, 'Show'), top, spofBtn), spofOut);
  let spofSeq = 0;
  async function runSpof() {
    const me = ++spofSeq;
    spofBtn.disabled = true;
    spofOut.setAttribute('aria-busy', 'true');
    put(spofOut, el('p', { class: 'muted', role: 'status' }, 'Failing each supplying site in turn…'));
    try {
      const s = await api.spof(Number(top.value));
      if (me !== spofSeq || token !== ctx.token) return;
      drawSpof(spofOut, s, (id) => {
        state.picked = [id];
        drawChips();
        form.scrollIntoView({ block: 'start' });
        run();
      });
    } catch (e) {
      if (me !== spofSeq) return;
      put(spofOut, el('p', { class: 'form-error', role: 'alert' }, errorText(e)));
    } finally {
      if (me === spofSeq) { spofBtn.disabled = false; spofOut.removeAttribute('aria-busy'); }
    }
  }
  spofBtn.addEventListener('click', runSpof);
  top.addEventListener('change', () => { if (spofOut.querySelector('table')) runSpof(); });

  if (state.picked.length) await run();
}

/** The server's refusal in plain words; a full compute pool says when to try again. */
function errorText(e) {
  if (e.status === 429 || e.status === 503) {
    return `${e.message[0].toUpperCase()}${e.message.slice(1)}. Try again in ${e.retryAfter ? hours0(e.retryAfter) : 'a moment'}.`;
  }
  if (e.status === 404) return `${e.message} (a site that does not exist or that you may not see)`;
  return e.detail || e.message;
}
function hours0(s) { return `${s} second${s === 1 ? '' : 's'}`; }

/** A count the answer gives: withheld is null or absent for a caller who may not see such counts. */
function hasCount(n) { return Number.isInteger(n) && n > 0; }

/* How people are counted, said wherever people or person-hours are shown (docs/methodology.md). */
const PER_SERVICE = 'People are counted once per service they lose: a person who loses two services (say power and water) counts twice, in the people and in the person-hours.';
/* Who to ask about a site one may not see (its owner cannot be named: that would show it). */
const HIDDEN_ASK = 'Sites you may not see are affected too: the totals above include them; the map, chart and table leave them out. Their owners can share them with you (your organisation\'s administrator can tell you whom to ask).';

/** Whether the run touched sites the reader may not see: a withheld count, or totals above
    what the visible sites add up to. */
function hiddenAffected(c, visible) {
  if (hasCount(c.withheld)) return true;
  const seen = visible.reduce((m, a) => m + (a.person_hours_lost || 0), 0);
  return Number.isFinite(c.person_hours_lost) && c.person_hours_lost > seen * (1 + 1e-9) + 0.5;
}

function withheldText(n) { return `${num(n)} ${n === 1 ? 'site' : 'sites'} withheld`; }

function stateWord(s) { return { failed: 'failed', degraded: 'degraded', restored: 'restored', waiting: 'not affected yet' }[s] || s; }

function peopleAt(series, t) {
  let v = 0;
  for (const p of series) { if (p.t_h > t) break; v = p.people_without_service; }
  return v;
}

function card(title, value, sub, testid) {
  return el('div', { class: 'card', dataset: testid ? { testid } : {} },
    el('div', { class: 'card-title' }, title),
    el('div', { class: 'card-value' }, value),
    el('div', { class: 'card-sub' }, sub));
}

/** The affected sites: when each failed and came back, its lowest service, its person-hours. */
function drawAffected(box, c, visible, chosen, onChart, redraw) {
  if (!visible.length) {
    put(box, el('p', { class: 'note' }, 'No site you may see loses any service.'),
      hasCount(c.withheld) ? el('p', { class: 'muted', dataset: { testid: 'res-withheld' } }, `${withheldText(c.withheld)}: affected sites you may not see (their people are in the totals).`) : null);
    return;
  }
  const rows = visible.map((a) => {
    const box2 = el('input', { type: 'checkbox', id: `res-on-${a.site_id}`, checked: onChart.has(a.site_id), 'aria-label': `Show ${a.name} on the chart` });
    box2.addEventListener('change', () => { if (box2.checked) onChart.add(a.site_id); else onChart.delete(a.site_id); redraw(); });
    return el('tr', { dataset: { site: a.site_id } },
      el('td', { class: 'res-on' }, box2),
      el('th', { scope: 'row', class: 'site-cell' },
        el('a', { href: '#/site/' + encodeURIComponent(a.site_id) }, a.name),
        el('span', { class: 'site-id' }, a.site_id, ` · serves ${num(a.population_served)} people`, chosen.has(a.site_id) ? ' · chosen to fail' : '')),
      el('td', { class: 'num', dataset: { testid: 'res-failed-at' } }, a.failed_at_h === null ? 'never' : hours(a.failed_at_h)),
      el('td', { class: 'num num-wrap', dataset: { testid: 'res-restored-at' } }, a.restored_at_h === null ? 'not within the horizon' : hours(a.restored_at_h)),
      el('td', { class: 'num' }, pct(a.min_service)),
      el('td', { class: 'num' }, `${num(a.person_hours_lost)}`),
      el('td', { class: 'nowrap', dataset: { testid: 'res-now' } }));
  });
  put(box,
    el('div', { class: 'table-scroll' }, el('table', { class: 'table res-table', id: 'res-affected' },
      el('caption', { class: 'sr-only' }, 'Sites whose service dropped in the cascade, with when they failed and were restored'),
      el('thead', {}, el('tr', {}, ['On chart', 'Site', 'Failed at', 'Restored at', 'Lowest service', 'Person-hours lost (per service)', 'At the chosen time']
        .map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows))),
    el('p', { class: 'muted small' }, `Times are hours after the failure. A site fails when its service falls below ${pct(c.threshold)}; a degraded site stays open and keeps supplying others.`),
    hasCount(c.withheld) ? el('p', { class: 'muted', dataset: { testid: 'res-withheld' } }, `${withheldText(c.withheld)}: affected sites you may not see; their people are counted in the totals.`) : null);
}

/** The chart: people without service (left axis) and the service of chosen sites (right). */
function drawCascadeChart(box, c, shown, stepsBy, onPick) {
  const Chart = window.Chart;
  if (!Chart) { put(box, el('p', { class: 'note' }, 'The chart library is not available; the table lists the same figures.')); return null; }
  const H = c.hours;
  const canvas = el('canvas', { id: 'res-chart', role: 'img', 'aria-label': `Chart over ${hours(H)}: people without a service at the sites you can see, at most ${num(c.series.reduce((m, p) => Math.max(m, p.people_without_service || 0), 0))}; and the service level of ${shown.length} sites. The table below lists the same figures.` });
  put(box, canvas);
  const people = c.series.map((p) => ({ x: p.t_h, y: p.people_without_service }));
  if (!people.length || people[0].x > 0) people.unshift({ x: 0, y: 0 });
  if (people[people.length - 1].x < H) people.push({ x: H, y: people[people.length - 1].y });
  const datasets = [{
    label: 'people without a service (at the sites you can see)', data: people, yAxisID: 'y', stepped: true,
    borderColor: '#1b1f24', backgroundColor: 'rgba(27,31,36,0.12)', fill: 'origin', borderWidth: 2, pointRadius: 0,
  }];
  shown.forEach((a, i) => {
    const pts = [{ x: 0, y: 100 }];
    for (const s of stepsBy.get(a.site_id) || []) pts.push({ x: s.t_h, y: s.service * 100 });
    pts.push({ x: H, y: pts[pts.length - 1].y });
    datasets.push({
      label: `${a.name} (service)`, data: pts, yAxisID: 'y1', stepped: true,
      borderColor: SITE_COLOURS[i % SITE_COLOURS.length], borderWidth: 2, pointRadius: 0, borderDash: i % 2 ? [6, 3] : [],
    });
  });
  const marker = {
    id: 'timeMarker',
    afterDatasetsDraw(chart) {
      const t = chart.$t;
      if (!Number.isFinite(t)) return;
      const x = chart.scales.x.getPixelForValue(t);
      const { top, bottom } = chart.chartArea;
      const g = chart.ctx;
      g.save();
      g.strokeStyle = '#1b1f24';
      g.lineWidth = 5;
      g.beginPath(); g.moveTo(x, top); g.lineTo(x, bottom); g.stroke();
      g.strokeStyle = MARKER;
      g.lineWidth = 3;
      g.beginPath(); g.moveTo(x, top); g.lineTo(x, bottom); g.stroke();
      const label = hours(t);
      g.font = 'bold 12px "DejaVu Sans", sans-serif';
      const w = g.measureText(label).width + 8;
      const lx = Math.min(Math.max(x - w / 2, chart.chartArea.left), chart.chartArea.right - w);
      g.fillStyle = '#1b1f24';
      g.fillRect(lx, top, w, 17);
      g.fillStyle = '#ffffff';
      g.textBaseline = 'top';
      g.fillText(label, lx + 4, top + 3);
      g.restore();
    },
  };
  return new Chart(canvas, {
    type: 'line',
    data: { datasets },
    plugins: [marker],
    options: {
      responsive: true, maintainAspectRatio: false, animation: false, parsing: true,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 14, font: { size: 11 } } },
        tooltip: { callbacks: {
          title: (items) => (items.length ? `${hours(items[0].parsed.x)} after the failure` : ''),
          label: (ctx) => (ctx.dataset.yAxisID === 'y' ? `${num(ctx.parsed.y)} people without a service (at the sites you can see)` : `${ctx.dataset.label.replace(/ \(service\)$/, '')}: ${num(ctx.parsed.y)}% service`),
        } },
      },
      scales: {
        x: { type: 'linear', min: 0, max: H, title: { display: true, text: 'hours after the failure (h)' }, ticks: { callback: (v, i, ticks) => (i === ticks.length - 1 && i > 1 && v - ticks[i - 1].value < (ticks[1].value - ticks[0].value) / 2 ? '' : `${v} h`) } },
        y: { beginAtZero: true, position: 'left', title: { display: true, text: 'people without a service (sites you see)' }, ticks: { callback: (v) => num(v) } },
        // padded to -5..105% so that a line at 0% (failed) or 100% (full service) is not hidden
        // under the axis or the frame
        y1: { min: -5, max: 105, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: 'service level (%)' },
          afterBuildTicks: (axis) => { axis.ticks = [0, 20, 40, 60, 80, 100].map((value) => ({ value })); },
          ticks: { callback: (v) => `${v}%` } },
      },
      onClick: (evt, _els, chart) => {
        const x = chart.scales.x.getValueForPixel(evt.x);
        if (Number.isFinite(x)) onPick(Math.round(x * 2) / 2);
      },
    },
  });
}

/** The map: every visible site a small grey dot, the affected ones coloured by their state. */
function drawCascadeMap(box, outline, all, affected, chosen) {
  const L = window.L;
  if (!L) {
    box.append(el('p', { class: 'note' }, 'The map library is not available; the table below lists the affected sites.'));
    return { update() {}, remove() {} };
  }
  const map = L.map(box, { attributionControl: false, zoomSnap: 0.25, minZoom: 8, maxZoom: 16, scrollWheelZoom: false });
  const located = affected.filter((a) => Number.isFinite(a.lat) && Number.isFinite(a.lon));
  const regionFeature = outline && outline.features.find((f) => f.properties && f.properties.kind === 'region');
  let bounds = regionFeature ? L.geoJSON(regionFeature).getBounds() : null;
  if (!bounds && located.length) bounds = L.latLngBounds(located.map((a) => [a.lat, a.lon])).pad(0.15);
  if (bounds) map.fitBounds(bounds, { padding: [8, 8] });
  else map.setView([47.1, -12.0], 10);
  if (outline) {
    L.geoJSON(outline, {
      style: (f) => ({ water: { color: '#7fa6c0', weight: 1, fillColor: '#cfe3ef', fillOpacity: 1 }, district_boundary: { color: '#9c9584', weight: 1.2, dashArray: '5 5', fill: false } }[f.properties && f.properties.kind] || { color: '#6f6a5c', weight: 1.5, fillColor: '#f4f1e6', fillOpacity: 1 }),
      filter: (f) => f.properties && f.properties.kind !== 'district_label',
      interactive: false,
    }).addTo(map);
  }
  const hit = new Set(affected.map((a) => a.site_id));
  for (const s of all) {
    if (hit.has(s.id) || !Number.isFinite(s.lat) || !Number.isFinite(s.lon)) continue;
    L.circleMarker([s.lat, s.lon], { radius: 3.5, weight: 1, color: '#5f6368', fillColor: OTHER, fillOpacity: 0.7, interactive: false, className: 'res-other' }).addTo(map);
  }
  const markers = new Map();
  for (const a of located) {
    const m = L.circleMarker([a.lat, a.lon], { radius: 7, weight: chosen.has(a.site_id) ? 3.5 : 1.5, color: '#1b1b1b', fillColor: STATES.waiting.colour, fillOpacity: 0.95, className: 'res-marker' }).addTo(map);
    const go = () => { location.hash = '#/site/' + encodeURIComponent(a.site_id); };
    m.on('click', go);
    const node = m.getElement();
    if (node) {
      node.dataset.site = a.site_id;
      node.setAttribute('tabindex', '0');
      node.setAttribute('role', 'link');
      node.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); go(); } });
      node.addEventListener('focus', () => m.openTooltip());
      node.addEventListener('blur', () => m.closeTooltip());
    }
    markers.set(a.site_id, { m, a, node });
  }
  const legendBox = el('div', { class: 'legend', dataset: { testid: 'res-legend' } });
  if (window.matchMedia(NARROW).matches) {
    // on a phone the legend would cover most of the map: it goes under it
    legendBox.classList.add('legend-below');
    box.after(legendBox);
  } else {
    const legend = L.control({ position: 'topright' });
    legend.onAdd = () => legendBox;
    legend.addTo(map);
  }
  const ro = new ResizeObserver(() => { if (box.isConnected) map.invalidateSize(); });
  ro.observe(box);
  return {
    update(states) {
      const n = { failed: 0, degraded: 0, restored: 0, waiting: 0 };
      for (const { m, a, node } of markers.values()) {
        const s = states.get(a.site_id) || 'waiting';
        n[s]++;
        const st = STATES[s];
        m.setStyle({ fillColor: st.colour, dashArray: s === 'waiting' ? '3 2' : null });
        m.setRadius(st.radius);
        const text = `${a.name} (${a.site_id}): ${st.label}${chosen.has(a.site_id) ? ', chosen to fail' : ''}`;
        m.unbindTooltip();
        m.bindTooltip(`<strong>${escapeHtml(a.name)}</strong><br><span class="tt-sub">${escapeHtml(st.label)}${chosen.has(a.site_id) ? ' · chosen to fail' : ''} · failed at ${escapeHtml(a.failed_at_h === null ? 'never' : hours(a.failed_at_h))}</span>`, { direction: 'top', offset: [0, -6] });
        if (node) { node.setAttribute('aria-label', text); node.dataset.state = s; }
      }
      put(legendBox,
        el('div', { class: 'legend-title' }, 'Service'),
        Object.entries(STATES).map(([k, st]) => el('div', { class: 'legend-row' },
          el('span', { class: 'swatch' + (k === 'waiting' ? ' swatch-dashed' : ''), style: `background:${st.colour}` }), `${st.label} (${n[k]})`)),
        el('div', { class: 'legend-row' }, el('span', { class: 'swatch swatch-small', style: `background:${OTHER}` }), 'other sites'),
        el('div', { class: 'legend-foot' }, 'thick ring: chosen to fail'));
    },
    remove() { ro.disconnect(); legendBox.remove(); map.remove(); },
  };
}

/** The single points of failure, with a button to fail each one in the cascade above. */
function drawSpof(box, s, onFail) {
  const rows = s.spof || [];
  const settings = `Each supplying site failed alone for ${s.repair_hours === null || s.repair_hours === undefined ? 'the whole horizon' : hours(s.repair_hours)}, followed for ${hours(s.hours)}; a site fails below ${pct(s.threshold)} service; one person-hour of lost service is valued at €${Number(s.value_person_hour_eur).toLocaleString('en-GB', { maximumFractionDigits: 2 })}.`;
  if (!rows.length) {
    put(box, el('p', { class: 'note' }, 'No site you may see supplies another site.'), el('p', { class: 'muted small' }, settings));
    return;
  }
  const gaps = rankGaps(rows);
  put(box,
    el('p', { class: 'muted small' }, settings),
    el('div', { class: 'table-scroll' }, el('table', { class: 'table spof-table', id: 'spof-table' },
      el('caption', { class: 'sr-only' }, 'Single points of failure ranked by the person-hours their failure costs'),
      el('thead', {}, el('tr', {},
        ['Rank', 'Site', 'Person-hours lost (every site)', 'Person-hours lost elsewhere', 'Cost elsewhere (EUR)', 'Sites failed', 'Sites affected', 'Full recovery', '']
          .map((h, i) => el('th', { scope: 'col', class: i >= 2 && i <= 7 ? 'num-h' : null }, h || el('span', { class: 'sr-only' }, 'Action'))))),
      el('tbody', {}, rows.map((r) => el('tr', { dataset: { site: r.site_id } },
        el('td', { class: 'num rank' }, String(r.rank)),
        el('th', { scope: 'row', class: 'site-cell' }, el('a', { href: '#/site/' + encodeURIComponent(r.site_id) }, r.name), el('span', { class: 'site-id' }, r.site_id)),
        el('td', { class: 'num' }, num(r.person_hours_lost)),
        el('td', { class: 'num' }, num(r.downstream_person_hours)),
        el('td', { class: 'num' }, eur(r.downstream_eur)),
        el('td', { class: 'num' }, num(r.sites_failed)),
        el('td', { class: 'num' }, num(r.sites_affected)),
        el('td', { class: 'num num-wrap' }, r.recovery_h === null ? 'not within the horizon' : hours(r.recovery_h)),
        el('td', {}, el('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'spof-fail' }, 'aria-label': `Fail this site: ${r.name}, in the cascade above`, onclick: () => onFail(r.site_id) }, 'Fail this site'))))))),
    gaps.length ? el('p', { class: 'note', dataset: { testid: 'spof-gaps' } }, gapText(gaps)) : null,
    el('p', { class: 'muted small' }, `Person-hours: people without a service × hours, over every site (also those you may not see); a person who loses two services counts twice. "Elsewhere" leaves out the site's own people. ${num(s.supplying_sites)} sites supply others; ${rows.length} shown.`,
      hasCount(s.withheld) ? el('span', { dataset: { testid: 'spof-withheld' } }, ` ${withheldText(s.withheld)} (you may not see them).`) : null));
}

/** The ranks missing from the table: sites ranked among every supplying site that the reader
    may not see. */
function rankGaps(rows) {
  const shown = new Set(rows.map((r) => r.rank));
  const max = rows.reduce((m, r) => Math.max(m, r.rank), 0);
  const gaps = [];
  for (let k = 1; k < max; k++) if (!shown.has(k)) gaps.push(k);
  return gaps;
}

/** "Rank 1 is a site…" / "Ranks 1, 5 and 6 are sites…", in plain words. */
function gapText(gaps) {
  const list = gaps.length === 1 ? String(gaps[0]) : `${gaps.slice(0, -1).join(', ')} and ${gaps[gaps.length - 1]}`;
  return gaps.length === 1
    ? `Rank ${list} is a site you may not see. Its owner can share it with you (your organisation's administrator can tell you whom to ask).`
    : `Ranks ${list} are sites you may not see. Their owners can share them with you (your organisation's administrator can tell you whom to ask).`;
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}
