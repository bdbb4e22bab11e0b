// simulate.js - the mass-casualty simulation view (issue 14, `#/simulate?site=ID`): an attack at
// a registry site, one response decision swept over values, the trend with its interval band,
// each hospital's load over time and the deaths by place, with the figures in plain tables.

import * as api from './api.js';
import { el, put, num, tlpBadge, TLP_LEVELS, threatName } from './ui.js';
import { canSimulate } from './roles.js';

const DEFAULT_THREAT = 'armed_assault_team';   // the reference exercise: an armed attack by a team
const DEFAULT_REPLICATIONS = 200;              // answers in a second or two; the command's default is 1,000
const MAX_VALUES = 64;                         // values of one sweep (docs/api.md)

/* The decisions the view sweeps: the key of the scenario (docs/scenarios.md), its values as
   the form starts with them, whether they are numbers, and how a value reads. */
const DECISIONS = [
  {
    key: 'response.ambulances', label: 'Ambulances', noun: 'the number of ambulances', values: '2,5,10,20,40', numeric: true, whole: true,
    axis: 'ambulances sent', help: 'Ambulances sent in all, from the stations of the receiving hospitals.',
    text: (v) => `${v} ambulance${v === '1' ? '' : 's'}`,
  },
  {
    key: 'attack.sites.0.secure_min', label: 'Police entry time (scene declared safe)', noun: 'the police entry time', values: '10,30,60,90,120', numeric: true,
    axis: 'minutes until the police declare the scene safe',
    help: 'Minutes from the attack until the police declare the scene safe and EMS may enter: a constant here (the threat\'s default is a range).',
    text: (v) => `${v} min`,
  },
  {
    key: 'response.triage', label: 'Triage method', noun: 'the triage method', values: 'START,SALT', numeric: false,
    axis: 'triage method', help: 'START or SALT, each with its own misclassification table.',
    text: (v) => v,
  },
  {
    key: 'response.policy', label: 'Distribution policy', noun: 'the distribution policy', values: 'nearest,balanced', numeric: false,
    axis: 'distribution policy',
    help: 'nearest: the nearest hospital with capacity; balanced: critical patients to the hospital with the most free resuscitation places within the travel limit.',
    text: (v) => ({ nearest: 'nearest with capacity', balanced: 'balanced by severity' }[v] || v),
  },
];

/* Labels of the outputs the page knows (docs/methodology.md, section 18.6); an output of the
   answer without one is shown under its own name (outputOf). */
const count = (label, head, axis) => ({ label, head, axis, fmt: (x) => one(x), bare: (x) => one(x), unit: '' });
const KNOWN = {
  deaths: count('Deaths', 'Deaths', 'deaths (mean of the replications)'),
  later_deaths: count('Deaths after the attack (preventable)', 'Later deaths', 'deaths among those alive after the attack'),
  killed_outright: count('Killed outright', 'Killed outright', 'killed outright (mean)'),
  deaths_scene: count('Deaths at the scene', 'Deaths at the scene', 'deaths at the scene (mean)'),
  deaths_transport: count('Deaths in transport', 'Deaths in transport', 'deaths in transport (mean)'),
  deaths_hospital: count('Deaths in hospital', 'Deaths in hospital', 'deaths in hospital (mean)'),
  critical: count('Critically injured', 'Critical', 'critically injured alive at the start (mean)'),
  critical_deaths: count('Deaths of the critically injured', 'Critical deaths', 'deaths of the critically injured (mean)'),
  critical_mortality: { label: 'Critical mortality', head: 'Critical mortality (%)', axis: 'critical mortality (%)', fmt: (x) => pct1(x), bare: (x) => one(x * 100), unit: '' },
  first_treatment_min: { label: 'Time to first treatment', head: 'Time to first treatment (min)', axis: 'minutes to first treatment (critically injured)', fmt: (x) => one(x), bare: (x) => one(x), unit: ' min' },
  surgery_min: { label: 'Time to surgery', head: 'Time to surgery (min)', axis: 'minutes to surgery (critically injured)', fmt: (x) => one(x), bare: (x) => one(x), unit: ' min' },
  transported: count('Patients transported', 'Transported', 'patients transported by ambulance (mean)'),
  walked: count('Walking wounded', 'Walked', 'walking wounded who reached a hospital (mean)'),
  ambulance_trips: count('Ambulance trips', 'Trips', 'ambulance trips (mean)'),
  ambulances_used: count('Ambulances used', 'Ambulances used', 'ambulances used (mean)'),
  events: count('Events simulated', 'Events', 'events of one replication (mean)'),
};
/* The outputs of the summary table, in this order, those the answer has. */
const TABLE_OUTPUTS = ['deaths', 'later_deaths', 'deaths_transport', 'critical_mortality', 'first_treatment_min', 'surgery_min'];
let OUTPUTS = KNOWN;
/** The outputs of an answer with their labels (known ones first, in KNOWN's order). */
function outputsOf(r) {
  const names = r.rows.length ? Object.keys(r.rows[0].outputs) : [];
  const out = {};
  for (const k of Object.keys(KNOWN)) if (names.includes(k)) out[k] = KNOWN[k];
  for (const k of names) if (!out[k]) out[k] = count(k.replace(/_/g, ' '), k, `${k.replace(/_/g, ' ')} (mean)`);
  return out;
}
const PLACES = [
  ['deaths_scene', 'At the scene', '#8e0000'],
  ['deaths_transport', 'In transport', '#e08a00'],
  ['deaths_hospital', 'In hospital', '#0b5cad'],
];
const HOSPITAL_COLOURS = ['#0b5cad', '#b3005a', '#1e6b32', '#8a5a00', '#6a3d9a', '#00707a', '#555d66', '#3b4cc0'];
const BAND = 'rgba(11, 92, 173, 0.26)';
const MEAN = '#0b5cad';

