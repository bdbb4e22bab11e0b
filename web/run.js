// run.js - one exercise run (issue 15, #/runs/ID), drawn for the caller's part in it (the
// server's `view`): the facilitator's console (clock, MSEL, participants, decisions, simulated
// figures, ENDEX, final ratings and the improvement plan), the player's view (inbox live over
// Server-Sent Events with a response box per inject, structured decisions, the ICS 214 activity
// log, the simulated figures, the PIO's exercise alert) and the evaluator's and observer's view
// (timeline, observations, P/S/M/U ratings). Every view follows the run's event stream.

import * as api from './api.js';
import { el, put, toast, num, tlpBadge, TLP_LEVELS } from './ui.js';
import { confirmDialog } from './alerts.js';

/* ---- words and formats ---- */

/** Scenario minutes as "H:MM" (hours may pass 24), as the exercise files write times. */
export function hhmm(min) {
  if (min === null || min === undefined || !Number.isFinite(min)) return '—';
  const m = Math.max(0, Math.floor(min + 1e-9));
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
/** "HH:MM:SS" of scenario time (the clock's own display). */
function hhmmss(min) {
  const s = Math.max(0, Math.floor(min * 60 + 1e-6));
  const p = (x) => String(x).padStart(2, '0');
  return `${p(Math.floor(s / 3600))}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}`;
}
/** "H:MM" or "HH:MM" to minutes, or null. */
function parseHhmm(s) {
  const m = /^\s*(\d{1,3}):([0-5]\d)\s*$/.exec(s || '');
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}
function wallTime(sec) {
  if (!sec) return '';
  return new Date(sec * 1000).toLocaleString('en-GB', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit', day: 'numeric', month: 'short' }) + ' UTC';
}

export const CLOCK_STATES = { ready: 'Ready', running: 'Running', paused: 'Paused', ended: 'Ended (ENDEX)' };
export const VIEW_NAMES = { facilitator: 'Facilitator', evaluator: 'Evaluator', observer: 'Observer (read only)', player: 'Player' };
const STATUS_NAMES = { pending: 'pending', delivered: 'delivered', skipped: 'skipped', cancelled: 'cancelled' };
const KIND_NAMES = { observation: 'Observation', strength: 'Strength', improvement: 'Area for improvement' };
const RATINGS = {
  P: 'P — performed without challenges', S: 'S — performed with some challenges',
  M: 'M — performed with major challenges', U: 'U — unable to be performed',
};
const ELEMENTS = ['planning', 'organisation', 'equipment', 'training', 'exercise'];
const ITEM_STATUSES = ['open', 'in progress', 'done', 'cancelled'];
const EVENT_NAMES = {
  start: 'Clock started', pause: 'Clock paused', resume: 'Clock resumed', speed: 'Speed', shift: 'Shift',
  inject: 'Inject', skip: 'Skipped', cancel: 'Contingency cancelled', decision: 'Decision', done: 'Action done',
  sim_due: 'Rerun queued', sim: 'Simulated figures', outcome: 'Projected outcome', response: 'Response', alert: 'Exercise alert', endex: 'ENDEX',
  sim_skip: 'Rerun skipped', // issue 15: superseded by a newer rerun, or over the budget
  suspend: 'SUSPENDED (real-world emergency)',
};
/* The simulation's outputs shown (docs/scenarios.md): key, words, unit. */
const SIM_OUTPUTS = [
  ['deaths', 'Deaths'], ['critical', 'Critically injured'], ['critical_deaths', 'Critically injured who died'],
  ['transported', 'Transported to hospital'], ['first_treatment_min', 'Minutes to first treatment'],
  ['surgery_min', 'Minutes to surgery'], ['ambulances_used', 'Ambulances used'],
];

function valueText(v) {
  if (v === true) return 'yes';
  if (v === false) return 'no';
  if (v === null || v === undefined) return '—';
  return String(v);
}
const fmt1 = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
function f1(x) { return Number.isFinite(x) ? fmt1.format(x) : '—'; }

/* ---- the view ---- */

export async function renderRun(main, ctx, id) {
  const token = ctx.token;
  const first = await api.run(id);
  if (token !== ctx.token) return;
  const S = {
    id, run: first, events: [], seen: new Set(), loadedAt: Date.now(), loadLast: first.last_event || 0,
    es: null, lastId: 0, refreshTimer: null, tick: null, reopen: null, stopped: false, live: 'connecting',
    redraw: [], onEvent: [], roleName: new Map((first.scenario.roles || []).map((r) => [r.id, r.name])),
  };
  const stop = () => {
    S.stopped = true;
    if (S.es) S.es.close();
    clearInterval(S.tick);
    clearTimeout(S.refreshTimer);
    clearTimeout(S.reopen);
    const o = document.getElementById('endex-overlay');
    if (o) o.remove();
    const so = document.getElementById('suspend-overlay');
    if (so) so.remove();
  };
  window.addEventListener('hashchange', stop, { once: true });
  // what comes without an event (another evaluator's rating, an observation) on coming back to the tab
  const onVisible = () => { if (S.stopped) document.removeEventListener('visibilitychange', onVisible); else if (!document.hidden) scheduleRefresh(S); };
  document.addEventListener('visibilitychange', onVisible);

  const view = first.view;
  const head = headView(S, ctx);
  const parts = [head];
  if (view === 'facilitator') parts.push(...facilitatorView(S, ctx));
  else if (view === 'player') parts.push(...playerView(S, ctx));
  else parts.push(...evaluatorView(S, ctx));
  put(main, parts);
  // review finding 10: a form sent again, or another one, starts without the old errors
  main.addEventListener('submit', () => clearErrors(main), true);
  redrawAll(S);
  S.tick = setInterval(() => drawClock(S), 250);
  openStream(S);
}

/** Every section drawn again from S.run (forms keep what is typed in them). */
function redrawAll(S) {
  for (const f of S.redraw) f();
  drawClock(S);
  syncSuspension(S);
}

/** Every field's and form's error message on the page emptied, and the fields valid again. */
function clearErrors(root) {
  for (const x of root.querySelectorAll('.field-error, .form-error')) x.textContent = '';
  for (const x of root.querySelectorAll('[aria-invalid]')) x.removeAttribute('aria-invalid');
}

function scheduleRefresh(S) {
  clearTimeout(S.refreshTimer);
  S.refreshTimer = setTimeout(() => refresh(S), 150);
}

/* ---- older entries: the run comes with its newest 200 (attack review 4) ---- */

const ENTRY_KINDS = ['responses', 'log', 'observations'];

/* Each of the run's entry lists joined with the older ones shown so far (a re-read keeps them). */
function keepOlder(S) {
  if (!S.older) return;
  for (const k of ENTRY_KINDS) {
    const seen = new Set();
    S.run[k] = (S.run[k] || []).concat(S.older[k]).filter((x) => !seen.has(x.id) && seen.add(x.id));
  }
  S.run.entries = S.older.entries;
}

/* The next page of the run's responses, log and observations. */
async function showOlder(S) {
  const page = S.run.entries || {};
  if (!page.more || !page.next_before) return;
  try {
    const r = await api.run(S.id, page.next_before);
    if (S.stopped) return;
    S.older = { entries: r.entries || {} };
    for (const k of ENTRY_KINDS) S.older[k] = (S.run[k] || []).concat(r[k] || []);
    keepOlder(S);
    redrawAll(S);
  } catch (e) {
    if (e.status !== 401) toast(`Older entries could not be read: ${e.message}`, 'error');
  }
}

async function refresh(S) {
  if (S.stopped) return;
  try {
    const r = await api.run(S.id);
    if (S.stopped) return;
    S.run = r;
    keepOlder(S);
    S.loadedAt = Date.now();
    redrawAll(S);
  } catch (e) {
    if (e.status !== 401) toast(`The run could not be read again: ${e.message}`, 'error');
  }
}

/* ---- the event stream ---- */

function openStream(S) {
  if (S.stopped) return;
  const url = api.runEventsUrl(S.id) + (S.lastId ? `?last_event_id=${S.lastId}` : '');
  const es = new EventSource(url);
  S.es = es;
  setLive(S, 'connecting');
  es.onopen = () => { if (!S.endexSeen) setLive(S, 'live'); };
  es.onerror = () => {
    if (S.stopped) return;
    if (es.readyState === EventSource.CLOSED) {
      // a 204 (an ended run with nothing more), a 429 or another refusal: the browser gives up
      if (S.run.ended || S.endexSeen) { setLive(S, 'ended'); return; }
      setLive(S, 'reconnecting');
      S.reopen = setTimeout(() => openStream(S), 5000);
    } else {
      setLive(S, S.run.ended || S.endexSeen ? 'ended' : 'reconnecting');   // the browser retries with Last-Event-ID
    }
  };
  for (const kind of Object.keys(EVENT_NAMES)) es.addEventListener(kind, (m) => onMessage(S, m));
}

/* Events whose news is all in the event (the figures, an alert): no need to read the run again
   (each read of an AMBER run is audited); a player's inbox is drawn from the events themselves. */
const NO_REREAD = new Set(['sim', 'outcome', 'sim_due', 'alert', 'sim_skip']);
const PLAYER_NO_REREAD = new Set(['inject', 'skip', 'cancel', 'done']);

function onMessage(S, m) {
  let e;
  try { e = JSON.parse(m.data); } catch (err) { return; }
  if (!e || S.seen.has(e.id)) return;
  S.seen.add(e.id);
  S.lastId = Math.max(S.lastId, e.id);
  S.events.push(e);
  const fresh = e.id > S.loadLast;
  for (const f of S.onEvent) f(e, fresh);
  if (e.kind === 'endex' && fresh && S.run.view !== 'facilitator') endexOverlay(S, e);   // the facilitator ended it
  // review finding 9: a suspension covers every participant's screen at once; its resumption uncovers it
  if (e.kind === 'suspend' && fresh) { S.run.suspended = { event: e.id, t_min: e.t_min, text: e.text }; S.run.clock.state = 'paused'; redrawAll(S); }
  if ((e.kind === 'resume' || e.kind === 'endex') && fresh && S.run.suspended) { S.run.suspended = null; redrawAll(S); }
  if (fresh && !NO_REREAD.has(e.kind) && !(S.run.view === 'player' && PLAYER_NO_REREAD.has(e.kind))) scheduleRefresh(S);
  if (e.kind === 'endex') {   // the server ends the stream after it: nothing more will come
    S.endexSeen = true;
    if (S.es) S.es.close();
    setLive(S, 'ended');
  }
}

function setLive(S, state) {
  S.live = state;
  const box = document.querySelector('[data-testid=run-live]');
  if (!box) return;
  const words = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', ended: 'ended: no more updates' }[state];
  box.className = `run-live run-live-${state}`;
  box.textContent = words;
  box.dataset.state = state;
}

/* ---- the head: title, marking, part, live state, clock ---- */

function headView(S, ctx) {
  const r = S.run;
  const roles = (r.my_roles || []).map((x) => S.roleName.get(x) || x);
  const clock = el('div', { class: 'run-clock', dataset: { testid: 'run-clock' }, role: 'group', 'aria-label': 'Exercise clock' },
    el('span', { class: 'run-clock-time', dataset: { testid: 'run-clock-time' } }, '00:00:00'),
    el('span', { class: 'run-clock-state', dataset: { testid: 'run-clock-state' } }, ''),
    el('span', { class: 'run-clock-speed muted', dataset: { testid: 'run-clock-speed' } }, ''));
  const older = el('span', {});
  S.redraw.push(() => {
    const page = S.run.entries || {};
    put(older, page.more ? el('button', { type: 'button', class: 'btn btn-quiet btn-small', dataset: { testid: 'run-older' }, title: `The newest ${page.limit} entries are shown`, onclick: () => showOlder(S) }, 'Show older') : null);
  });
  S.redraw.push(() => {
    const c = S.run.clock;
    const st = clock.querySelector('[data-testid=run-clock-state]');
    st.textContent = CLOCK_STATES[c.state] || c.state;
    clock.dataset.state = c.state;
    clock.querySelector('[data-testid=run-clock-speed]').textContent = `speed ×${c.speed}`;
  });
  return el('section', { class: 'panel run-head', 'aria-labelledby': 'run-title' },
    el('div', { class: 'page-head' },
      el('h1', { id: 'run-title' }, r.title),
      tlpBadge(r.tlp),
      el('span', { class: 'run-live', dataset: { testid: 'run-live' }, role: 'status', 'aria-live': 'polite' }, 'connecting…'),
      r.view !== 'player' ? el('a', { href: api.runReportUrl(S.id, 'html'), target: '_blank', rel: 'noopener', class: 'btn btn-quiet btn-small btn-link' }, 'Report') : null,
      el('button', { type: 'button', class: 'btn btn-quiet btn-small', dataset: { testid: 'run-reload' }, title: 'Observations and ratings of others come on reading the run again', onclick: () => refresh(S) }, 'Read again'),
      older,
      el('a', { href: '#/exercises', class: 'btn btn-quiet btn-small btn-link' }, 'All runs')),
    el('div', { class: 'run-head-grid' },
      el('div', {},
        el('p', { class: 'muted' }, r.scenario.title),
        el('p', { dataset: { testid: 'run-part' } }, el('strong', {}, 'Your part: '), VIEW_NAMES[r.view] || r.view,
          roles.length ? [' — ', el('span', { dataset: { testid: 'run-roles' } }, roles.join(', '))] : null),
        r.ended ? el('p', { class: 'run-ended-note', dataset: { testid: 'run-ended' } }, 'This run has ended (ENDEX).') : null),
      clock));
}

/** The clock's scenario time now: the answer's minute, moved on by the wall time since at its speed. */
function clockNow(S) {
  const c = S.run.clock;
  let m = c.now_min;
  if (c.state === 'running') m += ((Date.now() - S.loadedAt) / 60000) * c.speed;
  const dur = parseHhmm(S.run.scenario.duration);
  return dur !== null ? Math.min(m, dur) : m;
}

function drawClock(S) {
  const t = document.querySelector('[data-testid=run-clock-time]');
  if (!t) return;
  const m = clockNow(S);
  t.textContent = hhmmss(m);
  t.dataset.min = String(Math.floor(m * 60) / 60);
  if (S.eegTick) S.eegTick(m);   // the EEG's overdue actions follow the clock
}

/* ---- shared pieces ---- */

function fieldErr(id) { return el('span', { class: 'field-error', id, role: 'alert' }); }

function panel(id, title, ...children) {
  return el('section', { class: 'panel', 'aria-labelledby': id, dataset: { testid: id } }, el('h2', { id }, title), ...children);
}

/** A sim event's figures as a table (deaths, critically injured, ... with 95% intervals). */
function simTable(e, prev) {
  const out = e.detail && e.detail.rows && e.detail.rows[0] && e.detail.rows[0].outputs;
  if (!out) return el('p', {}, e.text);
  const before = prev && prev.detail && prev.detail.rows && prev.detail.rows[0] && prev.detail.rows[0].outputs;
  return el('div', { class: 'table-scroll' }, el('table', { class: 'table run-sim', dataset: { testid: 'run-sim-table' } },
    el('caption', { class: 'muted' }, `At ${hhmm(e.t_min)}: the projected outcome at the end of the incident, given the decisions so far (${num(e.detail.replications)} runs of the simulation)`),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Figure'), el('th', { scope: 'col', class: 'num-h' }, 'Mean'),
      el('th', { scope: 'col', class: 'num-h' }, '95% interval'), el('th', { scope: 'col', class: 'num-h' }, 'Before the last decision'))),
    el('tbody', {}, SIM_OUTPUTS.filter(([k]) => out[k]).map(([k, words]) => el('tr', { dataset: { output: k } },
      el('th', { scope: 'row' }, words),
      el('td', { class: 'num', dataset: { testid: `sim-${k}` } }, f1(out[k].mean)),
      el('td', { class: 'num' }, `${f1(out[k].lo)} – ${f1(out[k].hi)}`),
      el('td', { class: 'num muted' }, before && before[k] ? f1(before[k].mean) : '—'))))));
}

