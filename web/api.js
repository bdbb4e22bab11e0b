// api.js - the only module that knows the server's URLs and JSON shapes (docs/api.md).
// Every call returns the documented JSON; errors become an ApiError with status, field, line.

const BASE = '/api/v1';
let csrfToken = null;
let onUnauthorized = null;

/** An answer other than 2xx: status, the server's message, and the field/line it names. */
export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super((body && body.error) || `the server answered ${status}`);
    this.status = status;
    this.field = body && body.field ? String(body.field) : null;
    this.line = body && Number.isInteger(body.line) ? body.line : null;
    this.retryAfter = retryAfter ? Number(retryAfter) : null;
    // what is wrong, without the "line N: " and "field: " that some messages repeat
    let detail = this.message.replace(/^line \d+: /, '');
    if (this.field && detail.startsWith(this.field + ': ')) detail = detail.slice(this.field.length + 2);
    this.detail = detail;
    this.body = body || null;   // the whole answer (a log-in's second step reads it)
  }
}

/** Called (once per answer) when the server says the session is gone (401). */
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

/* ---- a busy registry (503): retried, and the page told ----
   The server answers 503 when another write holds the registry (nothing was changed, so the
   same request may be sent again) or while it shuts down. A 503 is sent again up to
   BUSY_RETRIES times, waiting the Retry-After it names or the backoff, whichever is longer,
   at most BUSY_WAIT_MAX_MS. */
export const BUSY_RETRIES = 3;
const BUSY_BACKOFF_MS = 500;     // 0.5 s, then 1 s, then 2 s
const BUSY_WAIT_MAX_MS = 10000;  // a Retry-After longer than this is cut to it
let onBusy = null;

/**
 * Called as a busy answer is retried and when the retries end:
 * {retry, of, waitMs} before retry number `retry` of `of`; {gaveUp: true} after the last
 * 503; {over: true} when a retried request got another answer.
 */
export function setBusyHandler(fn) { onBusy = fn; }

function busyWait(retry, retryAfter) {
  const asked = /^\d+$/.test(retryAfter || '') ? Number(retryAfter) * 1000 : 0;  // seconds only
  return Math.min(BUSY_WAIT_MAX_MS, Math.max(BUSY_BACKOFF_MS * 2 ** (retry - 1), asked));
}

/** fetch, sending a 503 again up to BUSY_RETRIES times (the body is a string: sent again as is). */
async function fetchRetryingBusy(url, init) {
  let res = null;
  let retry = 0;
  try {
    for (;; retry++) {
      res = await fetch(url, init);
      if (res.status !== 503 || retry >= BUSY_RETRIES) break;
      const waitMs = busyWait(retry + 1, res.headers.get('Retry-After'));
      await res.text().catch(() => '');
      if (onBusy) onBusy({ retry: retry + 1, of: BUSY_RETRIES, waitMs });
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  } finally {
    if (retry > 0 && onBusy) onBusy(res && res.status === 503 ? { gaveUp: true } : { over: true });
  }
  return res;
}

async function call(method, path, { json, csv, blob, query, rawQuery, unmarked, signal } = {}) {
  const view = viewCount;   // issue 15: an answer that comes after the view changed marks nothing
  const headers = { Accept: 'application/json' };
  let body;
  if (json !== undefined) { headers['Content-Type'] = 'application/json'; body = JSON.stringify(json); }
  if (csv !== undefined) { headers['Content-Type'] = 'text/csv'; body = csv; }
  // issue 16 item 3: a file sent as it is (an attachment), under the type it names or none
  if (blob !== undefined) { headers['Content-Type'] = blob.type || 'application/octet-stream'; body = blob; }
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let url = BASE + path;
  const parts = rawQuery ? [rawQuery] : [];   // rawQuery: already encoded, sent as it is
  if (query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) q.set(k, String(v));
    const s = q.toString();
    if (s) parts.push(s);
  }
  if (parts.length) url += '?' + parts.join('&');
  let res;
  try {
    res = await fetchRetryingBusy(url, { method, headers, body, credentials: 'same-origin', cache: 'no-store', signal });
  } catch (e) {
    // issue 14: a request the page stopped (its AbortSignal) is not an unreachable server
    if (signal && signal.aborted) { const err = new ApiError(0, { error: 'stopped' }); err.aborted = true; throw err; }
    throw new ApiError(0, { error: 'the server cannot be reached' });
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch (e) { data = { error: text.slice(0, 300) }; }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data || {}, res.headers.get('Retry-After'));
    if (res.status === 401 && path !== '/session' && onUnauthorized) onUnauthorized(err);
    throw err;
  }
  if (onMarking && !unmarked && view === viewCount && data && typeof data.tlp === 'string') onMarking(markingOf(data.tlp));
  return data;
}