const nf1 = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
function one(x) { return Number.isFinite(x) ? nf1.format(x) : '—'; }
function pct1(x) { return Number.isFinite(x) ? `${nf1.format(x * 100)}%` : '—'; }
/** The figure of one output as shown: "56.9", "91.0%", "62.2 min"; a missing one as a dash. */
function figure(key, x) { return Number.isFinite(x) ? OUTPUTS[key].fmt(x) + OUTPUTS[key].unit : '—'; }
/** A figure in a table whose header gives the unit: "56.9", "91.0" (%), "62.2" (min). */
function bare(key, x) { return Number.isFinite(x) ? OUTPUTS[key].bare(x) : '—'; }
/** "57.3–63.0" (the 95% confidence interval of the mean), or words when there is none. */
function interval(key, o) {
  if (!o || !Number.isFinite(o.lo) || !Number.isFinite(o.hi)) return 'no interval (fewer than 2 replications with a value)';
  return `${OUTPUTS[key].fmt(o.lo)}–${OUTPUTS[key].fmt(o.hi)}${OUTPUTS[key].unit}`;
}
/** Percent outputs are drawn in percent. */
function scaled(key, x) { return Number.isFinite(x) ? (key === 'critical_mortality' ? x * 100 : x) : null; }

export async function renderSimulate(main, ctx, params) {
  const token = ctx.token;
  if (!canSimulate(ctx.user)) {
    put(main,
      el('div', { class: 'page-head' }, el('h1', {}, 'Simulate an attack')),
      el('section', { class: 'panel error-panel', role: 'alert', dataset: { testid: 'sim-denied' } },
        el('h2', {}, 'Not allowed'),
        el('p', {}, 'Your role may not run simulations: coordinators, analysts and exercise facilitators may (docs/access.md, "Simulations").'),
        el('p', {}, el('a', { href: '#/' }, 'Back to the dashboard'))));
    return;
  }
  const [sites, threats] = await Promise.all([api.sites(), api.catalog('threats')]);
  if (token !== ctx.token) return;
  const byId = new Map(sites.items.map((s) => [s.id, s]));
  const state = { seq: 0, result: null, asked: null, charts: [], controller: null, output: 'deaths', loadRow: 0, exclude: [], excludeSite: null };

  /* ---- the form ---- */
  const field = (id, label, input, help) => {
    const err = el('span', { class: 'field-error', id: `${id}-err`, role: 'alert' });
    input.setAttribute('aria-describedby', `${help ? `${id}-help ` : ''}${id}-err`);
    return {
      input, err,
      box: el('div', { class: 'field', dataset: { field: id } },
        el('label', { for: id }, label), input,
        help ? el('p', { class: 'help', id: `${id}-help` }, help) : null, err),
    };
  };
  const sorted = sites.items.slice().sort((a, b) => a.name.localeCompare(b.name, 'en') || a.id.localeCompare(b.id));
  const wanted = params.get('site');
  const siteF = field('sim-site', 'Site attacked', el('select', { id: 'sim-site', name: 'site_id', required: true },
    el('option', { value: '' }, 'Choose a site'),
    sorted.map((s) => el('option', { value: s.id, selected: s.id === wanted }, `${s.name} (${s.id})`))),
  `Any of the ${num(sites.items.length)} sites you may see; the server finds the health-sector sites around it as the receiving hospitals.`);
  // only the attack types the model has a casualty mix for (GET /api/v1/catalog/threats: casualty_mix)
  const simThreats = threats.items.filter((t) => t.casualty_mix !== false);
  const threatF = field('sim-threat', 'Attack type', el('select', { id: 'sim-threat', name: 'threat', required: true },
    simThreats.map((t) => el('option', { value: t.id, selected: t.id === DEFAULT_THREAT }, t.name || t.id))),
  'Sets the victims\' injury mix, how long the police need to secure the scene and whether an attacked hospital locks down.');
  const victimsF = field('sim-victims', 'Victims (optional)', el('input', { type: 'number', id: 'sim-victims', name: 'victims', min: '1', step: '1', inputmode: 'numeric', placeholder: 'default' }),
    'Casualties, dead and injured, attackers excluded. Empty: the attack type\'s default.');
  const repsF = field('sim-reps', 'Replications per value', el('input', { type: 'number', id: 'sim-reps', name: 'replications', min: '1', step: '1', inputmode: 'numeric', value: String(DEFAULT_REPLICATIONS), required: true }),
    `${num(DEFAULT_REPLICATIONS)} by default here so that the page answers quickly (the command line's default is 1,000); more narrow the intervals.`);
  const seedF = field('sim-seed', 'Seed', el('input', { type: 'number', id: 'sim-seed', name: 'seed', min: '0', step: '1', inputmode: 'numeric', value: '1', required: true }),
    'The same seed gives the same numbers.');
  const keyF = field('sim-key', 'Decision to sweep', el('select', { id: 'sim-key', name: 'sweep_key' },
    DECISIONS.map((d) => el('option', { value: d.key }, d.label))), DECISIONS[0].help);
  const valuesF = field('sim-values', 'Its values (comma-separated)', el('input', { type: 'text', id: 'sim-values', name: 'sweep_values', value: DECISIONS[0].values, autocomplete: 'off', spellcheck: 'false', required: true }),
    'Every value meets the same random numbers, so the differences come from the decision, not from chance.');
  const decision = () => DECISIONS.find((d) => d.key === keyF.input.value) || DECISIONS[0];
  keyF.input.addEventListener('change', () => {
    const d = decision();
    valuesF.input.value = d.values;
    put(keyF.box.querySelector('.help'), d.help);
    clear(valuesF);
  });

  const runBtn = el('button', { type: 'submit', class: 'btn btn-primary', dataset: { testid: 'sim-run' } }, 'Run the simulation');
  const stopBtn = el('button', { type: 'button', class: 'btn', hidden: true, dataset: { testid: 'sim-stop' } }, 'Stop');
  const status = el('p', { class: 'form-status plan-status', role: 'status', 'aria-live': 'polite', dataset: { testid: 'sim-status' } });
  const formErr = el('p', { class: 'form-error', role: 'alert', id: 'sim-error', dataset: { testid: 'sim-error' } });
  const fields = { site_id: siteF, threat: threatF, victims: victimsF, replications: repsF, seed: seedF, 'sweep.key': keyF, 'sweep.values': valuesF };
  const form = el('form', { class: 'form sim-form', novalidate: true },
    siteF.box, threatF.box, victimsF.box, repsF.box, seedF.box, keyF.box, valuesF.box,
    el('div', { class: 'field field-go' }, el('div', { class: 'sim-buttons' }, runBtn, stopBtn)),
    formErr);

  const stale = el('p', { class: 'note sim-stale', hidden: true, dataset: { testid: 'sim-stale' } });
  const results = el('div', { class: 'sim-results', dataset: { testid: 'sim-results' } },
    el('section', { class: 'panel' }, el('p', { class: 'muted' }, 'Choose a site, an attack type and a decision to sweep, then run the simulation.')));

  put(main,
    el('div', { class: 'page-head' }, el('h1', {}, 'Simulate an attack'), status),
    el('section', { class: 'panel sim-intro', 'aria-label': 'What this view shows' },
      el('p', {}, 'A mass-casualty incident at a registry site, simulated many times (each a ',
        el('em', {}, 'replication'), '): the victims\' injuries, police securing the scene, triage, ambulances and the receiving hospitals. ',
        'One response decision takes each of the values you give; the charts show what each value costs in lives.'),
      el('p', { class: 'muted small' }, 'The model, its parameters and their sources: docs/methodology.md, section 18; the scenario built for a site: docs/scenarios.md ("scenario from-site").')),
    el('section', { class: 'panel', 'aria-labelledby': 'sim-form-title' },
      el('h2', { id: 'sim-form-title' }, 'The incident and the decision'), form),
    stale, results);

  function clear(f) { f.err.textContent = ''; f.input.removeAttribute('aria-invalid'); }
  function fail(f, text) { f.err.textContent = text; f.input.setAttribute('aria-invalid', 'true'); }

  /** The request from the form, or null (each error is written next to its field). */
  function read() {
    for (const f of Object.values(fields)) clear(f);
    formErr.textContent = '';
    const body = {};
    const bad = [];
    if (!siteF.input.value) { fail(siteF, 'Choose a site.'); bad.push(siteF); } else body.site_id = siteF.input.value;
    body.threat = threatF.input.value;
    const whole = (f, min, what) => {
      const v = f.input.value.trim();
      if (!/^\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) { fail(f, what); bad.push(f); return null; }
      return Number(v);
    };
    if (victimsF.input.value.trim() !== '') body.victims = whole(victimsF, 1, 'a whole number of victims, 1 or more (or empty)');
    body.replications = whole(repsF, 1, 'a whole number, 1 or more');
    body.seed = whole(seedF, 0, 'a whole number, 0 or more');
    const d = decision();
    const values = valuesF.input.value.split(',').map((v) => v.trim()).filter((v) => v !== '');
    if (!values.length) { fail(valuesF, 'Give at least one value.'); bad.push(valuesF); }
    else if (values.length > MAX_VALUES) { fail(valuesF, `At most ${MAX_VALUES} values.`); bad.push(valuesF); }
    else if (d.numeric) {
      const wrong = values.find((v) => !(d.whole ? /^\d+$/ : /^\d+(\.\d+)?$/).test(v));
      if (wrong !== undefined) { fail(valuesF, `"${wrong}" is not ${d.whole ? 'a whole number' : 'a number'} of ${d.whole ? 'ambulances' : 'minutes'}, 0 or more.`); bad.push(valuesF); }
    }
    body.sweep = { key: d.key, values: d.numeric ? values.map(Number) : values };
    // receiving hospitals left out (the result's checkboxes), for the same site only
    if (state.exclude.length && state.excludeSite === body.site_id) body.exclude = state.exclude.slice();
    if (bad.length) { bad[0].input.focus(); return null; }
    return body;
  }

  async function run() {
    const body = read();
    if (!body) return;
    history.replaceState(null, '', `#/simulate?site=${encodeURIComponent(body.site_id)}`);
    const me = ++state.seq;
    if (state.controller) state.controller.abort();
    const controller = new AbortController();
    state.controller = controller;
    runBtn.disabled = true;
    stopBtn.hidden = false;
    results.setAttribute('aria-busy', 'true');
    results.classList.add('is-busy');
    const rows = body.sweep.values.length;
    status.textContent = `Simulating ${num(rows)} ${rows === 1 ? 'value' : 'values'} × ${num(body.replications)} replications…`;
    try {
      const r = await api.simulate(body, { signal: controller.signal });
      if (me !== state.seq || token !== ctx.token) return;
      state.result = r;
      state.asked = body;
      state.loadRow = 0;
      stale.hidden = true;
      status.textContent = `Simulated: ${num(r.rows.length)} ${r.rows.length === 1 ? 'value' : 'values'} × ${num(r.replications)} replications.`;
      drawResult();
    } catch (e) {
      if (me !== state.seq || token !== ctx.token) return;
      status.textContent = '';
      if (e.aborted || controller.signal.aborted) { formErr.textContent = 'Stopped: the server stopped the run too; nothing was kept.'; return; }
      showError(e, body);
      if (state.result) {
        stale.textContent = 'The figures below are those of the previous run: the last one was refused (above).';
        stale.hidden = false;
      }
    } finally {
      if (me === state.seq) {
        runBtn.disabled = false;
        stopBtn.hidden = true;
        state.controller = null;
        results.removeAttribute('aria-busy');
        results.classList.remove('is-busy');
      }
    }
  }
  form.addEventListener('submit', (ev) => { ev.preventDefault(); run(); });
  stopBtn.addEventListener('click', () => { if (state.controller) state.controller.abort(); });
  // leaving the view stops a run under way (the server stops computing when the client goes away)
  window.addEventListener('hashchange', () => { if (state.controller) state.controller.abort(); }, { once: true });

  /** The server's refusal next to the field it names (a key of the sweep: the values), else under the form. */
  function showError(e, body) {
    let f = null;
    if (e.field) {
      f = fields[e.field] || null;
      if (!f && (e.field === body.sweep.key || e.field.startsWith(body.sweep.key + '.'))) f = valuesF;
      if (!f && e.field === 'hospitals') f = siteF;
    }
    if (e.status === 404) f = siteF;
    let text = e.detail || e.message;
    if (e.status === 404) text = 'No such site, or one you may not see.';
    if (e.status === 413) text = `Too much for one request: ${text}`;
    if (e.status === 429 || e.status === 503) {
      text = `The server's compute pool is full: ${e.message}. Try again in ${e.retryAfter ? `${e.retryAfter} second${e.retryAfter === 1 ? '' : 's'}` : 'a moment'}.`;
      f = null;
    }
    if (e.status === 403) { text = 'Your role may not run simulations.'; f = null; }
    if (f) { fail(f, text); f.input.focus(); } else formErr.textContent = text;
  }

  /* ---- the result ---- */
  function drawResult() {
    for (const c of state.charts) c.destroy();
    state.charts = [];
    const r = state.result;
    OUTPUTS = outputsOf(r);
    if (!OUTPUTS[state.output]) state.output = 'deaths';
    const d = DECISIONS.find((x) => x.key === r.sweep) || decision();
    const site = byId.get(state.asked.site_id);
    const hospitals = r.rows.length ? r.rows[0].hospitals : [];
    const marking = resultMarking(site, hospitals, sites.items);
    const outSel = el('select', { id: 'sim-output', dataset: { testid: 'sim-output' } },
      Object.entries(OUTPUTS).map(([k, o]) => el('option', { value: k, selected: k === state.output }, o.label)));
    const trendBox = el('div', { class: 'chart-wrap sim-chart' });
    const tableBox = el('div', {});
    const rowSel = el('select', { id: 'sim-load-row', dataset: { testid: 'sim-load-row' } },
      r.rows.map((row, i) => el('option', { value: String(i), selected: i === state.loadRow }, d.text(row.value))));
    const loadBox = el('div', { class: 'chart-wrap sim-chart' });
    const hospBox = el('div', {});
    const placesBox = el('div', { class: 'chart-wrap sim-chart' });
    const n = r.replications;

    put(results,
      el('section', { class: 'panel', 'aria-labelledby': 'sim-what-title' },
        el('div', { class: 'section-head sim-head' },
          el('h2', { id: 'sim-what-title' }, `${site ? site.name : state.asked.site_id}: ${threatName(r.threat)}`),
          tlpBadge(marking)),
        el('p', { dataset: { testid: 'sim-summary' } },
          `${num(r.victims)} victims${state.asked.victims || r.sweep === 'attack.victims' ? '' : ' (the attack type\'s default)'}, `,
          `${num(hospitals.length)} receiving ${hospitals.length === 1 ? 'hospital' : 'hospitals'}, `,
          `${d.noun} swept over ${r.rows.map((row) => row.value).join(', ')}; `,
          `${num(n)} replications per value, seed ${r.seed}.`),
        el('p', { class: 'muted small', dataset: { testid: 'sim-marking' } },
          `Marked ${'TLP:' + marking}: the highest label of the site attacked and of the receiving hospitals it is computed from.`)),
      el('section', { class: 'panel', 'aria-labelledby': 'sim-trend-title' },
        el('div', { class: 'section-head' },
          el('h2', { id: 'sim-trend-title' }, `What ${d.noun} changes`),
          el('div', { class: 'table-tools' }, el('label', { for: 'sim-output' }, 'Show'), outSel)),
        trendBox,
        el('p', { class: 'muted small', dataset: { testid: 'sim-interval-note' } },
          `The line is the mean over ${num(n)} replications; the band (or bar) is its 95% confidence interval, `,
          `t-based: mean ± t(0.975, n − 1) × s / √n. It says how well ${num(n)} replications pin down the mean, `,
          'not how different one incident can be from another (that spread, the 2.5–97.5 percentiles across the replications, is wider unless there are very few replications). ',
          'Times count only the critically injured who were treated (or operated on). docs/methodology.md, section 18.7.'),
        tableBox),
      el('div', { class: 'dash-grid sim-grid' },
        el('section', { class: 'panel', 'aria-labelledby': 'sim-load-title' },
          el('div', { class: 'section-head' },
            el('h2', { id: 'sim-load-title' }, 'Hospital load over time'),
            el('div', { class: 'table-tools' }, el('label', { for: 'sim-load-row' }, d.label), rowSel)),
          loadBox,
          receivingBox(r),
          el('p', { class: 'muted small' }, `Patients in each hospital's emergency care (waiting for or in resuscitation, the operating room or the emergency department), the mean over the replications every ${Number.isInteger(r.load_step_min) ? num(r.load_step_min) : one(r.load_step_min)} minutes from the attack. The peak below is each replication's highest load at any moment, averaged: higher than the curve's top, since the replications peak at different times.`),
          hospBox),
        el('section', { class: 'panel', 'aria-labelledby': 'sim-places-title' },
          el('h2', { id: 'sim-places-title' }, 'Deaths by place'),
          placesBox,
          el('p', { class: 'muted small' }, 'Means over the replications. At the scene includes those killed outright and those who die waiting or walking.'),
          placesTable(r, d))));

    const drawTrend = () => {
      if (state.charts[0]) state.charts[0].destroy();
      state.charts[0] = trendChart(trendBox, r, d, state.output);
      put(tableBox, diffTable(r, d, state.output), figuresTable(r, d));
    };
    const drawLoad = () => {
      if (state.charts[1]) state.charts[1].destroy();
      const row = r.rows[state.loadRow];
      state.charts[1] = loadChart(loadBox, row, r.load_step_min, d);
      put(hospBox, hospitalsTable(row, d));
    };
    outSel.addEventListener('change', () => { state.output = outSel.value; drawTrend(); });
    rowSel.addEventListener('change', () => { state.loadRow = Number(rowSel.value); drawLoad(); });
    drawTrend();
    drawLoad();
    state.charts[2] = placesChart(placesBox, r, d);
  }

  /** The receiving hospitals with a checkbox each: untick one and run again without it. */
  function receivingBox(r) {
    const list = r.receiving_hospitals;
    if (!Array.isArray(list)) return null;
    const left = state.excludeSite === state.asked.site_id ? state.exclude : [];
    const boxes = list.map((h) => el('label', { class: 'sim-hosp-pick' },
      el('input', { type: 'checkbox', checked: true, value: h.id, dataset: { testid: 'sim-hosp-pick' } }), ` ${h.name} (${h.id})`));
    const again = el('button', { type: 'button', class: 'btn', dataset: { testid: 'sim-rerun' } }, 'Run again without the unticked hospitals');
    again.addEventListener('click', () => {
      const off = boxes.map((b) => b.querySelector('input')).filter((i) => !i.checked).map((i) => i.value);
      state.exclude = left.concat(off);
      state.excludeSite = state.asked.site_id;
      run();
    });
    let hidden;
    if (typeof r.unreadable_left_out === 'number') {
      hidden = r.unreadable_left_out ? `${num(r.unreadable_left_out)} health-sector ${r.unreadable_left_out === 1 ? 'site' : 'sites'} within reach you may not read ${r.unreadable_left_out === 1 ? 'was' : 'were'} left out.` : '';
    } else {
      hidden = 'Only the hospitals you may read are included: another role may see more, and get other figures.';
    }
    const undo = left.length ? el('button', { type: 'button', class: 'btn btn-link', dataset: { testid: 'sim-include-all' } }, `Include the ${num(left.length)} left out again`) : null;
    if (undo) undo.addEventListener('click', () => { state.exclude = []; run(); });
    return el('fieldset', { class: 'sim-receiving', dataset: { testid: 'sim-receiving' } },
      el('legend', {}, 'Receiving hospitals'),
      el('p', { class: 'muted small' }, 'The health-sector sites with an emergency department the scenario takes casualties to, each with its ambulance station (issue 16: a site whose page says it has none, a laboratory say, is not offered). Untick one to leave it out and run again.'),
      el('div', { class: 'sim-hosp-list' }, boxes),
      left.length ? el('p', { class: 'small', dataset: { testid: 'sim-excluded' } }, `Left out: ${left.join(', ')}. `, undo) : null,
      hidden ? el('p', { class: 'muted small', dataset: { testid: 'sim-hidden-note' } }, hidden) : null,
      el('div', { class: 'sim-buttons' }, again));
  }

  // a site in the address that the caller may not read (or that does not exist) is said, not chosen
  if (wanted && !byId.has(wanted)) fail(siteF, `${wanted}: no such site, or one you may not see.`);
}