/** How many decisions a sim event's rerun had (its detail, else its text), or null. */
function simDecisions(e) {
  if (e && e.detail && Number.isInteger(e.detail.decisions)) return e.detail.decisions;
  const m = /with the (\d+) decisions?/.exec((e && e.text) || '');
  return m ? Number(m[1]) : null;
}

/** The rerun to compare sims' last with (review finding 3): the latest before it with other
 *  decisions (before the last decision), not a periodic rerun with the same figures. */
function simBefore(sims) {
  const last = sims[sims.length - 1];
  for (let i = sims.length - 2; i >= 0; i--)
    if (simDecisions(sims[i]) !== simDecisions(last)) return sims[i];
  return null;
}

/** Every rerun so far: its time, the decisions it had, deaths and the critically injured who died. */
function rerunHistory(sims) {
  const mean = (e, k) => { const o = e.detail && e.detail.rows && e.detail.rows[0] && e.detail.rows[0].outputs; return o && o[k] ? f1(o[k].mean) : '—'; };
  const made = (e) => { const m = /with the (\d+) decisions?/.exec(e.text || ''); return m ? m[1] : '—'; };
  return el('details', { class: 'run-reruns' }, el('summary', {}, `Every rerun (${sims.length})`),
    el('div', { class: 'table-scroll' }, el('table', { class: 'table', dataset: { testid: 'run-reruns' } },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', class: 'num-h' }, 'Time'), el('th', { scope: 'col', class: 'num-h' }, 'Decisions'),
        el('th', { scope: 'col', class: 'num-h' }, 'Deaths'), el('th', { scope: 'col', class: 'num-h' }, 'Critically injured who died'),
        el('th', { scope: 'col', class: 'num-h' }, 'Transported'))),
      el('tbody', {}, sims.slice().reverse().map((e) => el('tr', {},
        el('td', { class: 'num' }, hhmm(e.t_min)), el('td', { class: 'num' }, made(e)), el('td', { class: 'num' }, mean(e, 'deaths')),
        el('td', { class: 'num' }, mean(e, 'critical_deaths')), el('td', { class: 'num' }, mean(e, 'transported'))))))));
}

/* Issue 15 review 3: the situation at the rerun's minute in whole numbers, what a commander
   could count now (the players' figures): key, words, value. */
const SITUATION_ROWS = [
  ['dead', 'Dead so far', (s) => s.dead],
  ['hot_zone', 'Still inside the hot or warm zone', (s) => s.hot_zone],
  ['ccp_T1', 'At the casualty collection point: T1 (immediate)', (s) => s.ccp.T1],
  ['ccp_T2', 'At the casualty collection point: T2 (delayed)', (s) => s.ccp.T2],
  ['ccp_T3', 'At the casualty collection point: T3 (minor)', (s) => s.ccp.T3],
  ['ccp_untriaged', 'At the casualty collection point: awaiting triage', (s) => s.ccp.untriaged],
  ['transport', 'In ambulances', (s) => s.transport],
  ['walking', 'Walking wounded on their own way to hospital', (s) => s.walking],
  ['amb_at_scene', 'Ambulances at the scene', (s) => s.ambulances.at_scene],
  ['amb_en_route', 'Ambulances on their way to the scene', (s) => s.ambulances.en_route],
  ['amb_transporting', 'Ambulances carrying patients', (s) => s.ambulances.transporting],
  ['amb_committed', 'Ambulances committed', (s) => s.ambulances.committed],
  ['amb_used', 'Ambulances that have delivered patients', (s) => s.ambulances.used],
];

/** The situation to compare with (review 3): the latest before the last decision this view
 *  has seen made (a player sees its own roles' decisions: "before your last decision"). */
function sitBefore(S, sits) {
  const decs = S.events.filter((x) => x.kind === 'decision');
  const last = decs[decs.length - 1];
  if (!last) return null;
  const before = sits.filter((x) => x.id < last.id);
  return before.length ? before[before.length - 1] : null;
}

/** A sim event's situation as a table, with the one before the last decision. */
function situationTable(e, prev) {
  const s = e.detail.situation;
  const b = prev && prev.detail && prev.detail.situation;
  const rows = SITUATION_ROWS.map(([k, words, get]) => [k, words, get(s), b ? get(b) : null]);
  (s.hospitals || []).forEach((h, i) => rows.push([`arrived_${i}`, `Arrived at ${h.name}`, h.arrived,
    b && b.hospitals && b.hospitals[i] ? b.hospitals[i].arrived : null]));
  return el('div', { class: 'table-scroll' }, el('table', { class: 'table run-sim', dataset: { testid: 'run-situation' } },
    el('caption', { class: 'muted' }, `Situation at ${hhmm(e.t_min)}, ${num(s.minute)} minutes after the attack: what crews and control could count now (means of the simulation's runs, rounded)`),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Now'), el('th', { scope: 'col', class: 'num-h' }, 'About'),
      el('th', { scope: 'col', class: 'num-h' }, prev ? `Before the last decision (${hhmm(prev.t_min)})` : 'Before the last decision'))),
    el('tbody', {}, rows.map(([k, words, now, before]) => el('tr', { dataset: { output: k } },
      el('th', { scope: 'row' }, words),
      // review 15B item 5: null is "not known yet" (nobody is inside the scene to count)
      el('td', { class: 'num', dataset: { testid: `sit-${k}` } }, now === null ? 'not known yet' : num(now)),
      el('td', { class: 'num muted' }, before === null || before === undefined ? '—' : num(before)))))));
}

/** The latest simulated figures (the stream's sim events): the situation for everyone in sim_to;
 *  for the facilitator and evaluators also the projected outcome ("outcome" events). */
function simPanel(S, id = 'run-sim') {
  const box = el('div', { 'aria-live': 'polite' }, el('p', { class: 'muted' }, 'No figures yet: the simulation reruns from the attack on, every 15 scenario minutes and after each decision that reaches it. Players get the situation only when it changes.'));
  S.onEvent.push((e) => {
    if (e.kind !== 'sim' && e.kind !== 'outcome') return;
    const sits = S.events.filter((x) => x.kind === 'sim' && x.detail && x.detail.situation);
    // older runs stored the projected outcome in their sim events
    const outs = S.events.filter((x) => x.kind === 'outcome' || (x.kind === 'sim' && x.detail && x.detail.rows));
    const lastSit = sits[sits.length - 1];
    const lastOut = outs[outs.length - 1];
    put(box,
      lastSit ? [situationTable(lastSit, sitBefore(S, sits)), el('p', { class: 'muted small' }, lastSit.text)] : null,
      lastOut ? el('section', { class: 'run-outcome', dataset: { testid: 'run-outcome' } },
        el('h3', {}, 'Projected outcome (facilitator and evaluators only)'),
        simTable(lastOut, simBefore(outs)), el('p', { class: 'muted small' }, lastOut.text),
        outs.length > 1 ? rerunHistory(outs) : null) : null);
  });
  return panel(id, 'Simulated casualties', box);
}