/* ---- issue 11: the TLP marking of what the page shows ----
   Every answer that carries site data names the highest TLP label of its sites in a top-level
   "tlp" ("TLP:AMBER"); a site's own routes carry its bare label ("AMBER"). */
let onMarking = null;
/** Called with "TLP:X" for every answer that carries a marking (the banner keeps the highest);
    not for an answer fetched `unmarked`: one the view reads but does not show (the ranking
    behind a site's standing: the site page shows the site's rank, not the other sites). */
export function setMarkingHandler(fn) { onMarking = fn; }
/* issue 15: the view an answer was asked for. The router calls newView() as it draws another
   view, so an answer the previous view asked for (a dashboard's ranking still on its way when a
   run is opened) does not raise the new view's marking. */
let viewCount = 0;
export function newView() { viewCount++; }
/** The TLP 2.0 labels, lowest first (docs/access.md). */
export const MARKINGS = ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED'];
function markingOf(tlp) { return tlp.startsWith('TLP:') ? tlp : 'TLP:' + tlp; }

/** Every page of a list, concatenated: the documented {items, next_offset} shape. */
async function all(path, query = {}, { unmarked, rawQuery } = {}) {
  const items = [];
  let offset = 0;
  let first = null;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await call('GET', path, { query: { ...query, limit: 1000, offset }, unmarked, rawQuery });
    if (!first) first = page;
    items.push(...page.items);
    if (page.next_offset === null || page.next_offset === undefined) break;
    offset = page.next_offset;
  }
  return { ...first, items, next_offset: null };
}

/* ---- session ----
   A session: {user: {name, role, organisation: {id, name, type}}, csrf_token}. */

export async function login(user, password) {
  const s = await call('POST', '/session', { json: { user, password } });
  csrfToken = s.csrf_token;
  return s;
}
export async function whoami() {
  const s = await call('GET', '/session');
  csrfToken = s.csrf_token;
  return s;
}
export async function logout() {
  try { await call('DELETE', '/session'); } finally { csrfToken = null; }
}

/* ---- the second factor (issue 10, docs/api.md "Second factor") ----
   A log-in that needs a code answers 401 {error, second_factor: "code"|"enrol",
   pending_token, expires}; loginStep returns that body as {pending} instead of throwing.
   Enrolment: {secret, otpauth_uri, qr_svg}; the first code answers the session with
   recovery_codes (shown once). */

export async function loginStep(user, password) {
  try {
    return { session: await login(user, password) };
  } catch (e) {
    if (e.status === 401 && e.body && e.body.second_factor && e.body.pending_token) return { pending: e.body };
    throw e;
  }
}
export async function loginCode(pendingToken, code) {
  const s = await call('POST', '/session/second-factor', { json: { pending_token: pendingToken, code } });
  csrfToken = s.csrf_token;
  return s;
}
export const loginEnrolment = (pendingToken) => call('POST', '/session/enrolment', { json: { pending_token: pendingToken } });
export const accountEnrolment = () => call('POST', '/account/second-factor', { json: {} });
/** {recovery_codes} */
export const accountConfirm = (code) => call('POST', '/account/second-factor/confirm', { json: { code } });

/* ---- sites ----
   A site: {id, name, kind, sector, owner, lat, lon, region, capacity, peak_occupancy,
   population_served, economic_value_eur, tlp, staff, entrances, perimeter_m,
   vehicle_approaches, screened_per_day, control_systems (null: unknown), enclosure
   ("enclosed"|"fenced"|"open"|null), staffed ("yes"|"no"|null), legal_basis
   ("none"|"entry"|"statute"|null), can_edit}. */

export const sites = () => all('/sites');
/** The same, read without marking the page (issue 15: a run's exercise alert lists only the sites
    at most the run's label, so the run's view stays at the run's marking). */