/** The result's TLP label: the highest of the attacked site's and of each receiving hospital's
    (the answer names the hospitals by their registry names; a name several visible sites share
    takes the highest of them). */
function resultMarking(site, hospitals, all) {
  let rank = site ? TLP_LEVELS.indexOf(site.tlp) : 0;
  for (const h of hospitals) {
    for (const s of all) if (s.name === h.name) rank = Math.max(rank, TLP_LEVELS.indexOf(s.tlp));
  }
  return TLP_LEVELS[Math.max(0, rank)];
}

/** "0.3 (−0.1 to 0.6)": a paired difference with its interval, in the output's unit, with
 * as many decimals (1 to 3) as a narrow interval needs to be read ("−0.06 (−0.08 to −0.05)"). */
function diffText(key, o) {
  const scale = key === 'critical_mortality' ? 100 : 1;
  const width = Number.isFinite(o.lo) ? Math.abs(o.hi - o.lo) * scale : Infinity;
  const digits = width >= 0.2 ? 1 : width >= 0.02 ? 2 : 3;
  const nf = new Intl.NumberFormat('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const sign = (x) => (x > 0 ? '+' : x < 0 ? '−' : '±');
  const f = (x) => `${sign(x)}${nf.format(Math.abs(x) * scale)}`;
  return Number.isFinite(o.lo) ? `${f(o.mean)} (${f(o.lo)} to ${f(o.hi)})` : f(o.mean);
}

/** The selected output per value with its paired difference from the first value and its 95% interval. */
function diffTable(r, d, key) {
  if (r.rows.length < 2) return null;
  const o = OUTPUTS[key];
  const v0 = d.text(r.rows[0].value);
  return el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Differences from the first value' }, el('table', { class: 'table sim-table', id: 'sim-diff-table', dataset: { testid: 'sim-diff-table' } },
    el('caption', { class: 'sim-caption' }, `${o.label}: the difference from ${v0}, replication by replication (each replication meets the same random numbers under every value)`),
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col' }, d.label),
      el('th', { scope: 'col', class: 'num-h' }, `${o.head}, mean`),
      el('th', { scope: 'col', class: 'num-h' }, `difference from ${v0} (95% interval)`),
      el('th', { scope: 'col' }, 'What it says'))),
    el('tbody', {}, r.rows.map((row, i) => {
      const df = row.outputs[key] && row.outputs[key].diff;
      let said = '';
      if (i === 0) said = 'the value the others are compared with';
      else if (!df || !Number.isFinite(df.mean)) said = 'no difference computed (no replication with a value)';
      else if (!Number.isFinite(df.lo)) said = 'no interval (fewer than 2 replications)';
      else if (df.lo <= 0 && df.hi >= 0) said = 'no difference we can tell apart from chance at 95%';
      else said = `${df.mean < 0 ? 'lower' : 'higher'} than with ${v0}, beyond chance at 95%`;
      return el('tr', { dataset: { value: row.value } },
        el('th', { scope: 'row' }, d.text(row.value)),
        el('td', { class: 'num sim-mean' }, bare(key, row.outputs[key] && row.outputs[key].mean)),
        el('td', { class: 'num', dataset: { testid: 'sim-diff' } }, i === 0 ? '—' : df ? diffText(key, df) : '—'),
        el('td', { dataset: { testid: 'sim-diff-verdict' } }, said));
    }))));
}

