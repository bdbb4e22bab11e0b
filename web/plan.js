// plan.js - the investment plan: budget (number and slider), solver, scope (issue 16: the filter bar); totals with the
// gaps; the frontier (risk reduction against budget, the LP bound dashed, the chosen budget
// marked; a click sets the budget); the funded sites on a map; measures with their reasons;
// the rejected measures; the printable report; saving a plan (government coordinators, admins).

import * as api from './api.js';
import { el, put, eur, pct, num, bandBadge, toast, threatName, names as catalogueNames } from './ui.js';
import { readFilter, remember, filterBar, filterOptions, isFilterError, isEmpty, emptyNote, hrefFor, hashParam, csvLink } from './filter.js';

const DEFAULT_BUDGET = 2000000;
const DEBOUNCE_MS = 600;
const FUNDED = '#0b5cad';
const UNFUNDED = '#9aa0a6';

/**
 * Government coordinators and admins save plans of any scope; an organisation's operators and
 * admins one scoped to their own organisation alone (filter f's owner "mine" or its id; other
 * filters narrow it). The server decides (pt_access_plan_save): a mirror for the button.
 */
export function canSavePlan(user, f = null) {
  if (!user || !user.organisation) return false;
  if (user.organisation.type === 'government') return user.role === 'coordinator' || user.role === 'admin';
  if (user.role !== 'operator' && user.role !== 'admin') return false;
  return !!f && f.owner.length === 1 && (f.owner[0] === 'mine' || f.owner[0] === String(user.organisation.id));
}