export const sitesUnmarked = () => all('/sites', {}, { unmarked: true });
export const site = (id) => call('GET', `/sites/${encodeURIComponent(id)}`);
/* issue 16, item 2: editing a site. `change` holds only the fields changed (the server applies
   them to the site as stored, so a field someone else changed meanwhile is kept); answers the site.
   emergency_department ("yes"|"no"|null) says whether a hospital receives casualties. */
export const updateSite = (id, change) => call('PATCH', `/sites/${encodeURIComponent(id)}`, { json: change });
/** {site_id, items: [{name, organisation}]}: the users named on a site (who read it when RED). */
export const siteReaders = (id) => call('GET', `/sites/${encodeURIComponent(id)}/readers`);
export const addSiteReader = (id, user) => call('POST', `/sites/${encodeURIComponent(id)}/readers`, { json: { user } });
export const removeSiteReader = (id, user) =>
  call('DELETE', `/sites/${encodeURIComponent(id)}/readers/${encodeURIComponent(user)}`);

/* ---- assessments ----
   fema rows {threat_id, asset_value, threat_rating, vulnerability_rating};
   carver row {criticality, accessibility, recuperability, vulnerability, effect, recognizability, shock};
   quant rows {threat_id, p_attempt: {min, mode, max}, p_success, fatalities, injuries, loss_eur}. */

export const assessments = (id) => call('GET', `/sites/${encodeURIComponent(id)}/assessments`);
export const saveAssessments = (id, method, items) =>
  call('PATCH', `/sites/${encodeURIComponent(id)}/assessments/${method}`, { json: { items } });

/* ---- ranking and matrix ----
   ranking: {method, threat_level, threat_level_text, samples, seed, top_k, total, ranked,
   not_assessed, items: [{rank, site_id, name, tlp, lat, lon, score, band, worst_threat,
   mean, p5, p95, p_topk}]}; matrix: {method, threat_level_text, total,
   cells: [{likelihood, consequence, count, band}]}. */

export const ranking = (method) => all(`/ranking/${method}`);
/** The ranking as one site's page reads it: for that site's standing only, so its marking
    does not raise the banner (the page shows the site's label; docs/access.md). */
export const rankingForStanding = (method) => all(`/ranking/${method}`, {}, { unmarked: true });
export const matrix = (method) => call('GET', `/matrix/${method}`);

/* ---- imports ----
   sites: {created, updated, warnings: [{line, field, message}]}; assessments: {method, rows}. */

export const importCsv = (what, text) => call('POST', `/imports/${what}`, { csv: text });

/* ---- catalogues, threat level ---- */

export const catalog = (name) => all(`/catalog/${name}`);
/** {national, threats: [{threat_id, level}], entries: [{scope, scope_id, level, below, rationale, set_by, set_at, expires_at}]} */
export const threatLevel = () => call('GET', '/threat-level');
/** Issue 11: level null clears the threat's own level; a rationale always; until a date or ''. */
export const setThreatLevel = (level, threatId, rationale, until, below) => {
  const json = { level, rationale };
  if (threatId) json.threat_id = threatId;
  if (until) json.until = until;
  if (below) json.below = true;
  return call('PUT', '/threat-level', { json });
};

/* ---- organisations, users, audit ---- */

export const organisations = () => all('/organisations');
export const addOrganisation = (o) => call('POST', '/organisations', { json: o });
export const changeOrganisation = (id, change) => call('PATCH', `/organisations/${encodeURIComponent(id)}`, { json: change });
export const users = () => all('/users');
export const addUser = (u) => call('POST', '/users', { json: u });
export const changeUser = (name, change) => call('PATCH', `/users/${encodeURIComponent(name)}`, { json: change });
/** One page of the audit log, newest first: {items: [{seq, time, user, organisation, action,
    table, record, detail, withheld}], next_offset, total}; record and detail are null when
    withheld (a record the entry covers is one the caller may not read). */
export const audit = (offset, limit) => call('GET', '/audit', { query: { offset, limit } });

