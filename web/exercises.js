// exercises.js - the exercise runs (issue 15, #/exercises): the runs the user may see (a link to
// each, #/runs/ID) and, for a facilitator, a new run from a built-in exercise scenario; the run's
// participants are assigned on its console (run.js).

import * as api from './api.js';
import { el, put, num, tlpBadge, TLP_LEVELS } from './ui.js';
import { canCreateRun } from './roles.js';
import { hhmm, CLOCK_STATES, VIEW_NAMES } from './run.js';

export async function renderExercises(main, ctx) {
  const token = ctx.token;
  const creator = canCreateRun(ctx.user);
  const [runs, builtins] = await Promise.all([api.runs(), creator ? api.exercises() : Promise.resolve({ items: [] })]);
  if (token !== ctx.token) return;

  const list = (runs.items || []).length
    ? el('div', { class: 'table-scroll' }, el('table', { class: 'table', id: 'runs' },
      el('thead', {}, el('tr', {}, ['Run', 'Exercise', 'Your part', 'Clock', 'Scenario time', 'Created'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, runs.items.map((r) => el('tr', { dataset: { run: String(r.id) } },
        el('th', { scope: 'row' }, el('a', { href: `#/runs/${r.id}` }, r.title), ' ', tlpBadge(r.tlp)),
        el('td', {}, r.scenario_id),
        el('td', {}, VIEW_NAMES[r.view] || r.view),
        el('td', {}, CLOCK_STATES[r.clock.state] || r.clock.state, r.clock.state === 'running' ? ` (×${r.clock.speed})` : ''),
        el('td', { class: 'num' }, hhmm(r.clock.now_min)),
        el('td', {}, new Date(r.created_at * 1000).toLocaleDateString('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' }), ` by ${r.created_by}`))))))
    : el('p', { class: 'muted', dataset: { testid: 'runs-empty' } }, creator
      ? 'No runs yet: create one below.'
      : 'You take part in no run yet: a facilitator assigns you to one.');

  put(main,
    el('div', { class: 'page-head' }, el('h1', {}, 'Exercises')),
    el('section', { class: 'panel', 'aria-labelledby': 'runs-title' },
      el('h2', { id: 'runs-title' }, 'Runs'),
      el('p', { class: 'muted' }, 'Table-top and simulation exercises run live: a facilitator drives the clock and the injects, players receive them and decide, evaluators observe and rate.'),
      list),
    creator ? createPanel(builtins.items || []) : null);
}

function createPanel(builtins) {
  const fieldErr = (id) => el('span', { class: 'field-error', id, role: 'alert' });
  const builtin = el('select', { id: 'ex-builtin', 'aria-describedby': 'ex-builtin-help ex-builtin-err' },
    builtins.map((b) => el('option', { value: b.id }, b.title)));
  const title = el('input', { type: 'text', id: 'ex-title', maxlength: 199, 'aria-describedby': 'ex-title-help ex-title-err' });
  const tlp = el('select', { id: 'ex-tlp', 'aria-describedby': 'ex-tlp-err' }, el('option', { value: '' }, 'The scenario\'s (usually AMBER)'),
    TLP_LEVELS.map((t) => el('option', { value: t }, `TLP:${t}`)));
  const seed = el('input', { type: 'number', id: 'ex-seed', min: '0', step: '1', inputmode: 'numeric', 'aria-describedby': 'ex-seed-help ex-seed-err' });
  const errs = { builtin: fieldErr('ex-builtin-err'), title: fieldErr('ex-title-err'), tlp: fieldErr('ex-tlp-err'), seed: fieldErr('ex-seed-err') };
  const formErr = el('p', { class: 'form-error', role: 'alert' });
  const about = el('div', { class: 'muted small', id: 'ex-builtin-help' });
  const describe = () => {
    const b = builtins.find((x) => x.id === builtin.value);
    put(about, b ? [el('p', {}, b.description),
      el('p', {}, `${num(b.injects)} injects over ${hhmm(b.duration_min)} in ${b.stages.length} stages; ${b.roles.length} roles: ${b.roles.map((r) => r.name).join(', ')}; ${b.decisions.length} decisions${b.simulation ? `; the mass-casualty simulation ${b.simulation} from ${hhmm(b.sim_start_min)}` : ''}.`)] : 'No built-in exercise.');
  };
  builtin.addEventListener('change', describe);
  describe();
  const form = el('form', { class: 'form', novalidate: true },
    el('div', { class: 'field' }, el('label', { for: 'ex-builtin' }, 'Exercise'), builtin, about, errs.builtin),
    el('div', { class: 'field' }, el('label', { for: 'ex-title' }, 'Title of the run'), title,
      el('span', { class: 'help muted small', id: 'ex-title-help' }, 'Empty: the exercise\'s title.'), errs.title),
    el('div', { class: 'run-assign-row' },
      el('div', { class: 'field' }, el('label', { for: 'ex-tlp' }, 'Marking of its records'), tlp, errs.tlp),
      el('div', { class: 'field' }, el('label', { for: 'ex-seed' }, 'Simulation seed (optional)'), seed,
        el('span', { class: 'help muted small', id: 'ex-seed-help' }, 'The same seed gives the same figures for the same decisions.'), errs.seed)),
    formErr,
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'btn btn-primary', dataset: { testid: 'ex-create' } }, 'Create the run')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    formErr.textContent = '';
    for (const e of Object.values(errs)) e.textContent = '';
    const b = { builtin: builtin.value };
    if (title.value.trim()) b.title = title.value.trim();
    if (tlp.value) b.tlp = tlp.value;
    if (seed.value.trim() !== '') b.seed = Number(seed.value);
    try {
      const r = await api.createRun(b);
      location.hash = `#/runs/${r.id}`;
    } catch (e) {
      if (errs[e.field]) errs[e.field].textContent = e.detail || e.message; else formErr.textContent = e.message;
    }
  });
  return el('section', { class: 'panel', 'aria-labelledby': 'ex-new-title', dataset: { testid: 'ex-new' } },
    el('h2', { id: 'ex-new-title' }, 'New run'),
    el('p', { class: 'muted' }, 'You become its lead facilitator; on its console you assign players to its roles, evaluators and co-facilitators, then start the clock.'),
    form);
}