export async function renderPlan(main, ctx) {
  const token = ctx.token;
  // issue 16: the plan's scope is the shared filter (filter.js: my organisation, a region, a
  // sector, the nation...), in the URL with the budget and the solver
  const f = readFilter(location.hash, ctx.user);
  remember(f);
  const hashExtra = { budget: hashParam(location.hash, 'budget'), solver: hashParam(location.hash, 'solver') };
  const optionsP = filterOptions(ctx.user);
  let sites;
  let outline;
  let catalogue;
  try {
    [sites, outline, catalogue] = await Promise.all([api.sitesFiltered(f), api.regionOutline(), api.measures().catch(() => ({ items: [] }))]);
  } catch (e) {
    if (!isFilterError(e)) throw e;
    const options = await optionsP;
    if (token !== ctx.token) return;
    put(main, el('div', { class: 'page-head' }, el('h1', {}, 'Investment plan')),
      filterBar({ user: ctx.user, f, base: '#/plan', extra: hashExtra, options, error: e }));
    return;
  }
  const options = await optionsP;
  if (token !== ctx.token) return;
  const names = {
    site: new Map(sites.items.map((s) => [s.id, s.name])),
    measure: new Map(catalogue.items.map((m) => [m.id, m.name])),
  };
  const state = { frontier: null, frontierKey: null, plan: null, chart: null, map: null, layer: null, seq: 0, timer: null };

  const startBudget = /^\d{1,13}$/.test(hashExtra.budget) ? hashExtra.budget : String(DEFAULT_BUDGET);
  const budget = el('input', { type: 'number', id: 'plan-budget', name: 'budget', min: '0', max: '1000000000000', step: '10000', value: startBudget, inputmode: 'numeric', required: true, 'aria-describedby': 'plan-budget-help' });
  const range = el('input', { type: 'range', id: 'plan-budget-range', min: '0', max: String(DEFAULT_BUDGET * 5), step: '10000', value: startBudget });
  const solver = el('select', { id: 'plan-solver', name: 'solver' },
    el('option', { value: 'fast' }, 'Fast (greedy, repaired, with a bound)'),
    el('option', { value: 'exact', selected: hashExtra.solver === 'exact' }, 'Exact (GLPK, time-limited)'));
  /* The budget and the solver stay in the URL with the scope (replaceState: no new drawing). */
  function planExtra() {
    return { budget: budget.value.trim(), solver: solver.value === 'fast' ? '' : solver.value };
  }
  const csvBox = el('div', { class: 'plan-csv' });
  const compute = el('button', { type: 'submit', class: 'btn btn-primary', dataset: { testid: 'plan-compute' } }, 'Compute');
  const status = el('p', { class: 'form-status plan-status', role: 'status', 'aria-live': 'polite' });
  const formErr = el('p', { class: 'form-error', role: 'alert', id: 'plan-error' });
  const report = el('a', { class: 'btn btn-quiet report-link', href: '#', target: '_blank', rel: 'noopener', dataset: { testid: 'plan-report' } }, 'Printable report');

  const form = el('form', { class: 'form plan-controls', novalidate: true },
    el('div', { class: 'field field-budget' },
      el('label', { for: 'plan-budget' }, 'Budget (EUR)'), budget,
      el('label', { for: 'plan-budget-range', class: 'sr-only' }, 'Budget slider'), range,
      el('p', { class: 'help', id: 'plan-budget-help' }, 'Present value over the planning horizon: capital plus discounted running costs.')),
    el('div', { class: 'field' }, el('label', { for: 'plan-solver' }, 'Solver'), solver),
    el('div', { class: 'field field-go' }, compute),
    formErr);

  const totals = el('div', { class: 'cards', dataset: { testid: 'plan-totals' } });
  const chartBox = el('div', { class: 'chart-wrap frontier-wrap' });
  const mapBox = el('div', { class: 'map plan-map', id: 'plan-map', role: 'region', 'aria-label': 'Map of the plan: funded sites sized by risk reduction, unfunded sites grey' });
  const sitesBox = el('div', { class: 'plan-sites' });
  const rejectedBox = el('div', { class: 'plan-rejected' });
  const notChosenBox = el('div', { class: 'plan-not-chosen', dataset: { testid: 'plan-not-chosen' } }); // issue 11 review M1
  const sensBox = el('div', { class: 'plan-sensitivity', id: 'plan-sensitivity' });
  const sensButton = el('button', { type: 'button', class: 'btn', dataset: { testid: 'plan-sensitivity' } }, 'Compute the sensitivity');
  const saveBox = el('div', {});
  const savedBox = el('div', { class: 'plan-saved', dataset: { testid: 'saved-plans' } });
  const surgeBox = el('div', { class: 'plan-surge', dataset: { testid: 'plan-surge' } }); // issue 11 item 6

  put(main,
    el('div', { class: 'page-head' }, el('h1', {}, 'Investment plan'), status, report),
    filterBar({ user: ctx.user, f, base: '#/plan', extra: planExtra(), options, error: null }),
    el('section', { class: 'panel', 'aria-label': 'Plan settings' },
      el('p', { class: 'plan-scope', dataset: { testid: 'plan-scope' } }, 'Scope: ', el('strong', {}, scopeText(f, options, ctx.user)),
        ` · ${sites.items.length} site${sites.items.length === 1 ? '' : 's'} you may see`),
      isEmpty(f) || sites.items.length ? null : emptyNote(f, '#/plan', ctx.user, planExtra()),
      form, csvBox),
    totals,
    el('div', { class: 'dash-grid' },
      el('section', { class: 'panel', 'aria-labelledby': 'frontier-title' },
        el('h2', { id: 'frontier-title' }, 'Risk reduction against budget'),
        el('p', { class: 'muted small' }, 'Click a point to take its budget. The dashed line is the LP bound: no plan at that budget can do better.'),
        chartBox),
      el('section', { class: 'panel panel-map', 'aria-labelledby': 'plan-map-title' },
        el('h2', { id: 'plan-map-title' }, 'The plan on the map'),
        mapBox)),
    el('section', { class: 'panel', 'aria-labelledby': 'plan-sites-title' },
      el('h2', { id: 'plan-sites-title' }, 'Funded sites and their measures'), sitesBox),
    el('section', { class: 'panel', 'aria-labelledby': 'plan-sens-title' },
      el('h2', { id: 'plan-sens-title' }, 'How the plan depends on its assumptions'),
      el('p', { class: 'muted small' }, 'The same budget planned again at discount rates of 0, 3, 5 and 7% and over half and twice the horizon: six more plans, each screened and solved in full. A measure chosen in every row does not rest on these assumptions.'),
      sensButton, sensBox),
    el('section', { class: 'panel', 'aria-labelledby': 'plan-rejected-title' },
      el('h2', { id: 'plan-rejected-title' }, 'Measures not chosen'), rejectedBox,
      el('h3', { id: 'plan-not-chosen-title' }, 'Admitted but not funded'), notChosenBox),
    el('section', { class: 'panel', 'aria-labelledby': 'plan-surge-title' },
      el('h2', { id: 'plan-surge-title' }, 'Surge: temporary measures while today\'s level is above the planning level'), surgeBox),
    canSavePlan(ctx.user, f) ? el('section', { class: 'panel', 'aria-labelledby': 'plan-save-title' },
      el('h2', { id: 'plan-save-title' }, 'Save this plan'), saveBox) : null,
    el('section', { class: 'panel', 'aria-labelledby': 'plans-saved-title' },
      el('h2', { id: 'plans-saved-title' }, 'Saved plans'), savedBox));
  drawSaved(savedBox, options.orgNames);

  // issue 16: the plan is saved with its scope (POST /plans {"filter"}); one scoped to a single
  // organisation is approved by that organisation's admin (docs/access.md)
  if (canSavePlan(ctx.user, f)) drawSave(saveBox, () => query(), () => drawSaved(savedBox, options.orgNames), f, scopeText(f, options, ctx.user));
  state.map = drawPlanMap(mapBox, outline, sites.items);

  function query() {
    return { budget: String(Number(budget.value)), solver: solver.value };
  }

  function schedule() {
    clearTimeout(state.timer);
    state.timer = setTimeout(run, DEBOUNCE_MS);
  }

  async function run() {
    clearTimeout(state.timer);
    const b = Number(budget.value);
    if (budget.value.trim() === '' || !Number.isFinite(b) || b < 0 || b > 1e12) {
      budget.setAttribute('aria-invalid', 'true');
      formErr.textContent = 'The budget must be a number of EUR from 0 to 1,000,000,000,000.';
      return;
    }
    budget.removeAttribute('aria-invalid');
    formErr.textContent = '';
    const q = query();
    history.replaceState(null, '', hrefFor('#/plan', f, ctx.user, planExtra()));
    report.href = api.planReportUrl({ ...q, frontier: 1 }, f);
    const key = 'scope';   // the frontier is the fast solver's whatever the solver (docs/api.md); the scope redraws the view
    const wantFrontier = state.frontierKey !== key;
    const me = ++state.seq;
    status.textContent = q.solver === 'exact' ? 'Computing with the exact solver…' : 'Computing…';
    compute.disabled = true;
    try {
      const p = await api.planFiltered(wantFrontier ? { ...q, frontier: 1, rejected: 0, not_chosen: 0 } : { ...q, rejected: 0, not_chosen: 0 }, f);
      if (me !== state.seq || token !== ctx.token) return;
      put(csvBox, csvLink({ href: api.csvUrl('/plan', f, q), tlp: p.tlp, label: 'Download the plan (CSV)', testid: 'plan-csv' }));
      if (wantFrontier && p.frontier) { state.frontier = p.frontier; state.frontierKey = key; }
      state.plan = p;
      if (sensBox.firstChild) put(sensBox, el('p', { class: 'muted' }, 'The plan has changed: compute the sensitivity again.'));
      status.textContent = p.priced_at ? `${p.priced_at[0].toUpperCase()}${p.priced_at.slice(1)}.` : `Computed under ${p.threat_level || 'the current threat level'}.`;
      drawSurge(surgeBox, p, () => api.planFiltered({ ...q, solver: 'fast' }, f));
      drawTotals(totals, p);
      drawSites(sitesBox, p);
      // the screening does not depend on the solver: the list comes from the fast one
      drawRejected(rejectedBox, p, names, () => api.planFiltered({ ...q, solver: 'fast', not_chosen: 0 }, f));
      // issue 11 review M1: what is not funded depends on the solver's choice: the same query
      drawNotChosen(notChosenBox, p, names, () => api.planFiltered({ ...q, rejected: 0 }, f));
      state.map.update(p);
      if (state.frontier && state.frontier.length) {
        const max = state.frontier[state.frontier.length - 1].budget_eur;
        if (Number.isFinite(max) && max > 0) range.max = String(Math.ceil(max / 10000) * 10000);
      }
      range.value = String(Math.min(Number(range.max), b));
      state.chart = drawFrontier(chartBox, state.chart, state.frontier || [], p, (x) => {
        budget.value = String(Math.round(x));
        range.value = String(Math.round(x));
        run();
      });
    } catch (e) {
      if (me !== state.seq) return;
      status.textContent = '';
      formErr.textContent = e.message;
      if (e.field === 'budget') budget.setAttribute('aria-invalid', 'true');
    } finally {
      if (me === state.seq) compute.disabled = false;
    }
  }

  async function runSensitivity() {
    const q = query();
    const me = state.seq;
    sensButton.disabled = true;
    put(sensBox, el('p', { class: 'muted', role: 'status' }, 'Computing six more plans…'));
    try {
      const p = await api.planFiltered({ ...q, sensitivity: 1 }, f);
      if (me !== state.seq || token !== ctx.token) return;
      drawSensitivity(sensBox, p);
      report.href = api.planReportUrl({ ...q, frontier: 1, sensitivity: 1 }, f); // the report prints it too
    } catch (e) {
      put(sensBox, el('p', { class: 'form-error', role: 'alert' }, e.message));
    } finally {
      sensButton.disabled = false;
    }
  }
  sensButton.addEventListener('click', runSensitivity);

  form.addEventListener('submit', (ev) => { ev.preventDefault(); run(); });
  budget.addEventListener('input', () => { range.value = budget.value; schedule(); });
  range.addEventListener('input', () => { budget.value = range.value; schedule(); });
  solver.addEventListener('change', schedule);
  await run();
}