/* ---- measures, plans, the risk register ----
   measure: {id, name, family, capex_eur, opex_eur_year, lifetime_years, rights: {privacy,
   movement, discrimination}, intrusiveness, legal_basis, removes_step_free, kinds, sectors,
   exclusive_group, description, effects: [{threat_id, v_reduction, c_reduction}]};
   site measures: {site_id, items: [{measure_id, name, status, plan, added_at, added_by, changed_at, changed_by, steps}]};
   plan: {budget_eur, solver, threat_level, region, horizon_years, discount_rate, totals: {cost_eur,
   risk_reduction_eur, bcr, bound_eur, gap, gap_to_exact, ...}, sites: [{site_id, name, lat, lon,
   risk_band, risk_band_threats, threat_level, loss_band, cost_eur, risk_before_eur, risk_after_eur, risk_reduction_eur, bcr, measures: [{measure_id,
   name, reasons}]}], rejected: [{site_id, measure_id, verdict, reason}], frontier, withheld,
   not_chosen_counts, not_chosen: [{site_id, measure_id, bcr, cost_eur, reduction_eur_year, why, reason}],
   planning_level, today_threat_level, priced_at, surge: [{site_id, site_name, measure_id, name,
   weekly_cost_eur, weeks, total_eur, threats, reason}], surge_summary} (issue 11 item 6);
   register entry: {site_id, site_name, threat_id, risk_band, risk_eur_year, treatment, owner_org,
   responsible, review_date, measures, note, needs_approval, approved, approved_by, can_treat,
   threat_level (the level today its risk bands are at), overdue}. */

export const measures = () => all('/measures');
export const siteMeasures = (id) => call('GET', `/sites/${encodeURIComponent(id)}/measures`);
/** q: {budget, solver, region, frontier}. */
export const plan = (q) => call('GET', '/plan', { query: q });
/** The URL of the printable report for the same query. */
export function planReportUrl(q, filter) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  return `${BASE}/plan/report?${[u.toString(), filter ? filterQuery(filter) : ''].filter(Boolean).join('&')}`;  // issue 16: its scope
}
export const plans = () => all('/plans');
export const savedPlan = (name) => call('GET', `/plans/${encodeURIComponent(name)}`);
export const savePlan = (p) => call('POST', '/plans', { json: p });
/* issue 11, item 7: a step of a measure a saved plan proposed at a site (approve, accept,
   decline, install, verify: the row as it is now), and withdrawing a saved plan ({name, state,
   removed, kept}). Site measures carry `steps`, the steps the caller may take now; saved plans
   `state` and `can_withdraw`. */
export const measureStep = (site, measure, step) =>
  call('POST', `/sites/${encodeURIComponent(site)}/measures/${encodeURIComponent(measure)}/${encodeURIComponent(step)}`);
export const withdrawPlan = (name) => call('POST', `/plans/${encodeURIComponent(name)}/withdraw`);
/* issue 16, item 4: a step with what it records (install: on_date, note; verify: method, on_date,
   reverify_by, note), and the owner committing its own measure outside a plan */
export const measureStepWith = (site, measure, step, body) =>
  call('POST', `/sites/${encodeURIComponent(site)}/measures/${encodeURIComponent(measure)}/${encodeURIComponent(step)}`, { json: body || {} });
export const commitMeasure = (site, measure, note) =>
  call('POST', `/sites/${encodeURIComponent(site)}/measures/${encodeURIComponent(measure)}/commit`, { json: note ? { note } : {} });
export const register = (site) => all('/register', site ? { site } : {});
export const setRegister = (site, threat, change) =>
  call('POST', `/register/${encodeURIComponent(site)}/${encodeURIComponent(threat)}`, { json: change });
export const approveRegister = (site, threat) =>
  call('POST', `/register/${encodeURIComponent(site)}/${encodeURIComponent(threat)}/approve`);
export const registerHistory = (site, threat) =>
  call('GET', `/register/${encodeURIComponent(site)}/${encodeURIComponent(threat)}/history`);

/* ---- the map's outline ----
   A GeoJSON FeatureCollection of the region (kind: region, water, district_boundary,
   district_label), from data/demo/region.geojson; null when the server has none. */
export async function regionOutline() {
  try {
    const res = await fetch('/region.geojson', { credentials: 'same-origin' });
    if (!res.ok) return null;
    const g = await res.json();
    return g && g.type === 'FeatureCollection' ? g : null;
  } catch (e) {
    return null;
  }
}