function reportLinks(S) {
  return panel('run-report', 'After-action report',
    el('p', {}, 'The report of the run as it stands: overview, timeline, ratings per capability with strengths and areas for improvement, the simulated outcome of the decisions against the baseline, and the improvement plan.'),
    el('div', { class: 'actions run-actions-left' },
      el('a', { href: api.runReportUrl(S.id, 'html'), target: '_blank', rel: 'noopener', class: 'btn btn-primary btn-link', dataset: { testid: 'run-report-html' } }, 'Open the report (HTML, new tab)'),
      el('a', { href: api.runReportUrl(S.id, 'csv'), download: `run-${S.id}-improvement-plan.csv`, class: 'btn btn-link', dataset: { testid: 'run-report-csv' } }, 'Download the improvement plan (CSV)')));
}

/** Whether to put the sender before text: not when the text already begins with a name and ':'
 *  that the sender equals or ends with ("Armed response unit Tango-3" and "Tango-3: ...", review 15C). */
function senderShown(from, text) {
  if (!from) return false;
  const m = /^([^:\n]{1,80}):/.exec(text || '');
  if (!m) return true;
  const name = m[1].trim();
  return !(name && (from === name || from.endsWith(` ${name}`)));
}

/** The timeline: every event the caller sees, newest first. */
function timelinePanel(S) {
  const body = el('tbody', {});
  const empty = el('p', { class: 'muted' }, 'Nothing has happened yet.');
  const simRows = new Map();   // scenario minute -> its "Simulated figures" row (review 15C item D)
  S.onEvent.push((e) => {
    empty.hidden = true;
    const sim = e.kind === 'sim';
    const before = sim ? simRows.get(e.t_min) : null;
    // one "Simulated figures" line per scenario minute: the latest; an unchanged one collapses into it
    if (before && e.detail && e.detail.sent === false) return;
    const row = el('tr', { dataset: { kind: e.kind } },
      el('td', { class: 'num' }, hhmm(e.t_min)),
      el('td', {}, EVENT_NAMES[e.kind] || e.kind, e.seq ? ` #${e.seq}` : ''),
      el('td', {}, senderShown(e.from, e.text) ? el('span', { class: 'muted' }, `${e.from}: `) : null, e.text || ''));
    if (before) before.remove();
    if (sim) simRows.set(e.t_min, row);
    body.prepend(row);
  });
  return panel('run-timeline', 'Timeline', empty,
    el('div', { class: 'table-scroll run-scroll', tabindex: '0', role: 'region', 'aria-label': 'Timeline, newest first' }, el('table', { class: 'table' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', class: 'num-h' }, 'Time'), el('th', { scope: 'col' }, 'What'), el('th', { scope: 'col' }, 'Text'))),
      body)));
}

function roleNames(S, ids) { return (ids || []).map((x) => S.roleName.get(x) || x).join(', '); }

/* ---- the facilitator's console ---- */

function facilitatorView(S, ctx) {
  return [clockControls(S), participantsPanel(S), mselPanel(S), responsesPanel(S), playersLogPanel(S), decisionsMadePanel(S),
    simPanel(S), timelinePanel(S), observationsPanel(S), ratingsPanel(S, ctx), improvementsPanel(S), reportLinks(S)];
}

function clockControls(S) {
  const err = el('p', { class: 'form-error', role: 'alert', dataset: { testid: 'run-clock-error' } });
  const shiftIn = el('input', { type: 'number', id: 'run-shift', step: '1', min: '-20160', max: '20160', value: '10', inputmode: 'numeric', 'aria-describedby': 'run-shift-err' });
  const shiftErr = fieldErr('run-shift-err');
  const speedIn = el('input', { type: 'number', id: 'run-speed', step: '0.1', min: '0.1', max: '60', inputmode: 'decimal', 'aria-describedby': 'run-speed-err' });
  const speedErr = fieldErr('run-speed-err');
  const buttons = {
    start: el('button', { type: 'button', class: 'btn btn-primary', dataset: { testid: 'run-start' } }, 'Start'),
    pause: el('button', { type: 'button', class: 'btn', dataset: { testid: 'run-pause' } }, 'Pause'),
    resume: el('button', { type: 'button', class: 'btn btn-primary', dataset: { testid: 'run-resume' } }, 'Resume'),
  };
  const clearErrs = () => {
    err.textContent = ''; shiftErr.textContent = ''; speedErr.textContent = '';
    shiftIn.removeAttribute('aria-invalid'); speedIn.removeAttribute('aria-invalid');
  };
  async function act(what, body, fieldBox, input) {
    clearErrs();
    try {
      await api.runClock(S.id, what, body);
      await refresh(S);
    } catch (e) {
      if (fieldBox && e.status === 400) { fieldBox.textContent = e.detail || e.message; input.setAttribute('aria-invalid', 'true'); }
      else err.textContent = e.message;
    }
  }
  for (const w of Object.keys(buttons)) buttons[w].addEventListener('click', () => act(w, {}));
  const endexBtn = el('button', { type: 'button', class: 'btn btn-danger', dataset: { testid: 'run-endex' } }, 'ENDEX…');
  const suspendBtn = el('button', { type: 'button', class: 'btn btn-danger', dataset: { testid: 'run-suspend' } }, 'Suspend: real-world emergency…');
  suspendBtn.addEventListener('click', () => suspendDialog(S));
  const suspended = el('div', { class: 'run-suspended run-ended-note', role: 'status', dataset: { testid: 'run-suspended' }, hidden: true });
  const row = el('div', { class: 'run-controls-row' });
  const endexRow = el('div', { class: 'run-endex-row', dataset: { testid: 'run-endex-row' } });
  const endedNote = el('p', { class: 'run-ended-note', hidden: true }, 'ENDEX: the run has ended; the clock cannot be started again. The ratings, the improvement plan and the report stay open.');
  endexBtn.addEventListener('click', () => endexDialog(S));
  S.redraw.push(() => {
    const st = S.run.clock.state;
    buttons.start.hidden = st !== 'ready';
    buttons.pause.hidden = st !== 'running';
    buttons.resume.hidden = st !== 'paused';
    const sp = S.run.suspended;
    buttons.resume.textContent = sp ? 'Resume the exercise (the emergency is over)' : 'Resume';
    suspendBtn.hidden = !!sp || st === 'ready' || st === 'ended';
    suspended.hidden = !sp;
    suspended.textContent = sp ? `Suspended since ${hhmm(sp.t_min)}: every participant's screen is covered with "${sp.text}". Resume the exercise, or end it (ENDEX).` : '';
    endexBtn.disabled = st === 'ended';
    row.hidden = st === 'ended';
    endexRow.hidden = st === 'ended';   // review 15b item 10: no ENDEX nor Suspend (nor their help) after ENDEX
    endedNote.hidden = st !== 'ended';
    if (document.activeElement !== speedIn) speedIn.value = String(S.run.clock.speed);
  });
  return el('section', { class: 'panel run-controls', 'aria-labelledby': 'run-controls-title', dataset: { testid: 'run-controls' } },
    el('h2', { id: 'run-controls-title' }, 'Clock'),
    endedNote, suspended,
    put(row,
      buttons.start, buttons.pause, buttons.resume,
      el('form', { class: 'run-inline', novalidate: true, onsubmit: (ev) => { ev.preventDefault(); act('shift', { minutes: Number(shiftIn.value) }, shiftErr, shiftIn); } },
        el('div', { class: 'field' }, el('label', { for: 'run-shift' }, 'Shift pending injects (± minutes)'),
          el('div', { class: 'run-inline-row' }, shiftIn, el('button', { type: 'submit', class: 'btn', dataset: { testid: 'run-shift-go' } }, 'Shift')), shiftErr)),
      el('form', { class: 'run-inline', novalidate: true, onsubmit: (ev) => { ev.preventDefault(); act('speed', { factor: Number(speedIn.value) }, speedErr, speedIn); } },
        el('div', { class: 'field' }, el('label', { for: 'run-speed' }, 'Speed (scenario minutes a minute)'),
          el('div', { class: 'run-inline-row' }, speedIn, el('button', { type: 'submit', class: 'btn', dataset: { testid: 'run-speed-go' } }, 'Set')), speedErr))),
    err,
    put(endexRow, suspendBtn,
      el('span', { class: 'muted small' }, 'Stops the clock and covers every screen with your message; you resume it later.'),
      endexBtn,
      el('span', { class: 'muted small' }, 'Ends the exercise for everyone at once, with your message; final.')));
}

async function endexDialog(S) {
  const msg = el('textarea', { id: 'run-endex-msg', rows: 3, maxlength: 3999 });
  const real = el('input', { type: 'checkbox', id: 'run-endex-real' });
  const ok = await confirmDialog({
    title: 'End the exercise (ENDEX)',
    testid: 'run-endex-dialog',
    ok: 'End the exercise now',
    body: el('div', {},
      el('p', {}, 'Every participant\'s screen shows your message at once. The run cannot be started again.'),
      el('div', { class: 'field' }, el('label', { for: 'run-endex-msg' }, 'Message to every participant'), msg),
      el('div', { class: 'field' }, el('label', { class: 'check', for: 'run-endex-real' }, real, ' This is a real-world emergency (the message begins "REAL-WORLD EMERGENCY")'))),
  });
  if (!ok) return;
  try {
    const body = { real_world: real.checked };
    if (msg.value.trim()) body.message = msg.value.trim();
    await api.runClock(S.id, 'endex', body);
    await refresh(S);
    toast('ENDEX: the exercise is over for everyone.');
  } catch (e) {
    toast(e.message, 'error');
  }
}

function participantsPanel(S) {
  const body = el('tbody', {});
  const user = el('input', { type: 'text', id: 'run-as-user', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'run-as-user-err' });
  const member = el('select', { id: 'run-as-member' },
    el('option', { value: 'player' }, 'Player'), el('option', { value: 'evaluator' }, 'Evaluator'), el('option', { value: 'facilitator' }, 'Co-facilitator'));
  const role = el('select', { id: 'run-as-role', 'aria-describedby': 'run-as-role-err' },
    (S.run.scenario.roles || []).map((r) => el('option', { value: r.id }, `${r.name} (${r.organisation})`)));
  const errs = { user: fieldErr('run-as-user-err'), role: fieldErr('run-as-role-err'), form: el('p', { class: 'form-error', role: 'alert' }) };
  member.addEventListener('change', () => { role.disabled = member.value !== 'player'; });
  async function assign(ev) {
    ev.preventDefault();
    for (const e of Object.values(errs)) e.textContent = '';
    user.removeAttribute('aria-invalid');
    const p = { user: user.value.trim(), member: member.value };
    if (p.member === 'player') p.role = role.value;
    try {
      await api.assignRun(S.id, p);
      toast(`${p.user} assigned${p.role ? ' as ' + (S.roleName.get(p.role) || p.role) : ' as ' + p.member}.`);
      await refresh(S);
    } catch (e) {
      const box = errs[e.field];
      if (box && (e.status === 400 || e.status === 403 || e.status === 404)) {
        box.textContent = e.detail || e.message;
        if (e.field === 'user') user.setAttribute('aria-invalid', 'true');
      } else errs.form.textContent = e.message;
    }
  }
  async function unassign(p) {
    try {
      await api.unassignRun(S.id, p.user, p.role);
      await refresh(S);
    } catch (e) { toast(e.message, 'error'); }
  }
  S.redraw.push(() => {
    put(body, (S.run.participants || []).map((p) => el('tr', { dataset: { user: p.user } },
      el('th', { scope: 'row' }, p.user), el('td', {}, p.organisation || '—'),
      el('td', {}, p.member === 'facilitator' ? (p.lead ? 'lead facilitator' : 'co-facilitator') : p.member),
      el('td', {}, p.role ? S.roleName.get(p.role) || p.role : '—'),
      el('td', {}, p.lead || S.run.ended ? null : el('button', { type: 'button', class: 'btn btn-small btn-quiet', 'aria-label': `Unassign ${p.user}${p.role ? ' from ' + (S.roleName.get(p.role) || p.role) : ''}`, onclick: () => unassign(p) }, 'Unassign')))));
  });
  const unfilled = el('p', { class: 'muted small', dataset: { testid: 'run-unfilled' } });
  const assignForm = participantsForm({ assign, user, member, role, errs });   // until ENDEX
  S.redraw.push(() => {
    assignForm.hidden = S.run.ended;
    const held = new Set((S.run.participants || []).filter((p) => p.role).map((p) => p.role));
    const open = (S.run.scenario.roles || []).filter((r) => !held.has(r.id)).map((r) => r.name);
    unfilled.textContent = open.length ? `Roles nobody plays yet: ${open.join(', ')}.` : 'Every role has a player.';
  });
  return panel('run-participants', 'Participants',
    el('div', { class: 'table-scroll' }, el('table', { class: 'table' },
      el('thead', {}, el('tr', {}, ['User', 'Organisation', 'Part', 'Exercise role', ''].map((h) => el('th', { scope: 'col' }, h)))), body)),
    unfilled,
    assignForm);
}

/* (the participants panel's form, built by participantsForm) */
function participantsForm({ assign, user, member, role, errs }) {
  return el('form', { class: 'form run-assign', novalidate: true, onsubmit: assign, 'aria-label': 'Assign a user' },
      el('div', { class: 'run-assign-row' },
        el('div', { class: 'field' }, el('label', { for: 'run-as-user' }, 'User name'), user, errs.user),
        el('div', { class: 'field' }, el('label', { for: 'run-as-member' }, 'Part'), member),
        el('div', { class: 'field' }, el('label', { for: 'run-as-role' }, 'Exercise role (players)'), role, errs.role),
        el('div', { class: 'field field-go' }, el('button', { type: 'submit', class: 'btn btn-primary', dataset: { testid: 'run-assign' } }, 'Assign'))),
      el('p', { class: 'help muted small' }, 'A player takes one role a time (assign again for more); the user\'s system role must be the part\'s (player, evaluator, facilitator).'),
      errs.form);
}

function mselPanel(S) {
  const body = el('tbody', {});
  const err = el('p', { class: 'form-error', role: 'alert', dataset: { testid: 'run-msel-error' } });
  const stageName = new Map((S.run.scenario.stages || []).map((s) => [s.id, s.name]));
  async function act(seq, what) {
    err.textContent = '';
    try {
      await api.runInject(S.id, seq, what);
      await refresh(S);
    } catch (e) { err.textContent = `Inject ${seq}: ${e.message}`; }
  }
  S.redraw.push(() => {
    const state = new Map((S.run.injects || []).map((i) => [i.seq, i]));
    const answers = new Map();
    for (const r of S.run.responses || []) answers.set(r.seq, (answers.get(r.seq) || 0) + 1);
    const live = !S.run.ended;
    // the row whose button had the focus keeps it (a button of that row, else of a later one)
    const focused = body.contains(document.activeElement) && document.activeElement.closest('tr');
    const focusSeq = focused ? Number(focused.dataset.seq) : null;
    const focusLabel = focused ? document.activeElement.getAttribute('aria-label') : null;
    put(body, (S.run.scenario.injects || []).map((inj) => {
      const st = state.get(inj.seq) || {};
      const done = st.done_min !== null && st.done_min !== undefined;
      return el('tr', { dataset: { seq: String(inj.seq), status: st.status || '' }, class: `msel-${st.status || 'pending'}` },
        el('td', { class: 'num' }, String(inj.seq)),
        el('td', { class: 'num' }, hhmm(st.due_min), st.due_min !== parseHhmm(inj.time) ? el('span', { class: 'muted small block' }, `(file ${inj.time})`) : null),
        el('td', {}, el('span', { class: `msel-status msel-status-${st.status}`, dataset: { testid: 'msel-status' } }, STATUS_NAMES[st.status] || st.status || '—'),
          st.delivered_min !== null && st.delivered_min !== undefined ? el('span', { class: 'muted small block' }, `at ${hhmm(st.delivered_min)}`) : null),
        el('td', {}, el('span', { class: 'muted small block' }, `${stageName.get(inj.stage) || inj.stage || ''} · ${inj.type}${inj.delivery ? ' · ' + inj.delivery : ''}`),
          el('strong', {}, inj.from || ''), ' → ', roleNames(S, inj.to),
          el('details', {}, el('summary', {}, 'Text'), el('p', {}, inj.description)),
          inj.contingency_of ? el('span', { class: 'muted small block' }, `Contingency of #${inj.contingency_of}`) : null),
        el('td', {}, inj.expected_action || el('span', { class: 'muted' }, '—'),
          st.deadline_min !== null && st.deadline_min !== undefined ? el('span', { class: 'muted small block' }, `by ${hhmm(st.deadline_min)}`) : null,
          inj.decision ? el('span', { class: 'muted small block' }, `or decision "${inj.decision}"${inj.decision_value ? ` = ${inj.decision_value}` : ' (any value)'}`) : null),
        el('td', { dataset: { testid: 'msel-done' } }, inj.expected_action
          ? (done ? el('span', { class: 'msel-done' }, `done at ${hhmm(st.done_min)}`, el('span', { class: 'muted small block' }, st.done_by === 'facilitator' ? 'marked' : `by ${st.done_by}${st.done_value ? ` = ${st.done_value}` : ''}`))
            : live && (st.status === 'pending' || st.status === 'delivered') ? el('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Mark done: the expected action of inject ${inj.seq}`, onclick: () => act(inj.seq, 'done') }, 'Mark done') : 'no')
          : null,
          answers.get(inj.seq) ? el('span', { class: 'small block', dataset: { testid: 'msel-answers' } }, `${answers.get(inj.seq)} response${answers.get(inj.seq) === 1 ? '' : 's'}`) : null),
        el('td', { class: 'msel-actions' }, st.status === 'pending' && live ? [
          el('button', { type: 'button', class: 'btn btn-small btn-primary', dataset: { testid: 'msel-trigger' }, 'aria-label': `Trigger now: inject ${inj.seq}`, onclick: () => act(inj.seq, 'trigger') }, 'Trigger now'),
          el('button', { type: 'button', class: 'btn btn-small btn-quiet', dataset: { testid: 'msel-skip' }, 'aria-label': `Skip inject ${inj.seq}`, onclick: () => act(inj.seq, 'skip') }, 'Skip')] : null));
    }));
    if (focusSeq !== null) {
      const same = focusLabel && [...body.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === focusLabel);
      const next = same || [...body.querySelectorAll('tr')].filter((tr) => Number(tr.dataset.seq) >= focusSeq).map((tr) => tr.querySelector('button')).find(Boolean);
      if (next) next.focus();
    }
  });
  return panel('run-msel', 'Master Scenario Events List', err,
    el('div', { class: 'table-scroll' }, el('table', { class: 'table msel', id: 'msel' },
      el('thead', {}, el('tr', {}, ['#', 'Due', 'Status', 'Inject', 'Expected action', 'Done', ''].map((h, i) => el('th', { scope: 'col', class: i < 2 ? 'num-h' : null }, h)))),
      body)));
}

function responsesPanel(S) {
  const box = el('div', {});
  S.redraw.push(() => {
    const rs = (S.run.responses || []).slice().sort((a, b) => b.id - a.id);
    put(box, rs.length ? el('ul', { class: 'run-list', dataset: { testid: 'run-responses' } }, rs.map((r) => el('li', {},
      el('span', { class: 'muted small block' }, `${hhmm(r.t_min)} · inject #${r.seq} · ${S.roleName.get(r.role) || r.role} (${r.user})`),
      r.text)))
      : el('p', { class: 'muted' }, 'No responses yet.'));
  });
  return panel('run-responses-panel', 'Players\' responses', box);
}

function decisionsMadePanel(S) {
  const box = el('div', {});
  S.redraw.push(() => {
    const ds = S.run.decisions || [];
    put(box, ds.length ? el('div', { class: 'table-scroll' }, el('table', { class: 'table', dataset: { testid: 'run-decisions-made' } },
      el('thead', {}, el('tr', {}, ['Time', 'Decision', 'Value', 'Role', 'User'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ds.slice().reverse().map((d) => el('tr', { dataset: { decision: d.decision } },
        el('td', { class: 'num' }, hhmm(d.t_min)), el('th', { scope: 'row' }, d.label || d.decision), el('td', {}, valueText(d.value)),
        el('td', {}, S.roleName.get(d.role) || d.role), el('td', {}, d.user))))))
      : el('p', { class: 'muted' }, 'No decisions yet.'));
  });
  return panel('run-decisions-panel', 'Decisions made', box);
}

/* ---- ratings and the improvement plan (evaluators, facilitators, observers) ---- */

function targetsOf(S) {
  const out = [];
  for (const o of S.run.scenario.objectives || []) for (const t of o.targets || []) out.push({ id: t.id, text: t.text, tasks: t.tasks || [], capability: o.capability, objective: o.text, objective_id: o.id });
  return out;
}

function ratingsPanel(S, ctx) {
  const view = S.run.view;
  const body = el('tbody', {});
  const err = el('p', { class: 'form-error', role: 'alert', dataset: { testid: 'run-rating-error' } });
  const targets = targetsOf(S);
  const forms = new Map();   // target -> {sel, note} (kept across redraws)
  for (const t of targets) {
    const sel = el('select', { id: `rate-${t.id}`, 'aria-label': `Rating of ${t.id}` }, el('option', { value: '' }, '—'),
      Object.entries(RATINGS).map(([k, w]) => el('option', { value: k }, w)));
    const note = el('input', { type: 'text', id: `rate-note-${t.id}`, 'aria-label': `Note on the rating of ${t.id}`, placeholder: 'note (optional)', maxlength: 3999 });
    forms.set(t.id, { sel, note });
  }
  async function save(t) {
    err.textContent = '';
    const f = forms.get(t.id);
    if (!f.sel.value) { err.textContent = `Choose a rating for ${t.id}.`; return; }
    try {
      const b = { target: t.id, rating: f.sel.value, final: view === 'facilitator' };
      if (f.note.value.trim()) b.note = f.note.value.trim();
      await api.runRate(S.id, b);
      toast(`${view === 'facilitator' ? 'Final rating' : 'Rating'} of ${t.id}: ${f.sel.value}.`);
      await refresh(S);
    } catch (e) { err.textContent = `${t.id}: ${e.message}`; }
  }
  const canRate = view === 'evaluator' || view === 'facilitator';
  S.redraw.push(() => {
    const rs = S.run.ratings || [];
    put(body, targets.map((t) => {
      const mine = rs.filter((r) => r.target === t.id && !r.final);
      const fin = rs.find((r) => r.target === t.id && r.final);
      const f = forms.get(t.id);
      return el('tr', { dataset: { target: t.id } },
        el('th', { scope: 'row' }, el('span', { class: 'muted small block' }, t.capability), t.text,
          (t.tasks || []).length ? el('ul', { class: 'small run-tasks', dataset: { testid: 'rating-tasks' }, 'aria-label': `Critical tasks of ${t.id}` }, t.tasks.map((k) => el('li', {}, k))) : null),
        el('td', { dataset: { testid: 'ratings-by' } }, mine.length ? mine.map((r) => el('span', { class: 'block' }, el('strong', { class: `rating rating-${r.rating}` }, r.rating), ` ${r.user}${r.note ? ': ' + r.note : ''}`)) : el('span', { class: 'muted' }, '—')),
        el('td', { dataset: { testid: 'rating-final' } }, fin ? el('strong', { class: `rating rating-${fin.rating}` }, fin.rating) : el('span', { class: 'muted' }, '—')),
        canRate ? el('td', { class: 'run-rate' }, f.sel, f.note,
          el('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'rate-save' }, 'aria-label': `${view === 'facilitator' ? 'Set final' : 'Rate'}: ${t.id}`, onclick: () => save(t) }, view === 'facilitator' ? 'Set final' : 'Rate')) : null);
    }));
  });
  return panel('run-ratings', 'Ratings per capability target (P / S / M / U)',
    el('p', { class: 'muted small' }, Object.values(RATINGS).join(' · ')),
    err,
    el('div', { class: 'table-scroll' }, el('table', { class: 'table' },
      el('thead', {}, el('tr', {}, ['Capability target', 'Evaluators', 'Final', canRate ? (view === 'facilitator' ? 'Set the final rating' : 'Your rating') : null].filter(Boolean).map((h) => el('th', { scope: 'col' }, h)))),
      body)));
}

function capabilityOptions(S) {
  return [...new Set((S.run.scenario.objectives || []).map((o) => o.capability))];
}

/** An observation's core capability: its own, else its target's objective's. */
function obsCapability(S, o) {
  const t = o.target && targetsOf(S).find((x) => x.id === o.target);
  return o.capability || (t ? t.capability : '');
}

/** Review 15b item 10: an improvement item's core capability as the report gives it (its own,
 *  else its objective's), else its target's or its area for improvement's. */
function itemCapability(S, it) {
  if (it.capability) return it.capability;
  const o = it.objective && (S.run.scenario.objectives || []).find((x) => x.id === it.objective);
  if (o) return o.capability;
  const t = it.target && targetsOf(S).find((x) => x.id === it.target);
  if (t) return t.capability;
  const afi = it.afi && (S.run.observations || []).find((x) => x.id === it.afi);
  return afi ? obsCapability(S, afi) : '';
}

function improvementsPanel(S) {
  const view = S.run.view;
  const body = el('tbody', {});
  const f = {
    issue: el('textarea', { id: 'imp-issue', rows: 2, maxlength: 3999 }),
    action: el('textarea', { id: 'imp-action', rows: 2, maxlength: 3999 }),
    element: el('select', { id: 'imp-element' }, ELEMENTS.map((x) => el('option', { value: x }, x))),
    responsible: el('input', { type: 'text', id: 'imp-responsible', maxlength: 63 }),
    capability: el('select', { id: 'imp-capability' }, el('option', { value: '' }, '—'), capabilityOptions(S).map((c) => el('option', { value: c }, c))),
    due: el('input', { type: 'date', id: 'imp-due', required: true }),
    // HSEEP 2020: the area for improvement it answers, analysis, point of contact, start date
    afi: el('select', { id: 'imp-afi' }),
    target: el('select', { id: 'imp-target' }, el('option', { value: '' }, '—'), targetsOf(S).map((t) => el('option', { value: t.id }, `${t.id} (${t.capability})`))),
    analysis: el('textarea', { id: 'imp-analysis', rows: 2, maxlength: 3999 }),
    poc: el('input', { type: 'text', id: 'imp-poc', maxlength: 63 }),
    start: el('input', { type: 'date', id: 'imp-start', required: true }),
  };
  const errs = Object.fromEntries(Object.keys(f).map((k) => [k, fieldErr(`imp-${k}-err`)]));
  for (const [k, input] of Object.entries(f)) input.setAttribute('aria-describedby', `imp-${k}-err`);
  const formErr = el('p', { class: 'form-error', role: 'alert' });
  async function add(ev) {
    ev.preventDefault();
    formErr.textContent = '';
    for (const [k, e] of Object.entries(errs)) { e.textContent = ''; f[k].removeAttribute('aria-invalid'); }
    const b = { issue: f.issue.value.trim(), action: f.action.value.trim(), element: f.element.value, responsible: f.responsible.value.trim() };
    if (f.capability.value) b.capability = f.capability.value;
    if (f.due.value) b.due = f.due.value;
    if (f.start.value) b.start = f.start.value;
    if (f.afi.value) b.afi = Number(f.afi.value);
    if (f.target.value) b.target = f.target.value;
    if (f.analysis.value.trim()) b.analysis = f.analysis.value.trim();
    if (f.poc.value.trim()) b.poc = f.poc.value.trim();
    // a date the picker could not read arrives empty: say so rather than send nothing
    for (const k of ['start', 'due']) if (!f[k].value && f[k].validity && f[k].validity.badInput) { errs[k].textContent = 'not a date that exists'; f[k].setAttribute('aria-invalid', 'true'); return; }
    try {
      await api.runImprove(S.id, b);
      f.issue.value = ''; f.action.value = ''; f.analysis.value = '';
      await refresh(S);
    } catch (e) {
      if (errs[e.field]) { errs[e.field].textContent = e.detail || e.message; f[e.field].setAttribute('aria-invalid', 'true'); } else formErr.textContent = e.message;
    }
  }
  async function setStatus(it, status) {
    try { await api.runImprovementStatus(S.id, it.id, status); await refresh(S); } catch (e) { toast(e.message, 'error'); }
  }
  const afiShown = el('span', { class: 'help muted small block run-afi-shown', dataset: { testid: 'imp-afi-shown' } });
  const showAfi = () => {   // review 15b item 10: the chosen area for improvement in full, wrapped
    const o = (S.run.observations || []).find((x) => String(x.id) === f.afi.value);
    afiShown.textContent = o ? `${obsCapability(S, o)}${o.target ? ' · ' + o.target : ''}: ${o.text}` : '';
  };
  f.afi.addEventListener('change', showAfi);
  S.redraw.push(() => { // the areas for improvement observed so far, to link an item to
    const keep = f.afi.value;
    put(f.afi, el('option', { value: '' }, '—'), (S.run.observations || []).filter((o) => o.kind === 'improvement').map((o) => {
      const label = `#${o.id} ${obsCapability(S, o)}${o.target ? ' · ' + o.target : ''}: ${o.text}`;
      return el('option', { value: String(o.id), selected: String(o.id) === keep, title: label }, label);
    }));
    showAfi();
  });
  S.redraw.push(() => {
    if (!(S.run.improvements || []).length) { put(body, el('tr', {}, el('td', { colspan: '10', class: 'muted' }, 'No items yet.'))); return; }
    put(body, (S.run.improvements || []).map((it) => el('tr', { dataset: { item: String(it.id) } },
      el('td', { class: 'num' }, String(it.id)), el('td', { dataset: { testid: 'imp-capability' } }, itemCapability(S, it) || '—'),
      el('td', {}, it.afi ? `observation #${it.afi}${it.target ? ', ' + it.target : ''}` : it.target || it.objective || '—'),
      el('td', {}, it.issue, it.analysis ? el('span', { class: 'muted small block' }, `Analysis: ${it.analysis}`) : null), el('td', {}, it.action),
      el('td', {}, it.element), el('td', {}, it.responsible, it.poc ? el('span', { class: 'muted small block' }, `POC: ${it.poc}`) : null),
      el('td', {}, it.start || '—'), el('td', {}, it.due || '—'),
      el('td', {}, view === 'facilitator'
        ? el('select', { 'aria-label': `Status of item ${it.id}`, onchange: (ev) => setStatus(it, ev.target.value) },
          ITEM_STATUSES.map((s) => el('option', { value: s, selected: (it.status || 'open') === s }, s)))
        : it.status || 'open'))));
  });
  const form = view === 'facilitator' ? el('form', { class: 'form run-improve', novalidate: true, onsubmit: add, 'aria-label': 'Add an improvement plan item' },
    el('h3', {}, 'Add an item'),
    el('div', { class: 'run-grid2' },
      el('div', { class: 'field' }, el('label', { for: 'imp-issue' }, 'Area for improvement'), f.issue, errs.issue),
      el('div', { class: 'field' }, el('label', { for: 'imp-action' }, 'Corrective action'), f.action, errs.action)),
    el('div', { class: 'run-assign-row' },
      el('div', { class: 'field' }, el('label', { for: 'imp-element' }, 'Capability element'), f.element, errs.element),
      el('div', { class: 'field' }, el('label', { for: 'imp-responsible' }, 'Responsible organisation'), f.responsible, errs.responsible),
      el('div', { class: 'field' }, el('label', { for: 'imp-capability' }, 'Capability'), f.capability, errs.capability),
      el('div', { class: 'field' }, el('label', { for: 'imp-start' }, 'Start'), f.start, errs.start),
      el('div', { class: 'field' }, el('label', { for: 'imp-due' }, 'Due'), f.due, errs.due)),
    el('div', { class: 'run-assign-row' },
      el('div', { class: 'field run-afi' }, el('label', { for: 'imp-afi' }, 'Answers the area for improvement'), f.afi, afiShown, errs.afi),
      el('div', { class: 'field' }, el('label', { for: 'imp-target' }, 'Or the capability target'), f.target, errs.target),
      el('div', { class: 'field' }, el('label', { for: 'imp-poc' }, 'Point of contact'), f.poc, errs.poc)),
    el('div', { class: 'field' }, el('label', { for: 'imp-analysis' }, 'Analysis (root cause)'), f.analysis, errs.analysis),
    el('div', { class: 'run-assign-row' },
      el('div', { class: 'field field-go' }, el('button', { type: 'submit', class: 'btn btn-primary', dataset: { testid: 'imp-add' } }, 'Add'))),
    formErr) : null;
  return panel('run-improvements', 'Improvement plan',
    el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Improvement plan items' }, el('table', { class: 'table' },
      el('thead', {}, el('tr', {}, ['#', 'Capability', 'Area for improvement', 'Issue', 'Corrective action', 'Element (POETE)', 'Responsible', 'Start', 'Due', 'Status'].map((h) => el('th', { scope: 'col' }, h)))),
      body)),
    form);
}

/* ---- what evaluators rate against (review findings 6, 8) ---- */

// Every player's ICS 214 activity log entries (a facilitator's, evaluator's and observer's view).
function playersLogPanel(S) {
  const box = el('div', {});
  S.redraw.push(() => {
    const ls = (S.run.log || []).slice().reverse();
    put(box, ls.length ? el('ul', { class: 'run-list', dataset: { testid: 'run-players-log' } }, ls.map((g) => el('li', {},
      el('span', { class: 'muted small block' }, `${hhmm(g.t_min)} · ${S.roleName.get(g.position) || g.position || '—'} · ${g.user}${g.agency ? ' (' + g.agency + ')' : ''}`),
      g.activity)))
      : el('p', { class: 'muted' }, 'No ICS 214 entries yet.'));
  });
  return panel('run-players-log', 'Activity logs (ICS 214)', box);
}

// The Exercise Evaluation Guide: per objective and capability target its critical tasks and the
// injects of its core capability that test it, with the expected action, deadline and status.
function eegPanel(S) {
  const box = el('div', {});
  function injectTable(label, tests, state) {
    return el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': label }, el('table', { class: 'table', dataset: { testid: 'eeg-injects' } },
      el('thead', {}, el('tr', {}, ['#', 'Expected action', 'Deadline', 'Status'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, tests.map((inj) => {
        const st = state.get(inj.seq) || {};
        const done = st.done_min !== null && st.done_min !== undefined;
        const deadline = st.deadline_min !== null && st.deadline_min !== undefined && st.deadline_min >= 0 ? st.deadline_min : null;
        const word = done ? (deadline !== null && st.done_min > deadline ? `late (done ${hhmm(st.done_min)})` : `done ${hhmm(st.done_min)}`)
          : st.status === 'skipped' || st.status === 'cancelled' || st.status === 'delivered' ? st.status : 'pending';
        const cell = el('td', { dataset: { testid: 'eeg-status' } }, word);
        // review 15b item 7: delivered, not done and its deadline behind the clock: overdue
        if (!done && st.status === 'delivered' && deadline !== null) overdue.push({ cell, deadline });
        return el('tr', { dataset: { seq: String(inj.seq) } }, el('td', { class: 'num' }, String(inj.seq)),
          el('td', {}, inj.expected_action, el('span', { class: 'muted small block' }, inj.capability || '')),
          el('td', {}, deadline !== null ? hhmm(deadline) : '—'), cell);
      }))));
  }
  let overdue = [];   // {cell, deadline} of the delivered expected actions not done
  S.eegTick = (now) => {
    for (const { cell, deadline } of overdue) {
      const late = now > deadline;
      if (late === (cell.dataset.overdue === 'true')) continue;
      cell.dataset.overdue = String(late);
      cell.className = late ? 'eeg-overdue' : '';
      cell.textContent = late ? 'overdue: not done by its deadline' : 'delivered';
    }
  };
  S.redraw.push(() => {
    overdue = [];
    const state = new Map((S.run.injects || []).map((i) => [i.seq, i]));
    const injects = (S.run.scenario.injects || []).filter((inj) => inj.expected_action);
    const objectives = S.run.scenario.objectives || [];
    const covered = new Set(objectives.map((o) => o.capability));
    const others = injects.filter((inj) => !covered.has(inj.capability));
    put(box, objectives.map((o) => {
      const tests = injects.filter((inj) => inj.capability === o.capability);
      return el('section', { class: 'run-eeg', dataset: { objective: o.id } },
        el('h3', {}, `${o.capability}: ${o.text}`),
        (o.targets || []).map((t) => el('div', { dataset: { target: t.id } },
          el('p', {}, el('strong', {}, t.id), ' ', t.text),
          el('ul', { class: 'small', 'aria-label': `Critical tasks of ${t.id}` }, (t.tasks || []).map((k) => el('li', {}, k))))),
        tests.length ? injectTable(`Injects testing ${o.id}`, tests, state)
          : el('p', { class: 'muted small' }, 'No inject of this capability has an expected action.'));
    }), others.length ? el('section', { class: 'run-eeg', dataset: { objective: '' } },
      el('h3', {}, 'Other expected actions (their capability has no objective)'),
      injectTable('Other expected actions', others, state)) : null);
  });
  return panel('run-eeg', 'Exercise Evaluation Guide', el('p', { class: 'muted small' }, 'What to rate against: each target\'s critical tasks and the injects of its core capability with their expected actions.'), box);
}

/* ---- the evaluator's and observer's view ---- */

function evaluatorView(S, ctx) {
  const parts = [];
  if (S.run.view === 'evaluator') parts.push(observationForm(S));
  parts.push(eegPanel(S), observationsPanel(S), ratingsPanel(S, ctx), responsesPanel(S), playersLogPanel(S), timelinePanel(S), decisionsMadePanel(S), simPanel(S), improvementsPanel(S), reportLinks(S));
  return parts;
}

function observationForm(S) {
  const targets = targetsOf(S);
  const target = el('select', { id: 'obs-target', 'aria-describedby': 'obs-target-err' }, el('option', { value: '' }, 'None (a capability only)'),
    targets.map((t) => el('option', { value: t.id }, `${t.capability}: ${t.text}`)));
  const capability = el('select', { id: 'obs-capability', 'aria-describedby': 'obs-capability-err' }, el('option', { value: '' }, 'The target\'s capability'),
    capabilityOptions(S).map((c) => el('option', { value: c }, c)));
  const kind = el('select', { id: 'obs-kind' }, Object.entries(KIND_NAMES).map(([k, w]) => el('option', { value: k }, w)));
  const text = el('textarea', { id: 'obs-text', rows: 3, maxlength: 3999, 'aria-describedby': 'obs-text-err' });
  const time = el('input', { type: 'text', id: 'obs-time', placeholder: 'now', inputmode: 'numeric', 'aria-describedby': 'obs-time-help obs-t_min-err' });
  const errs = { target: fieldErr('obs-target-err'), capability: fieldErr('obs-capability-err'), text: fieldErr('obs-text-err'), t_min: fieldErr('obs-t_min-err'), form: el('p', { class: 'form-error', role: 'alert' }) };
  async function add(ev) {
    ev.preventDefault();
    for (const e of Object.values(errs)) e.textContent = '';
    const b = { kind: kind.value, text: text.value.trim() };
    if (target.value) b.target = target.value;
    if (capability.value) b.capability = capability.value;
    if (time.value.trim()) {
      const m = parseHhmm(time.value);
      if (m === null) { errs.t_min.textContent = 'Write the scenario time as HH:MM, or leave it empty for now.'; return; }
      b.t_min = m;
    }
    try {
      await api.runObserve(S.id, b);
      text.value = ''; time.value = '';
      toast('Observation recorded.');
      await refresh(S);
    } catch (e) {
      if (errs[e.field]) errs[e.field].textContent = e.detail || e.message; else errs.form.textContent = e.message;
    }
  }
  return panel('run-observe', 'Record an observation',
    el('form', { class: 'form', novalidate: true, onsubmit: add },
      el('div', { class: 'run-assign-row' },
        el('div', { class: 'field' }, el('label', { for: 'obs-kind' }, 'Kind'), kind),
        el('div', { class: 'field' }, el('label', { for: 'obs-target' }, 'Capability target'), target, errs.target),
        el('div', { class: 'field' }, el('label', { for: 'obs-capability' }, 'Capability'), capability, errs.capability),
        el('div', { class: 'field' }, el('label', { for: 'obs-time' }, 'Scenario time (HH:MM)'), time,
          el('span', { class: 'help muted small', id: 'obs-time-help' }, 'Empty: now.'), errs.t_min)),
      el('div', { class: 'field' }, el('label', { for: 'obs-text' }, 'What you saw'), text, errs.text),
      errs.form,
      el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'btn btn-primary', dataset: { testid: 'obs-add' } }, 'Record'))));
}

function observationsPanel(S) {
  const box = el('div', {});
  S.redraw.push(() => {
    const os = (S.run.observations || []).slice().sort((a, b) => b.t_min - a.t_min);
    put(box, os.length ? el('div', { class: 'table-scroll' }, el('table', { class: 'table', dataset: { testid: 'run-observations' } },
      el('thead', {}, el('tr', {}, ['Time', 'Kind', 'Capability / target', 'Observation', 'By'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, os.map((o) => el('tr', { dataset: { kind: o.kind } },
        el('td', { class: 'num' }, hhmm(o.t_min)), el('td', {}, el('span', { class: `obs-kind obs-${o.kind}` }, KIND_NAMES[o.kind] || o.kind)),
        el('td', {}, o.capability, o.target ? el('span', { class: 'muted small block' }, o.target) : null),
        el('td', {}, o.text), el('td', {}, o.user))))))
      : el('p', { class: 'muted' }, 'No observations yet.'));
  });
  return panel('run-observations-panel', 'Observations', box);
}

/* ---- the player's view ---- */

function playerView(S, ctx) {
  const r = S.run;
  const parts = [rolesPanel(S), inboxPanel(S), decisionsPanel(S)];
  const simTo = new Set(r.scenario.sim_to || []);
  if (r.sim_figures || (r.my_roles || []).some((x) => simTo.has(x))) parts.push(simPanel(S));
  if (r.scenario.pio_role && (r.my_roles || []).includes(r.scenario.pio_role)) parts.push(alertPanel(S));
  parts.push(logPanel(S, ctx));
  return parts;
}

function rolesPanel(S) {
  const roles = (S.run.scenario.roles || []).filter((r) => (S.run.my_roles || []).includes(r.id));
  return panel('run-my-roles', roles.length === 1 ? 'Your role' : 'Your roles',
    el('ul', { class: 'run-list' }, roles.map((r) => el('li', {}, el('strong', {}, r.name), ` — ${r.organisation}`,
      el('span', { class: 'muted small block' }, r.description)))));
}

function myRolesIn(S, ids) { return (S.run.my_roles || []).filter((x) => (ids || []).includes(x)); }

function roleSelect(S, id, roles) {
  if (roles.length === 1) return { node: el('span', { class: 'muted small' }, `as ${S.roleName.get(roles[0]) || roles[0]}`), value: () => roles[0] };
  const sel = el('select', { id, 'aria-label': 'As which role' }, roles.map((x) => el('option', { value: x }, S.roleName.get(x) || x)));
  return { node: sel, value: () => sel.value };
}

function inboxPanel(S) {
  const list = el('ol', { class: 'run-inbox', dataset: { testid: 'run-inbox' }, 'aria-live': 'polite', reversed: true });
  const empty = el('p', { class: 'muted', dataset: { testid: 'run-inbox-empty' } }, 'Nothing yet. Injects for your roles appear here as they arrive.');
  const items = new Map();   // seq -> {responses box}

  /* m: {kind, seq, t_min, order (newest first), type, delivery, from, roles, text} */
  function add(m, fresh) {
    if (m.kind === 'inject' && items.has(m.seq)) return;
    empty.hidden = true;
    const li = el('li', { class: `run-msg run-msg-${m.kind}${fresh ? ' run-msg-new' : ''}`, dataset: { kind: m.kind, seq: m.seq ? String(m.seq) : '', order: String(m.order) } },
      el('div', { class: 'run-msg-head' },
        el('span', { class: 'run-msg-time' }, hhmm(m.t_min)),
        el('span', { class: 'run-msg-type' }, m.kind === 'inject' ? `#${m.seq} · ${m.type}${m.delivery ? ' · ' + m.delivery : ''}` : EVENT_NAMES[m.kind]),
        m.from ? el('span', { class: 'run-msg-from' }, `from ${m.from}`) : null,
        m.roles && m.roles.length ? el('span', { class: 'muted small', dataset: { testid: 'run-msg-to' } }, `to ${roleNames(S, m.roles)}`) : null),
      el('p', { class: 'run-msg-text' }, m.text));
    if (m.kind === 'inject') {
      const answers = el('ul', { class: 'run-answers', dataset: { testid: 'run-answers' } });
      const roles = myRolesIn(S, m.roles);
      const tid = `resp-${m.seq}`;
      const text = el('textarea', { id: tid, rows: 2, maxlength: 3999, 'aria-describedby': `${tid}-err` });
      const err = fieldErr(`${tid}-err`);
      const rs = roleSelect(S, `${tid}-role`, roles.length ? roles : S.run.my_roles || []);
      const form = el('form', { class: 'form run-respond', novalidate: true, dataset: { testid: 'run-respond' } },
        el('div', { class: 'field' }, el('label', { for: tid }, `Your response to inject ${m.seq}`), text, err),
        el('div', { class: 'actions' }, rs.node, el('button', { type: 'submit', class: 'btn btn-primary btn-small' }, 'Send response')));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        err.textContent = '';
        text.removeAttribute('aria-invalid');
        try {
          await api.runRespond(S.id, m.seq, rs.value(), text.value.trim());
          text.value = '';
          await refresh(S);
        } catch (x) { err.textContent = x.detail || x.message; text.setAttribute('aria-invalid', 'true'); refusedInSuspension(S, x); }
      });
      li.append(answers, form);
      items.set(m.seq, { answers, form });
      drawAnswers(m.seq);
    }
    // newest first: before the first message that is older
    const older = [...list.children].find((x) => Number(x.dataset.order) < m.order);
    list.insertBefore(li, older || null);
    if (fresh) setTimeout(() => li.classList.remove('run-msg-new'), 4000);
  }

  function drawAnswers(seq) {
    const it = items.get(seq);
    const rs = (S.run.responses || []).filter((r) => r.seq === seq);
    put(it.answers, rs.map((r) => el('li', {}, el('span', { class: 'muted small' }, `${hhmm(r.t_min)} ${S.roleName.get(r.role) || r.role} (${r.user}): `), r.text)));
    for (const c of it.form.elements) c.disabled = S.run.ended;
  }

  // the stream's messages, in the order of their scenario time and then their ids
  S.onEvent.push((e, fresh) => {
    if (!['inject', 'sim', 'alert', 'endex', 'suspend'].includes(e.kind)) return;
    add({ kind: e.kind, seq: e.seq, t_min: e.t_min, order: e.t_min * 1e9 + e.id, type: e.type, delivery: e.detail && e.detail.delivery,
      from: e.from, roles: e.roles, text: e.text }, fresh);
  });
  S.redraw.push(() => {
    // the injects delivered so far, from the run itself: the inbox holds them even while the
    // stream cannot connect (the stream's copy of one is then skipped)
    const state = new Map((S.run.injects || []).map((i) => [i.seq, i]));
    for (const inj of S.run.scenario.injects || []) {
      const st = state.get(inj.seq);
      if (!st || st.status !== 'delivered' || items.has(inj.seq)) continue;
      const t = st.delivered_min === null || st.delivered_min === undefined ? 0 : st.delivered_min;
      add({ kind: 'inject', seq: inj.seq, t_min: t, order: t * 1e9, type: inj.type, delivery: inj.delivery, from: inj.from,
        roles: inj.to, text: inj.description }, false);
    }
    for (const seq of items.keys()) drawAnswers(seq);
  });
  return panel('run-inbox-panel', 'Inbox', empty, list);
}

function decisionsPanel(S) {
  const decisions = S.run.scenario.decisions || [];
  const rows = decisions.map((d) => {
    const id = `dec-${d.id}`;
    let input = null;
    if (d.kind === 'number') input = el('input', { type: 'number', id, step: 'any', min: d.min, max: d.max, inputmode: 'decimal', 'aria-describedby': `${id}-help ${id}-err` });
    else if (d.kind === 'bool') input = el('select', { id, 'aria-describedby': `${id}-help ${id}-err` }, el('option', { value: 'true' }, 'yes'), el('option', { value: 'false' }, 'no'));
    else if (d.kind === 'choice') input = el('select', { id, 'aria-describedby': `${id}-help ${id}-err` }, (d.choices || []).map((c) => el('option', { value: c }, c)));
    const err = fieldErr(`${id}-err`);
    const made = el('span', { class: 'muted small block', dataset: { testid: 'dec-made' } });
    const roles = myRolesIn(S, d.roles);
    const rs = roleSelect(S, `${id}-role`, roles.length ? roles : S.run.my_roles || []);
    const help = el('span', { class: 'help muted small', id: `${id}-help` },
      d.kind === 'number' ? `a number from ${d.min} to ${d.max}` : d.kind === 'none' ? 'no value: deciding records it' : d.kind === 'bool' ? 'yes or no' : `one of ${(d.choices || []).join(', ')}`,
      d.path ? ` · reaches the simulation (${d.path})` : ' · recorded in the log');
    const form = el('form', { class: 'run-decision', novalidate: true, dataset: { testid: `dec-${d.id}` } },
      el('div', { class: 'field' },
        input ? el('label', { for: id }, d.label) : el('span', { class: 'run-decision-label' }, d.label),
        el('div', { class: 'run-inline-row' }, input, rs.node,
          el('button', { type: 'submit', class: 'btn btn-primary btn-small', 'aria-label': `Decide: ${d.label}` }, 'Decide')),
        help, err, made));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      err.textContent = '';
      if (input) input.removeAttribute('aria-invalid');
      const b = { decision: d.id, role: rs.value() };
      if (d.kind === 'number') b.value = input.value.trim() === '' ? null : Number(input.value);
      else if (d.kind === 'bool') b.value = input.value === 'true';
      else if (d.kind === 'choice') b.value = input.value;
      try {
        await api.runDecide(S.id, b);
        toast(`Decided: ${d.label}${d.kind !== 'none' ? ' — ' + valueText(b.value) : ''}.`);
        await refresh(S);
      } catch (x) {
        err.textContent = x.detail || x.message;
        if (input) input.setAttribute('aria-invalid', 'true');
        refusedInSuspension(S, x);
      }
    });
    return { d, form, made };
  });
  S.redraw.push(() => {
    for (const { d, made, form } of rows) {
      const mine = (S.run.decisions || []).filter((x) => x.decision === d.id);
      const last = mine[mine.length - 1];
      made.textContent = last ? `Decided at ${hhmm(last.t_min)}: ${valueText(last.value)} (${S.roleName.get(last.role) || last.role}, ${last.user})${mine.length > 1 ? `; ${mine.length} times in all` : ''}` : '';
      for (const c of form.elements) c.disabled = S.run.ended;
    }
  });
  return panel('run-decide', 'Decisions', el('p', { class: 'muted small' }, 'Only while the clock runs. A decision that reaches the simulation reruns it with the decisions so far: its figures come to the EMS commander, the hospital incident commander and the crisis management centre.'),
    rows.length ? el('div', { class: 'run-decisions' }, rows.map((x) => x.form)) : el('p', { class: 'muted' }, 'Your roles make no structured decisions.'));
}

function logPanel(S, ctx) {
  const r = S.run;
  const body = el('tbody', {});
  const activity = el('textarea', { id: 'log-activity', rows: 2, maxlength: 3999, 'aria-describedby': 'log-activity-err' });
  const time = el('input', { type: 'text', id: 'log-time', placeholder: 'now', inputmode: 'numeric', 'aria-describedby': 'log-time-help log-t_min-err' });
  const rs = roleSelect(S, 'log-role', r.my_roles || []);
  const errs = { activity: fieldErr('log-activity-err'), t_min: fieldErr('log-t_min-err'), role: fieldErr('log-role-err'), form: el('p', { class: 'form-error', role: 'alert' }) };
  async function add(ev) {
    ev.preventDefault();
    for (const e of Object.values(errs)) e.textContent = '';
    const b = { activity: activity.value.trim(), role: rs.value() };
    if (time.value.trim()) {
      const m = parseHhmm(time.value);
      if (m === null) { errs.t_min.textContent = 'Write the scenario time as HH:MM, or leave it empty for now.'; return; }
      b.t_min = m;
    }
    try {
      await api.runLog(S.id, b);
      activity.value = ''; time.value = '';
      await refresh(S);
    } catch (e) {
      if (errs[e.field]) errs[e.field].textContent = e.detail || e.message; else errs.form.textContent = e.message;
      refusedInSuspension(S, e);
    }
  }
  S.redraw.push(() => {
    const entries = (S.run.log || []).slice().sort((a, b) => a.t_min - b.t_min || a.id - b.id);
    put(body, entries.length ? entries.map((x) => el('tr', {},
      el('td', { class: 'num' }, hhmm(x.t_min), el('span', { class: 'muted small block' }, wallTime(x.at))),
      el('td', {}, x.activity, el('span', { class: 'muted small block' }, `${S.roleName.get(x.position) || x.position}, ${x.agency}`))))
      : el('tr', {}, el('td', { colspan: '2', class: 'muted' }, 'No entries yet.')));
  });
  const org = (ctx.user.organisation && ctx.user.organisation.name) || '';
  const dur = r.scenario.duration || '';
  return panel('run-ics214', 'Activity log (ICS 214)',
    el('dl', { class: 'ics214-head' },
      el('div', {}, el('dt', {}, '1. Incident name'), el('dd', {}, r.title)),
      el('div', {}, el('dt', {}, '2. Operational period'), el('dd', {}, `scenario 00:00 to ${dur}`)),
      el('div', {}, el('dt', {}, '3. Name'), el('dd', {}, ctx.user.name)),
      el('div', {}, el('dt', {}, '4. ICS position'), el('dd', {}, roleNames(S, r.my_roles))),
      el('div', {}, el('dt', {}, '5. Home agency'), el('dd', {}, org))),
    el('h3', {}, '7. Activity log'),
    el('div', { class: 'table-scroll' }, el('table', { class: 'table ics214', dataset: { testid: 'run-log' } },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', class: 'num-h' }, 'Date/Time'), el('th', { scope: 'col' }, 'Notable activities'))),
      body)),
    el('form', { class: 'form', novalidate: true, onsubmit: add, 'aria-label': 'Add an activity' },
      el('div', { class: 'field' }, el('label', { for: 'log-activity' }, 'Activity'), activity, errs.activity),
      el('div', { class: 'run-assign-row' },
        el('div', { class: 'field' }, el('label', { for: 'log-time' }, 'Scenario time (HH:MM)'), time,
          el('span', { class: 'help muted small', id: 'log-time-help' }, 'Empty: now.'), errs.t_min),
        el('div', { class: 'field field-go' }, rs.node, errs.role),
        el('div', { class: 'field field-go' }, el('button', { type: 'submit', class: 'btn btn-primary', dataset: { testid: 'log-add' } }, 'Add to the log'))),
      errs.form));
}

/* Review 15b item 10: the alert template that best fits the exercise: the most words of its id
   in the scenario's title (an "armed-attack-hospital" for an armed attack at a hospital), one
   more when its CAP categories hold the sector of the exercise's site; none when nothing fits. */
const SECTOR_WORDS = { health: ['health', 'hospital'] };
function bestTemplate(sc, ownSite, templates) {
  const title = `${sc.title || ''}`.toLowerCase();
  const sector = ownSite && ownSite.sector ? String(ownSite.sector).toLowerCase() : '';
  let best = null;
  let bestScore = 0;
  for (const x of templates) {
    const words = x.id.toLowerCase().split('-');
    let score = words.filter((w) => w.length > 2 && title.includes(w)).length;
    if (sector) {
      const cats = (x.categories || []).map((c) => String(c).toLowerCase());
      if (cats.includes(sector) || words.some((w) => (SECTOR_WORDS[sector] || [sector]).includes(w))) score++;
    }
    if (score > bestScore) { best = x; bestScore = score; }
  }
  return best;
}

function alertPanel(S) {
  const tpl = el('select', { id: 'xa-template', 'aria-describedby': 'xa-template-err' });
  const site = el('select', { id: 'xa-site', 'aria-describedby': 'xa-site_id-err' }, el('option', { value: '' }, 'Choose a site…'));
  const radius = el('input', { type: 'number', id: 'xa-radius', min: '0.1', max: '100', step: '0.1', value: '1', inputmode: 'decimal', 'aria-describedby': 'xa-radius_km-err' });
  const note = el('input', { type: 'text', id: 'xa-note', maxlength: 500 });
  const errs = { template: fieldErr('xa-template-err'), site_id: fieldErr('xa-site_id-err'), radius_km: fieldErr('xa-radius_km-err'), form: el('p', { class: 'form-error', role: 'alert' }) };
  const done = el('p', { class: 'form-status', role: 'status', dataset: { testid: 'xa-done' } });
  let loaded = false;
  async function load() {
    if (loaded) return;
    loaded = true;
    try {
      const [t, s] = await Promise.all([api.alertTemplates(), api.sitesUnmarked()]);
      const most = TLP_LEVELS.indexOf(S.run.tlp);   // the sites at most the run's label: the view stays at its marking
      const own = S.run.scenario.site;
      const ownSite = (s.items || []).find((x) => x.id === own);
      const templates = (t.templates || []).filter((x) => !x.all_clear);
      const best = bestTemplate(S.run.scenario, ownSite, templates);
      put(tpl, templates.map((x) => {
        const en = (x.languages || []).find((l) => l.language === 'en') || (x.languages || [])[0];
        return el('option', { value: x.id, selected: x === best }, `${en ? en.event : x.id} (${x.id})`);
      }));
      site.append(...(s.items || []).filter((x) => TLP_LEVELS.indexOf(x.tlp) <= most).slice().sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }))
        .map((x) => el('option', { value: x.id, selected: x.id === own }, `${x.id} — ${x.name}`)));
      // review finding 10 (15b): the exercise's own site, selected in the markup too (a reset keeps it)
      if (own && [...site.options].some((o) => o.value === own)) site.value = own;
      if (best) tpl.value = best.id;
    } catch (e) { errs.form.textContent = e.message; }
  }
  async function issue(ev) {
    ev.preventDefault();
    for (const e of Object.values(errs)) e.textContent = '';
    done.textContent = '';
    try {
      const b = { template: tpl.value, site_id: site.value, radius_km: Number(radius.value), status: 'Exercise' };
      if (note.value.trim()) b.note = note.value.trim();
      const a = await api.runAlert(S.id, b);
      done.textContent = `Exercise alert issued: ${a.identifier} (status Exercise: never in the public feed).`;
      note.value = '';
    } catch (e) {
      if (errs[e.field]) errs[e.field].textContent = e.detail || e.message; else errs.form.textContent = e.message;
      refusedInSuspension(S, e);
    }
  }
  // review finding 10: the alerts issued in the run so far, newest first (the stream's alert events)
  const sent = el('ul', { class: 'run-answers', dataset: { testid: 'xa-sent' } });
  const sentEmpty = el('p', { class: 'muted small', dataset: { testid: 'xa-sent-empty' } }, 'No exercise alert has been issued in this run yet.');
  S.onEvent.push((e) => {
    if (e.kind !== 'alert') return;
    sentEmpty.hidden = true;
    const d = e.detail || {};
    sent.prepend(el('li', { dataset: { identifier: d.identifier || '' } },
      el('span', { class: 'muted small' }, `${hhmm(e.t_min)}${d.site ? ' · ' + d.site : ''}: `), e.text));
  });
  // open: a form, with a disclosure marker to fold it away (review finding 10)
  const details = el('details', { class: 'run-alert', open: true }, el('summary', {}, 'Issue an exercise alert'),
    el('form', { class: 'form', novalidate: true, onsubmit: issue },
      el('p', { class: 'muted small' }, 'As the run\'s public information officer: a CAP alert with status Exercise, issued at once and never in the public feed.'),
      el('div', { class: 'run-assign-row' },
        el('div', { class: 'field' }, el('label', { for: 'xa-template' }, 'Template'), tpl, errs.template),
        el('div', { class: 'field' }, el('label', { for: 'xa-site' }, 'Site'), site, errs.site_id),
        el('div', { class: 'field' }, el('label', { for: 'xa-radius' }, 'Radius (km)'), radius, errs.radius_km)),
      el('div', { class: 'field' }, el('label', { for: 'xa-note' }, 'Note (optional)'), note),
      errs.form, done,
      el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'btn btn-primary', dataset: { testid: 'xa-issue' } }, 'Issue the exercise alert'))));
  details.addEventListener('toggle', () => { if (details.open) load(); });
  load();
  return panel('run-pio', 'Public information', details,
    el('h3', {}, 'Exercise alerts issued'), sentEmpty, sent);
}