/** The plan's scope in words: "the nation", "my organisation (Vellmark Hospitals Trust)",
    "region Old Town", "the health sector", or each part of the filter joined. */
function scopeText(f, options, user) {
  if (isEmpty(f)) return 'the nation';
  const parts = [];
  const org = (user && user.organisation && user.organisation.name) || 'yours';
  if (f.owner.length) parts.push(f.owner.map((o) => (o === 'mine' ? `my organisation (${org})` : options.orgNames.get(o) || o)).join(' or '));
  if (f.region.length) parts.push((f.region.length > 1 ? 'regions ' : 'region ') + f.region.join(' or '));
  if (f.sector.length) parts.push('the ' + f.sector.map((x) => catalogueNames.sectors.get(x) || x).join(' or ') + (f.sector.length > 1 ? ' sectors' : ' sector'));
  if (f.kind.length) parts.push(f.kind.map((x) => catalogueNames.kinds.get(x) || x).join(' or '));
  if (f.band.length) parts.push(f.band.join(' or ') + ' band');
  if (f.tlp.length) parts.push(f.tlp.map((x) => 'TLP:' + x).join(' or '));
  return parts.join(', ');
}

/** A gap as a percentage with the precision a small gap needs: "0.09%". */
function gapText(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const p = x * 100;
  return (p === 0 ? '0' : p < 0.01 ? '< 0.01' : p < 10 ? p.toFixed(2) : p.toFixed(1)) + '%';
}

function card(title, value, sub, testid) {
  return el('div', { class: 'card', dataset: testid ? { testid } : {} },
    el('div', { class: 'card-title' }, title),
    el('div', { class: 'card-value' }, value),
    el('div', { class: 'card-sub' }, sub));
}

function drawTotals(box, p) {
  const t = p.totals || {};
  const exact = Number.isFinite(t.gap_to_exact)
    ? card('Gap to exact', gapText(t.gap_to_exact), `exact reduction ${eur(t.exact_reduction_eur)}`, 'plan-gap-exact')
    : card('Gap to exact', '—', p.solver === 'exact' ? (t.optimal ? 'proved optimal' : (t.time_limit_hit ? 'time limit reached' : 'this is the exact solver')) : 'exact check not run');
  put(box,
    card('Cost', eur(t.cost_eur), `of ${eur(p.budget_eur)} budget · ${p.horizon_years} years at ${pct(p.discount_rate)}`, 'plan-cost'),
    card('Risk reduction', eur(t.risk_reduction_eur), `present value over ${p.horizon_years} years`, 'plan-reduction'),
    card('Benefit-cost ratio', Number.isFinite(t.bcr) ? t.bcr.toFixed(2) : '—', `net benefit ${eur(t.net_benefit_eur)}`),
    card('Gap to the bound', gapText(t.gap), `bound ${eur(t.bound_eur)}`, 'plan-gap'),
    exact,
    card('Funded', `${num(t.sites_funded)} sites`, `${num(t.measures)} measures${p.withheld ? ` · ${p.withheld} sites you may not see left out` : ''}`, 'plan-funded'),
    p.withheld ? withheldDetails() : null);
}

/* issue 16, item 8: what a government coordinator may know of the sites it cannot read, for the
   plan to say what it leaves out (GET /withheld: the whole registry, no filter; counts below 3
   shown as "fewer than 3"). Only a coordinator is told the count, so only it sees this. */