/* ---- issue 12: resilience (dependencies, cascades, single points of failure) ----
   dependencies: {site_id, providers: [DEP], consumers: [DEP], withheld}; DEP: {provider_id,
   provider_name, consumer_id, consumer_name, type, autonomy_hours, service_loss, group (null)}.
   cascade: {fail, hours, repair_hours (null: the whole horizon), threshold, affected: [{site_id,
   name, kind, sector, lat, lon, population_served, failed_at_h, restored_at_h, min_service,
   person_hours_lost}], steps: [{t_h, site_id, service}], series: [{t_h, people_without_service}],
   person_hours_lost, recovery_h (null: not within the horizon), withheld}.
   spof: {hours, repair_hours, threshold, value_person_hour_eur, spof: [{rank, site_id, name,
   person_hours_lost, downstream_person_hours, downstream_eur, sites_failed, sites_affected,
   recovery_h}], supplying_sites, withheld}. Cascades and the sweep run on the compute pool
   (429 with Retry-After when it is full). */
export const siteDependencies = (id) => call('GET', `/sites/${encodeURIComponent(id)}/dependencies`);
/** The same, read without marking the page (a site page reads a consumer's providers to name only
    those in one redundancy group; the page is marked with the label of each site it names). */
export const siteDependenciesUnmarked = (id) => call('GET', `/sites/${encodeURIComponent(id)}/dependencies`, { unmarked: true });
/** q: {fail: [ids], repair_hours (omitted: the whole horizon), hours}. */
export function cascade(q) {
  // the ids each percent-encoded, the commas between them literal (a list in one value)
  const rawQuery = 'fail=' + q.fail.map(encodeURIComponent).join(',');
  const query = {};
  if (q.repair_hours !== undefined && q.repair_hours !== null && q.repair_hours !== '') query.repair_hours = q.repair_hours;
  if (q.hours !== undefined && q.hours !== null && q.hours !== '') query.hours = q.hours;
  return call('GET', '/cascade', { query, rawQuery });
}
export const spof = (top) => call('GET', '/spof', { query: { top } });

/* ---- issue 13: public alerts (CAP 1.2; docs/api.md "Public alerts") ----
   ALERT: {identifier, chain, references (id or null), msg_type, status, state
   ("preview"|"pending"|"issued"|"rejected"), site_id, site_name, template, languages, radius_km
   (null with a polygon), polygon, generic_area, sent, expires, composer, approver, composed_at,
   decided_at, reason, latest, in_feed, sha256, cb: [{language, headline, pages, max_pages, ucs2,
   units, per_page, fits}], warnings: [{code, message}], xml (single-message answers only)}.
   A composition: {template, site_id, radius_km, languages, status, generic_area, duration_h,
   note}; a preview may add updates or cancels (an id). Approving one's own message: 403
   {code: "same_person"} (ApiError.body.code). */
export const alertTemplates = () => call('GET', '/alert-templates');
/** {alerts: [ALERT without xml], feed_url}, newest first. */
export const alerts = () => call('GET', '/alerts');
export const alert = (id) => call('GET', `/alerts/${encodeURIComponent(id)}`);
export const previewAlert = (body) => call('POST', '/alerts/preview', { json: body });
export const composeAlert = (body) => call('POST', '/alerts', { json: body });
export const updateAlert = (id, body) => call('POST', `/alerts/${encodeURIComponent(id)}/update`, { json: body });
/** The note is optional (issue 13 review): an empty one is not sent. */
export const cancelAlert = (id, note) => call('POST', `/alerts/${encodeURIComponent(id)}/cancel`, { json: note ? { note } : {} });
/** Issue 13 review: approval is bound to the bytes the approver saw: {"sha256": the hash shown}. */
export const approveAlert = (id, sha256) => call('POST', `/alerts/${encodeURIComponent(id)}/approve`, sha256 ? { json: { sha256 } } : {});
/** Reject (one who may approve) or withdraw (its composer) a pending message; reason optional. */
export const rejectAlert = (id, reason) => call('POST', `/alerts/${encodeURIComponent(id)}/reject`, { json: reason ? { reason } : {} });
/** The CAP XML of a message for a logged-in reader (the API), and the public copy of an issued
    Actual message (no log-in; what the feed links to). */
export const alertCapUrl = (id) => `${BASE}/alerts/${encodeURIComponent(id)}/cap`;
export const publicCapUrl = (id) => `/alerts/${encodeURIComponent(id)}.cap`;
export const ALERT_FEED_URL = '/alerts.atom';