/** The figures table: each swept value with the mean and 95% interval of the main outputs. */
function figuresTable(r, d) {
  const keys = TABLE_OUTPUTS.filter((k) => OUTPUTS[k]);
  return el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Figures per value' }, el('table', { class: 'table sim-table', id: 'sim-table' },
    el('caption', { class: 'sr-only' }, `Mean and, under it, the 95% confidence interval of each output, per ${d.label.toLowerCase()}`),
    el('thead', {},
      el('tr', {},
        el('th', { scope: 'col' }, d.label),
        keys.map((k) => el('th', { scope: 'col', class: 'num-h' }, OUTPUTS[k].head)))),
    // each cell: the mean, and under it its 95% interval (one column per output: fits a tablet)
    el('tbody', {}, r.rows.map((row) => el('tr', { dataset: { value: row.value } },
      el('th', { scope: 'row', dataset: { testid: 'sim-value' } }, d.text(row.value)),
      keys.map((k) => el('td', { class: 'num' },
        el('span', { class: 'sim-mean', dataset: { testid: `sim-${k}-mean` } }, bare(k, row.outputs[k] && row.outputs[k].mean)),
        el('br'),
        row.outputs[k] && Number.isFinite(row.outputs[k].lo) && Number.isFinite(row.outputs[k].hi)
          ? el('span', { class: 'sim-ci', dataset: { testid: `sim-${k}-ci` } }, `${bare(k, row.outputs[k].lo)}–${bare(k, row.outputs[k].hi)}`)
          : el('span', { class: 'sim-ci', dataset: { testid: `sim-${k}-ci` }, title: 'no interval: fewer than 2 replications with a value' }, '—')))))),
    el('tfoot', {}, el('tr', {}, el('td', { colspan: String(keys.length + 1), class: 'muted small' }, 'Each cell: the mean, and under it its 95% confidence interval.')))));
}