/* ---- a suspension for a real-world emergency (review finding 9) ---- */

/** The cover over a participant's screen while the run is suspended (not the facilitator's:
 *  the console stays usable to resume or end the run); gone when the suspension is over. */
function syncSuspension(S) {
  const old = document.getElementById('suspend-overlay');
  const sp = S.run.suspended;
  suspendBanner(S);
  if (!sp || S.run.view !== 'player' || S.stopped) { if (old) old.remove(); S.suspendRefusal = null; return; }
  if (old && old.dataset.event === String(sp.event)) { drawSuspendRefusal(S); return; }
  if (old) old.remove();
  const box = el('div', { class: 'endex-box', tabindex: '-1' },
    el('h1', { id: 'suspend-title' }, 'REAL-WORLD EMERGENCY'),
    el('p', { class: 'endex-sub' }, 'The exercise is suspended. This is not part of the exercise.'),
    el('p', { id: 'suspend-text', class: 'endex-text', dataset: { testid: 'suspend-text' } }, sp.text),
    el('p', { class: 'endex-time' }, `Suspended at scenario time ${hhmm(sp.t_min)}. This screen stays covered until the facilitator resumes or ends the exercise.`),
    el('p', { class: 'endex-refused', role: 'alert', dataset: { testid: 'suspend-refused' }, hidden: true }));
  const o = el('div', { id: 'suspend-overlay', class: 'endex-overlay endex-real', role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': 'suspend-title', 'aria-describedby': 'suspend-text', dataset: { testid: 'suspend-overlay', event: String(sp.event) } }, box);
  o.addEventListener('keydown', (ev) => { if (ev.key === 'Tab') { ev.preventDefault(); box.focus(); } });   // the focus stays on it
  document.body.append(o);
  drawSuspendRefusal(S);
  box.focus();
}

/* Review 15b item 10: evaluators (and observers) may still record observations during a
   suspension: a red banner at the top of their page instead of the cover. */
function suspendBanner(S) {
  const old = document.getElementById('suspend-banner');
  const sp = S.run.suspended;
  if (!sp || S.run.view === 'player' || S.run.view === 'facilitator' || S.stopped) { if (old) old.remove(); return; }
  const head = document.querySelector('.run-head');
  if (!head || (old && old.dataset.event === String(sp.event))) return;
  if (old) old.remove();
  head.before(el('div', { id: 'suspend-banner', class: 'run-suspend-banner', role: 'alert', dataset: { testid: 'suspend-banner', event: String(sp.event) } },
    el('strong', {}, 'REAL-WORLD EMERGENCY: the exercise is suspended. This is not part of the exercise.'),
    el('p', { dataset: { testid: 'suspend-banner-text' } }, sp.text),
    el('p', { class: 'small' }, `Since scenario time ${hhmm(sp.t_min)}. The players' screens are covered until the facilitator resumes or ends the exercise; you may still record observations.`)));
}

/** Review 15b item 10: a player's action refused during a suspension (or just as it began) is
 *  shown on the cover as well as next to its field, where it stays after the cover lifts. */
function refusedInSuspension(S, x) {
  if (!S.run.suspended && !(x && x.status === 409 && /suspend/i.test(x.message || ''))) return;
  S.suspendRefusal = x.detail || x.message;
  if (S.run.suspended) drawSuspendRefusal(S); else scheduleRefresh(S);   // the suspend event may be on its way
}

function drawSuspendRefusal(S) {
  const p = document.querySelector('#suspend-overlay [data-testid=suspend-refused]');
  if (!p) return;
  p.hidden = !S.suspendRefusal;
  p.textContent = S.suspendRefusal
    ? `Your action was not recorded: ${S.suspendRefusal.replace(/[.\s]*$/, '')}. The message stays next to its field.` : '';
}

async function suspendDialog(S) {
  const msg = el('textarea', { id: 'run-suspend-msg', rows: 3, maxlength: 3999 });
  const ok = await confirmDialog({
    title: 'Suspend the exercise: real-world emergency',
    testid: 'run-suspend-dialog',
    ok: 'Suspend the exercise now',
    body: el('div', {},
      el('p', {}, 'The clock stops and every participant\'s screen is covered at once with your message (it begins "REAL-WORLD EMERGENCY - EXERCISE SUSPENDED"). Players cannot decide, respond or log until you resume the exercise or end it (ENDEX).'),
      el('div', { class: 'field' }, el('label', { for: 'run-suspend-msg' }, 'Message to every participant'), msg)),
  });
  if (!ok) return;
  try {
    const body = {};
    if (msg.value.trim()) body.message = msg.value.trim();
    await api.runClock(S.id, 'suspend', body);
    await refresh(S);
    toast('The exercise is suspended for everyone.');
  } catch (e) {
    toast(e.message, 'error');
  }
}

/* ---- ENDEX ---- */

function endexOverlay(S, e) {
  const old = document.getElementById('endex-overlay');
  if (old) old.remove();
  const real = /^REAL-WORLD EMERGENCY/.test(e.text || '');
  const close = el('button', { type: 'button', class: 'btn', dataset: { testid: 'endex-close' } }, 'Close this message');
  const o = el('div', { id: 'endex-overlay', class: `endex-overlay${real ? ' endex-real' : ''}`, role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': 'endex-title', 'aria-describedby': 'endex-text', dataset: { testid: 'endex-overlay' } },
    el('div', { class: 'endex-box' },
      el('h1', { id: 'endex-title' }, real ? 'REAL-WORLD EMERGENCY' : 'ENDEX'),
      el('p', { class: 'endex-sub' }, real ? 'The exercise has been stopped. This is not part of the exercise.' : 'The exercise is over.'),
      el('p', { id: 'endex-text', class: 'endex-text', dataset: { testid: 'endex-text' } }, e.text),
      el('p', { class: 'endex-time' }, `Scenario time ${hhmm(e.t_min)}`),
      close));
  close.addEventListener('click', () => o.remove());
  o.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') o.remove(); else if (ev.key === 'Tab') { ev.preventDefault(); close.focus(); } });   // the focus stays on it
  document.body.append(o);
  close.focus();
}