/* ---- issue 14: the mass-casualty simulation (docs/api.md "Simulations") ----
   body: {site_id, threat, victims (optional), replications, seed, sweep: {key, values}} (or a
   scenario instead of the site); answers {scenario, threat, victims, seed, replications, sweep,
   load_step_min, rows: [{value (text, with a sweep), outputs: {NAME: {mean, lo, hi, p025, p975,
   n}}, hospitals: [{name, peak_mean, load_mean: [patients every load_step_min]}]}]}. The answer
   has no `tlp`: the view marks it with its sites' labels. opts.signal (an AbortSignal) stops the
   request, and the server stops the run (the error has `aborted`). 429 with Retry-After when the
   compute pool is full. */
export const simulate = (body, { signal } = {}) => call('POST', '/simulations', { json: body, signal });

/* ---- issue 15: exercise runs (docs/api.md "Exercise runs") ----
   EXERCISE: {id, title, description, duration_min, sim_start_min, tlp, simulation, pio_role,
   sim_to, injects (a count), stages, roles, objectives, decisions}.
   RUN (GET /runs/ID): {id, title, scenario_id, tlp, view ("facilitator"|"evaluator"|"observer"|
   "player"), clock: {state ("ready"|"running"|"paused"|"ended"), speed, now_min}, ended,
   created_at, created_by, seed, next_sim_min, my_roles, scenario (the file's shape, as the
   caller may see it), injects: [{seq, status, due_min, deadline_min, delivered_min, done_min,
   done_by}], participants: [{user, organisation, member, role, lead}], decisions: [{decision,
   label, value, role, user, t_min, at}], responses: [{id, seq, role, user, t_min, at, text}],
   log: [{id, user, position, agency, t_min, at, activity}], observations: [{id, user, t_min, at,
   capability, target, kind, text}], ratings: [{target, user, rating, final, at, note}],
   improvements: [{id, capability, issue, action, element, responsible, due, measure, risk_site,
   risk_threat, user, at, ...}], last_event}. A change (clock, inject): {run, state, now_min,
   events, last_event}. Bodies of start/pause/resume and the inject actions are `{}`. */
export const exercises = () => call('GET', '/exercises');
/** The runs list has no top-level marking: the page is marked with each listed run's label. */
export async function runs() {
  const view = viewCount;
  const r = await all('/runs');
  if (onMarking && view === viewCount) for (const it of r.items) if (typeof it.tlp === 'string') onMarking(markingOf(it.tlp));
  return r;
}
export const run = (id, before) => call('GET', `/runs/${encodeURIComponent(id)}`, { query: { before } });
/** b: {builtin, title, tlp, seed}. */
export const createRun = (b) => call('POST', '/runs', { json: b });
/** p: {user, member: "player"|"evaluator"|"facilitator", role (a player's)}. */
export const assignRun = (id, p) => call('POST', `/runs/${encodeURIComponent(id)}/participants`, { json: p });
export const unassignRun = (id, user, role) =>
  call('DELETE', `/runs/${encodeURIComponent(id)}/participants/${encodeURIComponent(user)}`, { query: role ? { role } : {} });
/** what: start, pause, resume, shift ({minutes}), speed ({factor}), endex ({message, real_world}). */
export const runClock = (id, what, body = {}) => call('POST', `/runs/${encodeURIComponent(id)}/${what}`, { json: body });
/** what: trigger, skip, done. */
export const runInject = (id, seq, what) =>
  call('POST', `/runs/${encodeURIComponent(id)}/injects/${encodeURIComponent(seq)}/${what}`, { json: {} });
export const runRespond = (id, seq, role, text) =>
  call('POST', `/runs/${encodeURIComponent(id)}/injects/${encodeURIComponent(seq)}/responses`, { json: { role, text } });
/** b: {decision, value (absent for kind none), role}. */
export const runDecide = (id, b) => call('POST', `/runs/${encodeURIComponent(id)}/decisions`, { json: b });
/** b: {activity, role (a player's position), t_min}. */
export const runLog = (id, b) => call('POST', `/runs/${encodeURIComponent(id)}/log`, { json: b });
/** b: {kind, text, capability, target, t_min}. */
export const runObserve = (id, b) => call('POST', `/runs/${encodeURIComponent(id)}/observations`, { json: b });
/** b: {target, rating, note, final}. */
export const runRate = (id, b) => call('POST', `/runs/${encodeURIComponent(id)}/ratings`, { json: b });
/** b: {issue, action, element, responsible, capability, due}. */
export const runImprove = (id, b) => call('POST', `/runs/${encodeURIComponent(id)}/improvements`, { json: b });
export const runImprovementStatus = (id, item, status) =>
  call('POST', `/runs/${encodeURIComponent(id)}/improvements/${encodeURIComponent(item)}/status`, { json: { status } });