/** Deaths at the scene, in transport and in hospital per value (the chart's figures). */
function placesTable(r, d) {
  return el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Deaths by place per value' }, el('table', { class: 'table sim-table', id: 'sim-places-table' },
    el('caption', { class: 'sr-only' }, 'Mean deaths by place per value'),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, d.label), PLACES.map(([, label]) => el('th', { scope: 'col', class: 'num-h' }, label)),
      el('th', { scope: 'col', class: 'num-h' }, 'All deaths'))),
    el('tbody', {}, r.rows.map((row) => el('tr', { dataset: { value: row.value } },
      el('th', { scope: 'row' }, d.text(row.value)),
      PLACES.map(([k]) => el('td', { class: 'num' }, one(row.outputs[k] && row.outputs[k].mean))),
      el('td', { class: 'num' }, one(row.outputs.deaths && row.outputs.deaths.mean)))))));
}

/** The receiving hospitals of one row with their peak load. */
function hospitalsTable(row, d) {
  return el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Peak load per hospital' }, el('table', { class: 'table sim-table', id: 'sim-hospitals', dataset: { testid: 'sim-hospitals' } },
    el('caption', { class: 'sr-only' }, `Receiving hospitals and their peak load with ${d.text(row.value)}`),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Receiving hospital'), el('th', { scope: 'col', class: 'num-h' }, 'Peak load (mean)'))),
    el('tbody', {}, row.hospitals.map((h, i) => el('tr', {},
      el('th', { scope: 'row' }, el('span', { class: 'swatch', style: `background:${HOSPITAL_COLOURS[i % HOSPITAL_COLOURS.length]}` }), ' ', h.name),
      el('td', { class: 'num' }, h.peak_mean > 0 ? `${one(h.peak_mean)} patients` : 'received none'))))));
}