function withheldDetails() {
  const body = el('div', { class: 'small' }, el('p', { class: 'loading' }, 'Counting…'));
  const d = el('details', { class: 'withheld-details', dataset: { testid: 'plan-withheld' } },
    el('summary', {}, 'What the sites left out are'), body);
  d.addEventListener('toggle', async () => {
    if (!d.open || d.dataset.loaded) return;
    d.dataset.loaded = '1';
    let w;
    try { w = await api.withheld(); } catch (e) { put(body, el('p', { class: 'muted' }, e.detail || e.message)); return; }
    const cell = (c) => el('li', {}, `${c.name}: ${c.count === null ? `fewer than ${w.fewer_than}` : num(c.count)}`);
    const bands = w.by_band.filter((c) => c.count !== 0).map(cell);
    const sectors = w.by_sector.filter((c) => c.count !== null && c.count !== 0).map(cell);
    if (w.by_sector.some((c) => c.count === null)) sectors.push(el('li', { class: 'muted' }, `every other sector: fewer than ${w.fewer_than}`));
    put(body,
      el('p', {}, `${num(w.total)} sites across the registry you may not read (whatever the scope above). Counts below ${w.fewer_than} are not shown, so that no single site can be told apart.`),
      el('p', {}, 'By risk band (FEMA):'), el('ul', {}, bands),
      el('p', {}, 'By sector:'), el('ul', {}, sectors));
  });
  return d;
}