/** The run's public information officer: a CAP alert with status Exercise (as POST /alerts). */
export const runAlert = (id, b) => call('POST', `/runs/${encodeURIComponent(id)}/alerts`, { json: b });
/** The event stream's URL (EventSource: the browser sends Last-Event-ID when it reconnects). */
export const runEventsUrl = (id) => `${BASE}/runs/${encodeURIComponent(id)}/events`;
/** The after-action report: format html (a printable page) or csv (the improvement plan). */
export const runReportUrl = (id, format) => `${BASE}/runs/${encodeURIComponent(id)}/report?format=${format}`;

/* ---- issue 16, item 8: critical entities under the CER Directive ----
   {items: [{organisation_id, organisation, designated_on, notified_on, obligations_from,
   risk_assessment_on, risk_assessment_due, risk_assessment, resilience_plan_on,
   resilience_plan_due, resilience_plan, lacks, sites, sites_withheld?, changed_at, changed_by,
   may_report}], today, entities, lacking_risk_assessment, lacking_resilience_plan, may_designate} */
export const cerEntities = () => call('GET', '/cer');
export const changeCer = (orgId, change) => call('PATCH', `/organisations/${encodeURIComponent(orgId)}/cer`, { json: change });
/** issue 16, item 8: {method, total, fewer_than, by_sector: [{id, name, count|null}], by_band: [...]} (coordinators) */
export const withheld = (method) => call('GET', '/withheld', { query: { method } });
export const designateCer = (orgId, d) => call('PUT', `/organisations/${encodeURIComponent(orgId)}/cer`, { json: d });
/* ---- issue 16, item 7: peers and what-if ----
   peers: {site_id, sector, peer_group ("sector"|"kind"), group, method, assessed, comparable,
   min_peers, peers? (coordinators), quartiles: {p25, p50, p75}|null, factors: [{id, name, value,
   percentile|null}], named_peers: [{site_id, name, score, band}]};
   what-if: {site_id, method, measure: {id, name}, applies, in_place, threats_reduced,
   before/after: {ranked, score, rank, of, band}, change: {score, rank}} */
export const sitePeers = (id, method) => call('GET', `/sites/${encodeURIComponent(id)}/peers`, { query: { method } });
export const siteWhatIf = (id, measure, method) => call('GET', `/sites/${encodeURIComponent(id)}/what-if`, { query: { measure, method } });
/* ---- issue 16 item 3: assessment visits (docs/api.md "Surveys") ----
   visit: {id, site_id, site_name, method, source, state, visited_at, assessor, questionnaire,
   confirmed_by, confirmed_at, answers, questions, answered, proposals, ratings, findings,
   evidence, can_record, can_confirm, tlp}. */
export const siteSurveys = (id) => call('GET', `/sites/${encodeURIComponent(id)}/surveys`);
export const startSurvey = (id, method, visitedOn) =>
  call('POST', `/sites/${encodeURIComponent(id)}/surveys`, { json: visitedOn ? { method, visited_on: visitedOn } : { method } });
export const survey = (id) => call('GET', `/surveys/${encodeURIComponent(id)}`);
export const surveyAnswers = (id, answers) => call('PATCH', `/surveys/${encodeURIComponent(id)}/answers`, { json: { answers } });
export const surveyRatings = (id, items) => call('PATCH', `/surveys/${encodeURIComponent(id)}/ratings`, { json: { items } });
export const confirmSurvey = (id) => call('POST', `/surveys/${encodeURIComponent(id)}/confirm`);
export const questionnaire = (kind) => call('GET', `/questionnaires/${encodeURIComponent(kind)}`);
/* ---- issue 16 item 3: attachments (photos and documents of a site or survey) ----
   list: {site_id, label, can_write, items: [ATTACHMENT], tlp}; ATTACHMENT: {id, site_id, survey_id,
   name, caption, type, size, sha256, shows_people, uploaded_at, uploaded_by, label, retain_until}. */