function noChart(box) {
  put(box, el('p', { class: 'note' }, 'The chart library is not available; the table lists the same figures.'));
  return null;
}

/** The trend: the mean per value with its 95% interval (a band over numbers; bars over categories). */
function trendChart(box, r, d, key) {
  const Chart = window.Chart;
  if (!Chart) return noChart(box);
  const o = OUTPUTS[key];
  const canvas = el('canvas', { id: 'sim-trend', role: 'img', 'aria-label': `${o.label} per ${d.label.toLowerCase()}: ${r.rows.map((row) => `${d.text(row.value)}: ${figure(key, row.outputs[key] && row.outputs[key].mean)}`).join('; ')}. The table below lists the same figures with their intervals.` });
  put(box, canvas);
  const pts = r.rows.map((row) => ({ v: row.value, o: row.outputs[key] || {} }));
  const tick = { callback: (v) => (key === 'critical_mortality' ? `${num(v)}%` : num(v)) };
  const tooltip = {
    callbacks: {
      title: (items) => (items.length ? d.text(pts[items[0].dataIndex].v) : ''),
      label: (c) => {
        const p = pts[c.dataIndex].o;
        return `${o.label}: ${figure(key, p.mean)} (95% interval ${interval(key, p)})`;
      },
    },
    filter: (item) => item.datasetIndex === (d.numeric ? 2 : 1),
  };
  const common = {
    responsive: true, maintainAspectRatio: false, animation: false,
    plugins: { legend: { position: 'bottom', labels: { boxWidth: 14, font: { size: 11 } } }, tooltip },
  };
  const yTitle = { display: true, text: o.axis };
  if (d.numeric) {
    const xy = pts.map((p) => ({ x: Number(p.v), o: p.o })).sort((a, b) => a.x - b.x);
    return new Chart(canvas, {
      type: 'line',
      data: {
        datasets: [
          { label: '95% interval (low)', data: xy.map((p) => ({ x: p.x, y: scaled(key, p.o.lo) })), borderWidth: 0, pointRadius: 0, fill: false },
          { label: '95% interval of the mean', data: xy.map((p) => ({ x: p.x, y: scaled(key, p.o.hi) })), borderWidth: 0, pointRadius: 0, backgroundColor: BAND, fill: '-1' },
          { label: `mean ${o.label.toLowerCase()}`, data: xy.map((p) => ({ x: p.x, y: scaled(key, p.o.mean) })), borderColor: MEAN, backgroundColor: MEAN, borderWidth: 2.5, pointRadius: 4, fill: false },
        ],
      },
      options: {
        ...common,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        plugins: {
          ...common.plugins,
          legend: { ...common.plugins.legend, labels: { ...common.plugins.legend.labels, filter: (item) => item.datasetIndex !== 0 } },
          tooltip: { ...tooltip, callbacks: { ...tooltip.callbacks, title: (items) => (items.length ? d.text(String(xy[items[0].dataIndex].x)) : ''), label: (c) => `${o.label}: ${figure(key, xy[c.dataIndex].o.mean)} (95% interval ${interval(key, xy[c.dataIndex].o)})` } },
        },
        scales: {
          x: { type: 'linear', title: { display: true, text: d.axis }, ticks: { callback: (v) => num(v) } },
          y: { beginAtZero: key !== 'first_treatment_min' && key !== 'surgery_min' ? true : false, title: yTitle, ticks: tick },
        },
      },
    });
  }
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: pts.map((p) => d.text(p.v)),
      datasets: [
        { type: 'bar', label: '95% interval of the mean', data: pts.map((p) => (Number.isFinite(p.o.lo) ? [scaled(key, p.o.lo), scaled(key, p.o.hi)] : null)), backgroundColor: BAND, borderColor: MEAN, borderWidth: 1, barPercentage: 0.35 },
        { type: 'line', label: `mean ${o.label.toLowerCase()}`, data: pts.map((p) => scaled(key, p.o.mean)), borderColor: MEAN, backgroundColor: MEAN, showLine: false, pointRadius: 6, pointStyle: 'rectRot' },
      ],
    },
    options: {
      ...common,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { title: { display: true, text: d.axis } },
        y: { beginAtZero: key !== 'first_treatment_min' && key !== 'surgery_min', title: yTitle, ticks: tick },
      },
    },
  });
}