function drawSites(box, p) {
  if (!p.sites.length) {
    put(box, el('p', { class: 'note' }, 'No site is funded at this budget.'));
    return;
  }
  const rows = p.sites.map((s) => el('tr', { dataset: { site: s.site_id } },
    el('th', { scope: 'row', class: 'site-cell' },
      el('a', { href: '#/site/' + encodeURIComponent(s.site_id) }, s.name), el('span', { class: 'site-id' }, s.site_id)),
    el('td', { class: 'bands-cell', dataset: { testid: 'site-bands' } },
      el('div', {}, 'risk band ', bandBadge(s.risk_band), ` (${(s.risk_band_threats || []).map(threatName).join(', ')}) at ${s.threat_level}`),
      el('div', {}, 'loss band ', bandBadge(s.loss_band), ` at ${p.threat_level}`)),
    el('td', { class: 'num' }, eur(s.cost_eur)),
    el('td', { class: 'num' }, `${eur(s.risk_before_eur)} → ${eur(s.risk_after_eur)}`),
    el('td', { class: 'num' }, eur(s.risk_reduction_eur)),
    el('td', { class: 'num' }, Number.isFinite(s.bcr) ? s.bcr.toFixed(2) : '—'),
    el('td', { class: 'measures-cell' }, s.measures.map((m) => el('details', { class: 'reasons', dataset: { testid: 'reasons', measure: m.measure_id } },
      el('summary', {}, el('span', { class: 'measure-name' }, m.name || m.measure_id), ' ', el('span', { class: 'muted small' }, eur(m.cost_eur) + (m.cost_estimated ? ' (estimated)' : ''))),
      el('ul', {}, (m.reasons || []).map((r) => el('li', {}, r))))))));
  put(box, el('div', { class: 'table-scroll' },
    el('table', { class: 'table plan-table', id: 'plan-sites' },
      el('caption', { class: 'sr-only' }, 'Funded sites, their chosen measures and the reasons for each'),
      el('thead', {}, el('tr', {}, ['Site', 'Risk band (threat), loss band', 'Cost', 'Risk a year, before → after', 'Reduction (PV)', 'BCR', 'Measures and reasons'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows))),
    // issue 12 review (M3): the plan's answer has no downstream split, so the note is general
    el('p', { class: 'muted small', dataset: { testid: 'plan-downstream-note' } },
      'A site that supplies others (power, water, telecom…): its risk and its reduction include the loss avoided at the sites that depend on it '
      + '(downstream; the dashboard\'s ranking shows how much of each site\'s risk that is; docs/methodology.md, section 16).'));
}

const VERDICTS = {
  step_free: 'removes step-free access', legal_basis: 'the site lacks the legal basis it needs', band: 'risk band of its aim too low',
  less_intrusive: 'a less intrusive measure serves the same aim', bcr: 'benefit-cost ratio too low',
  does_not_fit: 'does not fit the site', // issue 11 (fit)
};

const REJECTED_SHOWN = 100;

/** The rejected measures, collapsed, filtered by site and rule, at most REJECTED_SHOWN rows at once. */
/** The sensitivity rows: the plan first, then other rates and horizons. */
function drawSensitivity(box, p) {
  const full = (x) => (Number.isFinite(x) ? '€' + Math.round(x).toLocaleString('en-GB') : '—');
  const rows = (p.sensitivity || []).map((v) => el('tr', { class: v.base ? 'sens-base' : '', dataset: { testid: 'sens-row' } },
    el('th', { scope: 'row' }, `${+(v.discount_rate * 100).toFixed(2)}%`, v.base ? el('span', { class: 'site-id' }, 'this plan') : null),
    el('td', {}, `${v.horizon_years} years`),
    el('td', { class: 'num' }, full(v.cost_eur)),
    el('td', { class: 'num' }, full(v.risk_reduction_eur)),
    el('td', { class: 'num' }, Number.isFinite(v.bcr) ? v.bcr.toFixed(2) : '—'),
    el('td', { class: 'num' }, full(v.net_benefit_eur)),
    el('td', { class: 'num' }, String(v.sites_funded)),
    el('td', { class: 'num' }, String(v.measures)),
    el('td', { class: 'num' }, `${v.measures_in_common} of ${p.totals.measures}`)));
  put(box, el('div', { class: 'table-scroll' },
    el('table', { class: 'table', dataset: { testid: 'sens-table' } },
      el('caption', { class: 'sr-only' }, 'The plan at other discount rates and horizons'),
      el('thead', {}, el('tr', {}, ['Discount rate', 'Horizon', 'Cost', 'Risk reduction (PV)', 'BCR', 'Net benefit', 'Sites', 'Measures', 'Also in this plan'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows))),
  el('p', { class: 'muted small' }, 'Costs and reductions are present values at each row\'s own rate and horizon. "Also in this plan": the row\'s measures chosen at the same site by the plan above.'));
}

/**
 * The rejected measures: the counts by rule at once, the list (fetched by loadList, which
 * resolves to the plan with its "rejected" array) when the reader opens it, filtered by site
 * and rule, at most REJECTED_SHOWN rows at once.
 */
/**
 * Issue 11 item 6: surge lines, costed per week, never in the plan or its budget; with the
 * safeguards a chosen one needs and (M5) the lines not chosen with their reasons, fetched by
 * loadList (the plan with its "surge_rejected" array) when the reader opens them.
 */
function drawSurge(box, p, loadList) {
  const lines = p.surge || [];
  const sum = p.surge_summary;
  if (!sum) { put(box, null); return; }
  const until = `until the level returns to ${sum.planning_level}`;
  const notChosen = surgeRejected(box, sum, loadList);
  if (!lines.length) {
    put(box, el('p', { class: 'muted' }, `No surge measure: today's level is not above the planning level ${sum.planning_level} where a surge measure applies and pays for itself over ${sum.weeks} weeks.`), notChosen);
    return;
  }
  const guards = lines.filter((l) => l.safeguards && l.safeguards.length);
  put(box,
    el('p', { class: 'muted small', dataset: { testid: 'surge-summary' } },
      `${lines.length} measures, ${eur(sum.weekly_cost_eur)} a week, ${eur(sum.total_eur)} over ${sum.weeks} weeks, ${until}. Surge measures never enter the budgeted plan and are not part of its cost.`),
    el('table', { class: 'table' },
      el('thead', {}, el('tr', {}, ['Site', 'Measure', 'EUR a week', 'Weeks', 'Total', 'Threats'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, lines.map((l) => el('tr', { title: l.reason },
        el('th', { scope: 'row' }, l.site_name, el('span', { class: 'site-id' }, l.site_id)),
        el('td', {}, l.name),
        el('td', { class: 'num' }, eur(l.weekly_cost_eur)),
        el('td', { class: 'num' }, String(l.weeks)),
        el('td', { class: 'num' }, eur(l.total_eur)),
        el('td', {}, (l.threats || []).join(', ')))))),
    guards.length ? el('div', { dataset: { testid: 'surge-safeguards' } },
      guards.map((l) => el('p', { class: 'small' }, `Safeguards for ${l.name} at ${l.site_id}: `,
        el('ul', {}, l.safeguards.map((g) => el('li', {}, g.text)))))) : null,
    notChosen);
}

/* Issue 11 M5: the surge lines not chosen: counts by rule, the reasons when opened. */
function surgeRejected(box, sum, loadList) {
  const counts = sum.rejected_counts || {};
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (!total) return null;
  const ruleLine = Object.entries(counts).filter(([, n]) => n > 0).map(([v, n]) => `${VERDICTS[v] || v}: ${n}`).join(' · ');
  const content = el('div', {}, el('p', { class: 'muted', role: 'status' }, 'Loading the reasons…'));
  const details = el('details', { class: 'rejected', dataset: { testid: 'surge-rejected' } },
    el('summary', {}, `${total} surge lines not chosen (with reasons)`),
    el('p', { class: 'muted small' }, ruleLine), content);
  let loading = false;
  details.addEventListener('toggle', async () => {
    if (!details.open || loading) return;
    loading = true;
    try {
      const full = await loadList();
      if (!box.contains(details)) return; // the plan changed meanwhile
      const rej = full.surge_rejected || [];
      const more = total - rej.length;
      put(content, el('table', { class: 'table' },
        el('thead', {}, el('tr', {}, ['Site', 'Measure', 'Rule', 'Reason'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, rej.map((r) => el('tr', {},
          el('th', { scope: 'row' }, r.site_id), el('td', {}, r.name), el('td', {}, VERDICTS[r.verdict] || r.verdict), el('td', {}, r.reason))))),
      more > 0 ? el('p', { class: 'muted small' }, `${more} more not listed.`) : null);
    } catch (e) {
      loading = false;
      put(content, el('p', { class: 'form-error', role: 'alert' }, e.message));
    }
  });
  return details;
}

function drawRejected(box, p, names, loadList) {
  const counts = p.rejected_counts || {};
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const ruleLine = Object.entries(counts).filter(([, n]) => n > 0)
    .map(([v, n]) => `${VERDICTS[v] || v}: ${n}`).join(' · ');
  const content = el('div', {}, el('p', { class: 'muted', role: 'status' }, 'Loading the reasons…'));
  const details = el('details', { class: 'rejected', id: 'plan-rejected' },
    el('summary', {}, `${total} measures screened out (with reasons)`),
    total ? content : el('p', { class: 'muted' }, 'Every applicable measure passed the screening.'));
  let loading = false;
  details.addEventListener('toggle', async () => {
    if (!details.open || loading || !total) return;
    loading = true;
    try {
      const full = await loadList();
      if (!box.contains(details)) return; // the plan changed meanwhile
      put(content, rejectedTable(full.rejected || [], names));
    } catch (e) {
      loading = false;
      put(content, el('p', { class: 'form-error', role: 'alert' }, e.message));
    }
  });
  put(box, ruleLine ? el('p', { class: 'muted small', dataset: { testid: 'rej-counts' } }, ruleLine) : null, details);
}

/* Issue 11 review M1: the admitted measures the plan does not fund and why (the budget, the
   bundle cap plan.max_measures, another measure of the exclusive group chosen): the counts at
   once, the list (fetched by loadList) when the reader opens it, at most REJECTED_SHOWN rows. */
const NOT_CHOSEN_WHY = { budget: 'budget', bundle_cap: 'bundle cap', exclusive_group: 'exclusive group' };
function drawNotChosen(box, p, names, loadList) {
  const counts = p.not_chosen_counts || {};
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const whyLine = Object.entries(counts).filter(([, n]) => n > 0)
    .map(([w, n]) => `${NOT_CHOSEN_WHY[w] || w}: ${n}`).join(' · ');
  const content = el('div', {}, el('p', { class: 'muted', role: 'status' }, 'Loading the reasons…'));
  const details = el('details', { class: 'rejected', id: 'plan-not-chosen' },
    el('summary', {}, `${total} admitted measures not funded (with reasons)`),
    total ? content : el('p', { class: 'muted' }, 'Every admitted measure is funded.'));
  let loading = false;
  details.addEventListener('toggle', async () => {
    if (!details.open || loading || !total) return;
    loading = true;
    try {
      const full = await loadList();
      if (!box.contains(details)) return; // the plan changed meanwhile
      put(content, notChosenTable(full.not_chosen || [], names));
    } catch (e) {
      loading = false;
      put(content, el('p', { class: 'form-error', role: 'alert' }, e.message));
    }
  });
  put(box, whyLine ? el('p', { class: 'muted small', dataset: { testid: 'not-chosen-counts' } }, whyLine) : null, details);
}

function notChosenTable(rows, names) {
  const siteName = (id) => names.site.get(id) || id;
  const measureName = (id) => names.measure.get(id) || id;
  const shown = rows.slice(0, REJECTED_SHOWN);
  return [
    el('div', { class: 'table-scroll' }, el('table', { class: 'table' },
      el('caption', { class: 'sr-only' }, 'Measures admitted by the screening but not funded, with reasons'),
      el('thead', {}, el('tr', {}, ['Site', 'Measure', 'BCR', 'Cost', 'Reduction a year', 'Why', 'Reason'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, shown.map((r) => el('tr', {},
        el('th', { scope: 'row' }, siteName(r.site_id), el('span', { class: 'site-id' }, r.site_id)),
        el('td', {}, measureName(r.measure_id)),
        el('td', { class: 'num' }, Number.isFinite(r.bcr) ? r.bcr.toFixed(1) : '—'),
        el('td', { class: 'num' }, eur(r.cost_eur)),
        el('td', { class: 'num' }, eur(r.reduction_eur_year)),
        el('td', {}, NOT_CHOSEN_WHY[r.why] || r.why),
        el('td', { class: 'reason' }, r.reason)))))),
    el('p', { class: 'muted small' }, rows.length > REJECTED_SHOWN ? `Showing ${REJECTED_SHOWN} of ${rows.length}; the printable report lists them all.` : `${rows.length} shown.`)];
}

function rejectedTable(rej, names) {
  const siteName = (id) => names.site.get(id) || id;
  const measureName = (id) => names.measure.get(id) || id;
  const bySite = [...new Set(rej.map((r) => r.site_id))].sort((a, b) => siteName(a).localeCompare(siteName(b)));
  const siteSel = el('select', { id: 'rej-site' }, el('option', { value: '' }, 'All sites'),
    bySite.map((id) => el('option', { value: id }, `${siteName(id)} (${id})`)));
  const rules = [...new Set(rej.map((r) => r.verdict))];
  const ruleSel = el('select', { id: 'rej-rule' }, el('option', { value: '' }, 'Any rule'),
    rules.map((v) => el('option', { value: v }, `${VERDICTS[v] || v} (${rej.filter((r) => r.verdict === v).length})`)));
  const body = el('tbody', {});
  const count = el('p', { class: 'muted small', 'aria-live': 'polite' });
  function draw() {
    const hits = rej.filter((r) => (!siteSel.value || r.site_id === siteSel.value) && (!ruleSel.value || r.verdict === ruleSel.value));
    put(body, hits.slice(0, REJECTED_SHOWN).map((r) => el('tr', {},
      el('th', { scope: 'row' }, siteName(r.site_id), el('span', { class: 'site-id' }, r.site_id)),
      el('td', {}, measureName(r.measure_id)),
      el('td', {}, VERDICTS[r.verdict] || r.verdict),
      el('td', { class: 'reason' }, r.reason))));
    count.textContent = hits.length > REJECTED_SHOWN
      ? `Showing ${REJECTED_SHOWN} of ${hits.length}; choose a site or a rule to see the others.`
      : `${hits.length} shown.`;
  }
  siteSel.addEventListener('change', draw);
  ruleSel.addEventListener('change', draw);
  draw();
  return [
    el('div', { class: 'table-tools' },
      el('label', { for: 'rej-site' }, 'Site'), siteSel,
      el('label', { for: 'rej-rule' }, 'Rule'), ruleSel, count),
    el('div', { class: 'table-scroll' }, el('table', { class: 'table' },
      el('caption', { class: 'sr-only' }, 'Measures rejected by the proportionality screening, with reasons'),
      el('thead', {}, el('tr', {}, ['Site', 'Measure', 'Rule', 'Reason'].map((h) => el('th', { scope: 'col' }, h)))),
      body))];
}

/** The frontier as a Chart.js line chart; returns the chart (drawn again on every plan). */
function drawFrontier(box, old, frontier, p, onPick) {
  const Chart = window.Chart;
  if (old) old.destroy();
  if (!Chart || !frontier.length) {
    put(box, el('p', { class: 'note' }, 'The frontier is not available.'));
    return null;
  }
  const canvas = el('canvas', { id: 'plan-frontier', role: 'img', 'aria-label': `Risk reduction against budget at ${frontier.length} budgets from 0 to ${eur(frontier[frontier.length - 1].budget_eur)}; the chosen budget ${eur(p.budget_eur)} gives ${eur(p.totals.risk_reduction_eur)}.` });
  put(box, canvas);
  const fmt = (v) => eur(v);
  return new Chart(canvas, {
    type: 'line',
    data: {
      datasets: [
        { label: 'risk reduction (plan)', data: frontier.map((f) => ({ x: f.budget_eur, y: f.risk_reduction_eur })), borderColor: FUNDED, backgroundColor: FUNDED, pointRadius: 2, pointHoverRadius: 5, borderWidth: 2, tension: 0 },
        { label: 'LP bound', data: frontier.map((f) => ({ x: f.budget_eur, y: f.bound_eur })), borderColor: '#555d66', borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5, tension: 0 },
        { label: 'chosen budget', type: 'scatter', data: [{ x: p.budget_eur, y: p.totals.risk_reduction_eur }], pointStyle: 'rectRot', pointRadius: 8, pointBackgroundColor: '#c43e12', pointBorderColor: '#1b1b1b', borderWidth: 1.5 },
      ],
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false, parsing: true,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${fmt(c.parsed.y)} at ${fmt(c.parsed.x)}` } },
      },
      scales: {
        x: { type: 'linear', min: 0, title: { display: true, text: 'budget (EUR, present value)' }, ticks: { callback: (v) => fmt(v) } },
        y: { beginAtZero: true, title: { display: true, text: 'risk reduction (EUR, present value)' }, ticks: { callback: (v) => fmt(v) } },
      },
      onClick: (evt, elements, chart) => {
        const hit = chart.getElementsAtEventForMode(evt, 'nearest', { axis: 'x', intersect: false }, true)
          .find((e) => e.datasetIndex === 0);
        if (hit) onPick(frontier[hit.index].budget_eur);
      },
    },
  });
}

/** The map of the plan: every visible site grey, the funded ones blue, sized by risk reduction. */
function drawPlanMap(box, outline, sites) {
  const L = window.L;
  if (!L) {
    box.append(el('p', { class: 'note' }, 'The map library is not available; the table below lists the funded sites.'));
    return { update() {} };
  }
  const map = L.map(box, { attributionControl: false, zoomSnap: 0.25, minZoom: 8, maxZoom: 16, scrollWheelZoom: false });
  const located = sites.filter((s) => Number.isFinite(s.lat) && Number.isFinite(s.lon));
  const regionFeature = outline && outline.features.find((f) => f.properties && f.properties.kind === 'region');
  let bounds = regionFeature ? L.geoJSON(regionFeature).getBounds() : null;
  if (!bounds && located.length) bounds = L.latLngBounds(located.map((s) => [s.lat, s.lon])).pad(0.15);
  if (bounds) map.fitBounds(bounds, { padding: [8, 8] });
  else map.setView([47.1, -12.0], 10);
  if (outline) {
    L.geoJSON(outline, {
      style: (f) => ({ water: { color: '#7fa6c0', weight: 1, fillColor: '#cfe3ef', fillOpacity: 1 }, district_boundary: { color: '#9c9584', weight: 1.2, dashArray: '5 5', fill: false } }[f.properties && f.properties.kind] || { color: '#6f6a5c', weight: 1.5, fillColor: '#f4f1e6', fillOpacity: 1 }),
      filter: (f) => f.properties && f.properties.kind !== 'district_label',
      interactive: false,
    }).addTo(map);
  }
  let layer = L.layerGroup().addTo(map);
  const legend = L.control({ position: 'topright' });
  const legendBox = el('div', { class: 'legend', dataset: { testid: 'plan-legend' } });
  legend.onAdd = () => legendBox;
  legend.addTo(map);
  new ResizeObserver(() => map.invalidateSize()).observe(box);

  return {
    update(p) {
      layer.remove();
      layer = L.layerGroup().addTo(map);
      const funded = new Map(p.sites.map((s) => [s.site_id, s]));
      const maxRed = Math.max(1, ...p.sites.map((s) => s.risk_reduction_eur || 0));
      for (const s of located) {
        if (funded.has(s.id)) continue;
        const m = L.circleMarker([s.lat, s.lon], { radius: 5, weight: 1, color: '#5f6368', fillColor: UNFUNDED, fillOpacity: 0.8, className: 'plan-marker unfunded' }).addTo(layer);
        m.bindTooltip(`${escapeHtml(s.name)}: not funded`);
        const node = m.getElement();
        if (node) node.dataset.site = s.id;
      }
      for (const s of p.sites) {
        if (!Number.isFinite(s.lat) || !Number.isFinite(s.lon)) continue;
        const radius = 7 + 13 * Math.sqrt((s.risk_reduction_eur || 0) / maxRed);
        const m = L.circleMarker([s.lat, s.lon], { radius, weight: 2, color: '#1b1b1b', fillColor: FUNDED, fillOpacity: 0.85, className: 'plan-marker funded' }).addTo(layer);
        const list = s.measures.map((x) => `<li>${escapeHtml(x.name || x.measure_id)} (${escapeHtml(eur(x.cost_eur))})</li>`).join('');
        m.bindPopup(`<strong>${escapeHtml(s.name)}</strong><br><span class="tt-sub">cost ${escapeHtml(eur(s.cost_eur))} · reduction ${escapeHtml(eur(s.risk_reduction_eur))}</span><ul class="popup-list">${list}</ul>`);
        const node = m.getElement();
        if (node) {
          node.dataset.site = s.site_id;
          node.dataset.funded = '1';
          node.setAttribute('tabindex', '0');
          node.setAttribute('role', 'button');
          node.setAttribute('aria-label', `${s.name}: funded, ${s.measures.length} measures, reduction ${eur(s.risk_reduction_eur)}`);
          node.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); m.openPopup(); } });
        }
      }
      put(legendBox,
        el('div', { class: 'legend-title' }, 'Plan'),
        el('div', { class: 'legend-row' }, el('span', { class: 'swatch', style: `background:${FUNDED}` }), `funded (${p.sites.length}), size = reduction`),
        el('div', { class: 'legend-row' }, el('span', { class: 'swatch swatch-small', style: `background:${UNFUNDED}` }), `not funded (${Math.max(0, located.length - p.sites.length)})`));
    },
  };
}

function drawSave(box, query, onSaved = () => {}, filter = null, scope = 'the nation') {
  const name = el('input', { id: 'plan-name', name: 'name', required: true, maxlength: '63', pattern: '[A-Za-z0-9._\\-]{1,63}', autocomplete: 'off', 'aria-describedby': 'plan-name-help plan-name-err' });
  const err = el('span', { class: 'field-error', id: 'plan-name-err', role: 'alert' });
  const done = el('p', { class: 'form-status', role: 'status' });
  const form = el('form', { class: 'form save-form', novalidate: true },
    el('div', { class: 'field' }, el('label', { for: 'plan-name' }, 'Plan name'), name,
      el('p', { class: 'help', id: 'plan-name-help' }, `Letters, digits, dot, dash, underscore. Saved with its scope, ${scope}. Saving proposes its measures at their sites: they count once approved and accepted by each site's owner.`), err),
    el('div', { class: 'actions' }, done, el('button', { type: 'submit', class: 'btn btn-primary' }, 'Save plan')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    done.textContent = '';
    name.removeAttribute('aria-invalid');
    const q = query();
    try {
      const scoped = filter ? Object.fromEntries(api.FILTER_KEYS.filter((k) => filter[k].length).map((k) => [k, filter[k]])) : {};
      const saved = await api.savePlan({ name: name.value.trim(), budget_eur: Number(q.budget), solver: q.solver, ...(Object.keys(scoped).length ? { filter: scoped } : {}) });
      done.textContent = `Saved as ${saved.name}: ${num(saved.measures)} measures proposed.`;
      toast(`Plan ${saved.name} saved.`);
      onSaved(saved);
    } catch (e) {
      if (e.field === 'name' || !e.field) { name.setAttribute('aria-invalid', 'true'); }
      err.textContent = e.detail || e.message;
    }
  });
  put(box, form);
}

/* A saved plan's measures by state, for a tooltip ("3 accepted, 1 installed"; review m6). */
function measureStates(p) {
  const m = p.measure_states || {};
  return ['proposed', 'approved', 'accepted', 'installed', 'verified', 'declined']
    .filter((k) => m[k]).map((k) => `${m[k]} ${k}`).join(', ');
}

/* The saved plans, one panel: a table with each plan's state (issue 11, item 7) and, where this
   user may, a button to withdraw one (its measures not yet installed are removed); below it a
   choice of a saved plan that says the level it was priced at against the planning level now
   (item 6). One list fetched per drawing; drawn again after a save or a withdrawal. */
async function drawSaved(box, orgNames = new Map()) {
  let items;
  try { items = (await api.plans()).items || []; } catch (e) {
    put(box, el('p', { class: 'field-error', role: 'alert' }, e.detail || e.message));
    return;
  }
  if (!items.length) { put(box, el('p', { class: 'muted' }, 'No plan saved yet.')); return; }
  const table = el('div', { class: 'table-scroll' }, el('table', { class: 'table', id: 'saved-plans' },
    el('thead', {}, el('tr', {}, ['Plan', 'Saved', 'By', 'Scope', 'Measures', 'State', 'Actions'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, items.map((p) => el('tr', { dataset: { plan: p.name } },
      el('td', {}, p.name),
      el('td', { class: 'small' }, (p.created_at || '').slice(0, 10)),
      el('td', { class: 'small' }, p.created_by),
      // issue 16 item 1: a plan made for one organisation is approved by that organisation's admin
      el('td', { class: 'small', dataset: { testid: 'plan-scope-org' } }, p.scope_organisation
        ? `${p.scope_organisation} (its admin approves)` : p.region ? `region ${p.region}` : 'wider (a coordinator approves)'),
      el('td', { class: 'num' }, num(p.measures)),
      el('td', { dataset: { testid: 'plan-state' }, title: measureStates(p) }, el('span', { class: 'pill' }, p.state_text || p.state)),
      el('td', {}, p.can_withdraw ? (() => {
        const b = el('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'withdraw' } }, 'Withdraw');
        b.addEventListener('click', async () => {
          if (!window.confirm(`Withdraw plan ${p.name}? Its measures not yet installed are removed.`)) return;
          b.disabled = true;
          try {
            const w = await api.withdrawPlan(p.name);
            toast(`Plan ${p.name} withdrawn: ${w.removed} measures removed, ${w.kept} kept.`);
          } catch (e) { toast(e.detail || e.message, 'error'); }
          await drawSaved(box, orgNames);
        });
        return b;
      })() : null))))));
  // issue 11 item 6: the level a saved plan was priced at
  const detail = el('p', { class: 'muted', role: 'status', 'aria-live': 'polite', dataset: { testid: 'saved-priced' } });
  const sel = el('select', { id: 'plan-saved-name' }, el('option', { value: '' }, 'Choose a saved plan'),
    items.map((x) => el('option', { value: x.name }, x.name)));
  sel.addEventListener('change', async () => {
    if (!sel.value) { detail.textContent = ''; return; }
    try {
      const sp = await api.savedPlan(sel.value);
      const s = sp.saved || {};
      const scope = sp.filter ? api.FILTER_KEYS.filter((k) => (sp.filter[k] || []).length).map((k) => `${k} ${sp.filter[k].map((v) => (k === 'owner' ? orgNames.get(String(v)) || v : v)).join(', ')}`).join('; ') : '';
      detail.textContent = `${s.name}: ${num(s.measures)} measures at ${num(s.sites_funded)} sites, ${eur(s.cost_eur)}; ${s.priced_at || ''}${scope ? `; scope: ${scope}` : ''}.`;
    } catch (e) { detail.textContent = e.detail || e.message; }
  });
  put(box, table,
    el('div', { class: 'saved-priced' },
      el('label', { for: 'plan-saved-name' }, 'The level a saved plan was priced at'), sel),
    detail);
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