const ATTACH_TYPES = ['image/jpeg', 'image/png', 'application/pdf'];
export const siteAttachments = (id, survey) =>
  call('GET', `/sites/${encodeURIComponent(id)}/attachments`, { query: { survey } });
/** Upload file (a File) to site id; the server judges it by its bytes, not by file.type. */
export function uploadAttachment(id, file, { caption, survey, people } = {}) {
  const type = ATTACH_TYPES.includes(file.type) ? file.type : 'application/octet-stream';
  return call('POST', `/sites/${encodeURIComponent(id)}/attachments`, {
    blob: new Blob([file], { type }),
    query: { name: file.name, caption: caption || undefined, survey, people: people ? 1 : undefined },
  });
}
export const deleteAttachment = (aid) => call('DELETE', `/attachments/${encodeURIComponent(aid)}`);
/** Where attachment aid is downloaded (a link: the server sends it as a download). */
export const attachmentUrl = (aid) => `${BASE}/attachments/${encodeURIComponent(aid)}`;
/* ---- issue 16 item 5: filters (docs/api.md "Filters, a matrix cell, CSV downloads") ----
   A filter: {sector, region, kind, owner, band, tlp}, each an array of values (owner: an
   organisation id or "mine"). Sent on /sites, /ranking/{method}, /register and /plan as one
   parameter per key, its values each percent-encoded and joined by raw commas
   ("tlp=AMBER%2BSTRICT,GREEN": the server splits on raw commas before decoding). An unknown
   value is 400 {error, field}; an answer echoes the filter it applied as "filter". */
export const FILTER_KEYS = ['sector', 'region', 'kind', 'owner', 'band', 'tlp'];
/** The filter as an encoded query ('' for none). */
export function filterQuery(filter) {
  const parts = [];
  for (const k of FILTER_KEYS) {
    const v = filter && filter[k];
    if (Array.isArray(v) && v.length) parts.push(k + '=' + v.map(encodeURIComponent).join(','));
  }
  return parts.join('&');
}
function withFilter(filter, extra) {
  return [extra, filterQuery(filter)].filter(Boolean).join('&') || undefined;
}
export const sitesFiltered = (filter, { unmarked } = {}) => all('/sites', {}, { rawQuery: withFilter(filter), unmarked });
export const rankingFiltered = (method, filter) => all(`/ranking/${method}`, {}, { rawQuery: withFilter(filter) });
export const matrixFiltered = (method, filter) => call('GET', `/matrix/${method}`, { rawQuery: withFilter(filter) });
/** A matrix cell's site-threat pairs: the answer's `cell`, {likelihood, consequence, band, total,
    tlp, items: [{site_id, site_name, threat_id, tlp}]}; its `tlp` marks the view that shows it. */
export async function matrixPairs(method, likelihood, consequence, filter) {
  const view = viewCount;
  const r = await call('GET', `/matrix/${method}`, { rawQuery: withFilter(filter, `likelihood=${likelihood}&consequence=${consequence}`) });
  const cell = (r && r.cell) || { items: [] };
  if (onMarking && view === viewCount && typeof cell.tlp === 'string') onMarking(markingOf(cell.tlp));
  return cell;
}
export const registerFiltered = (filter) => all('/register', {}, { rawQuery: withFilter(filter) });
/** q as for plan(), with the filter as its scope. */
export const planFiltered = (q, filter) => call('GET', '/plan', { query: q, rawQuery: withFilter(filter) });
/** The URL of the CSV of a list as the server writes it (the TLP marking its first line):
    path '/sites', '/ranking/fema', '/register', '/plan'; q: the other parameters. */
export function csvUrl(path, filter, q = {}) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  u.set('format', 'csv');
  return `${BASE}${path}?${[u.toString(), filterQuery(filter)].filter(Boolean).join('&')}`;
}
/* ---- issue 16 item 6: history and comparison (docs/api.md, "History") ---- */
/** Every snapshot's summary, with can_take. */
export const snapshots = () => all('/snapshots');
export const takeSnapshot = (b) => call('POST', '/snapshots', { json: b });
export const snapshot = (id, method) => call('GET', `/snapshots/${encodeURIComponent(id)}`, { query: { method } });
export const deleteSnapshot = (id) => call('DELETE', `/snapshots/${encodeURIComponent(id)}`);
/** {from, to, method, threat_level}: the comparison (marked). */
export const compare = (q) => call('GET', '/compare', { query: q });