/** Each hospital's mean load over time for one row. */
function loadChart(box, row, step, d) {
  const Chart = window.Chart;
  if (!Chart) return noChart(box);
  const peak = row.hospitals.reduce((m, h) => Math.max(m, h.peak_mean || 0), 0);
  const canvas = el('canvas', { id: 'sim-load', role: 'img', 'aria-label': `Patients in emergency care at each of ${row.hospitals.length} receiving hospitals over time, with ${d.text(row.value)}; the highest mean peak is ${one(peak)} patients. The table below lists each hospital's peak.` });
  put(box, canvas);
  const datasets = row.hospitals.map((h, i) => ({
    label: h.name,
    data: h.load_mean.map((y, k) => ({ x: k * step, y })),
    borderColor: HOSPITAL_COLOURS[i % HOSPITAL_COLOURS.length],
    backgroundColor: HOSPITAL_COLOURS[i % HOSPITAL_COLOURS.length],
    borderWidth: 2, pointRadius: 0, borderDash: i % 2 ? [6, 3] : [], fill: false,
  }));
  const last = row.hospitals.reduce((m, h) => Math.max(m, (h.load_mean.length - 1) * step), 0);
  return new Chart(canvas, {
    type: 'line',
    data: { datasets },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      plugins: {
        legend: { position: 'bottom', labels: { usePointStyle: true, pointStyle: 'line', boxWidth: 28, font: { size: 11 } } },
        tooltip: { callbacks: { title: (items) => (items.length ? `${hm(items[0].parsed.x)} after the attack` : ''), label: (c) => `${c.dataset.label}: ${one(c.parsed.y)} patients` } },
      },
      scales: {
        x: { type: 'linear', min: 0, max: last, title: { display: true, text: 'time after the attack (hours)' }, ticks: { stepSize: 60, callback: (v) => (v % 60 === 0 ? `${v / 60} h` : '') } },
        y: { beginAtZero: true, title: { display: true, text: 'patients in emergency care (mean)' }, ticks: { callback: (v) => num(v) } },
      },
    },
  });
}
function hm(min) { const h = Math.floor(min / 60); const m = Math.round(min - h * 60); return h ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min`; }

/** Mean deaths at the scene, in transport and in hospital per value, stacked. */
function placesChart(box, r, d) {
  const Chart = window.Chart;
  if (!Chart) return noChart(box);
  const canvas = el('canvas', { id: 'sim-places', role: 'img', 'aria-label': `Mean deaths by place per ${d.label.toLowerCase()}. The table below lists the same figures.` });
  put(box, canvas);
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: r.rows.map((row) => d.text(row.value)),
      datasets: PLACES.map(([k, label, colour]) => ({ label, data: r.rows.map((row) => (row.outputs[k] ? row.outputs[k].mean : null)), backgroundColor: colour })),
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 14, font: { size: 11 } } },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${one(c.parsed.y)}` } },
      },
      scales: {
        x: { stacked: true, title: { display: true, text: d.axis } },
        y: { stacked: true, beginAtZero: true, title: { display: true, text: 'deaths (mean of the replications)' }, ticks: { callback: (v) => num(v) } },
      },
    },
  });
}
