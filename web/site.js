// site.js - one site: its facts, its standing (rank and score under each method) and its
// assessments. A user who may write the site edits them here: every field is checked in the
// form, the server's error is shown next to the field it names, and the new rank is shown.

import { peersSection, whatIfSection } from './peers.js'; // issue 16, item 7
import * as api from './api.js';
import { el, put, tlpBadge, bandClass, METHODS, names, num, eurWords, people, pct, threatName, toast, worstThreatNames } from './ui.js';
import { canEditSite, canSimulate } from './roles.js';
import { DOWNSTREAM_SHORT } from './ranking.js';
import { siteEditSection } from './siteedit.js'; // issue 16, item 2
import { surveysSection } from './survey.js'; // issue 16 item 3
import { attachmentsSection } from './attachments.js'; // issue 16 item 3

const FEMA_FIELDS = [
  ['asset_value', 'Asset value'], ['threat_rating', 'Threat rating'], ['vulnerability_rating', 'Vulnerability rating'],
];
const CARVER_FIELDS = [
  ['criticality', 'Criticality'], ['accessibility', 'Accessibility'], ['recuperability', 'Recuperability'],
  ['vulnerability', 'Vulnerability'], ['effect', 'Effect'], ['recognizability', 'Recognizability'], ['shock', 'Shock'],
];
const QUANT_FIELDS = [
  ['p_attempt', 'P(attempt) a year', { max: 1 }],
  ['p_success', 'P(success | attempt)', { max: 1 }],
  ['fatalities', 'Fatalities', {}],
  ['injuries', 'Injuries', {}],
  ['loss_eur', 'Economic loss, EUR', {}],
];
const RANGE = ['min', 'mode', 'max'];

export async function renderSite(main, ctx, id) {
  const token = ctx.token;
  const [site, ass] = await Promise.all([api.site(id), api.assessments(id)]);
  if (token !== ctx.token) return;   // the user went elsewhere meanwhile
  const editable = canEditSite(site);
  const standingBox = el('div', { class: 'standing', dataset: { testid: 'standing' }, 'aria-busy': 'true' }, el('p', { class: 'loading' }, 'Ranking the sites you may see…'));
  const page = { site, editable, standingBox, previous: null };
  // issue 16, item 2: the facts, title and label follow an edit of the site's details
  const factsBox = el('div', { dataset: { testid: 'site-facts' } }, facts(site));
  const title = el('h1', { id: 'site-title' }, site.name);
  const badge = el('span', {}, tlpBadge(site.tlp));
  async function onSaved(now) {
    page.site = now;
    put(factsBox, facts(now));
    title.textContent = now.name;
    put(badge, tlpBadge(now.tlp));
    page.previous = page.current;
    await refreshStanding(page);
  }

  put(main,
    el('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, el('a', { href: '#/' }, 'Dashboard'), ' › ', site.id),
    el('div', { class: 'page-head site-head' },
      title,
      badge,
      el('span', { class: editable ? 'pill pill-edit' : 'pill', dataset: { testid: 'edit-state' } }, editable ? 'You may edit this site' : 'Read only'),
      // issue 14: a mass-casualty simulation of an attack at this site
      canSimulate(ctx.user) ? el('a', { class: 'btn btn-small btn-link', href: `#/simulate?site=${encodeURIComponent(site.id)}`, dataset: { testid: 'simulate-attack' } }, 'Simulate an attack here') : null),
    el('div', { class: 'site-grid' },
      el('section', { class: 'panel', 'aria-labelledby': 'facts-title' }, el('h2', { id: 'facts-title' }, 'Site'), factsBox),
      el('section', { class: 'panel', 'aria-labelledby': 'standing-title' },
        el('h2', { id: 'standing-title' }, 'Standing among the sites you may see'), standingBox)),
    editable ? siteEditSection(site, onSaved) : null, // issue 16, item 2
    femaSection(page, ass.fema || []),
    quantSection(page, ass.quant || []),
    carverSection(page, ass.carver || []),
    measuresSection(site),
    peersSection(site), // issue 16, item 7
    whatIfSection(site),
    dependenciesSection(site), // issue 12
    surveysSection(site, editable), // issue 16 item 3
    attachmentsSection(site)); // issue 16 item 3: photos and documents
  await refreshStanding(page);
}

/* ---- the measures at the site and their state (issue 11, item 7; issue 16, item 4) ---- */

const STEP_LABELS = { approve: 'Approve', accept: 'Accept', decline: 'Decline', install: 'Mark installed', verify: 'Verify' };
const STEP_WORDS = { propose: 'proposed', commit: 'committed', 'in place': 'recorded in place', approve: 'approved', accept: 'accepted', decline: 'declined', install: 'installed', verify: 'verified' };

// YYYY-MM-DD of a date n years after day (a string YYYY-MM-DD); Feb 29 becomes Feb 28.
function yearsAfter(day, n) {
  const y = Number(day.slice(0, 4)) + n;
  const md = day.slice(5) === '02-29' ? '02-28' : day.slice(5);
  return `${String(y).padStart(4, '0')}-${md}`;
}

// The measures in place, proposed by a saved plan or committed by the owner, with the buttons of
// the steps the server says this user may take now (each is checked again when taken), what
// installing and verifying record, every step's date and who, and the owner's own commitment.
function measuresSection(site) {
  const box = el('div', { dataset: { testid: 'site-measures' } }, el('p', { class: 'loading' }, 'Loading the measures…'));
  let catalogue = null;   // the catalogue, read once for the commit form
  async function load() {
    let list;
    try { list = await api.siteMeasures(site.id); } catch (e) {
      put(box, el('p', { class: 'field-error', role: 'alert' }, e.detail || e.message));
      return;
    }
    const rows = list.items;
    const today = list.today || new Date().toISOString().slice(0, 10);
    const body = el('tbody', {});
    for (const m of rows) {
      const name = m.name || m.measure_id;
      const extra = el('tr', { class: 'measure-extra', hidden: true, dataset: { for: m.measure_id } }, el('td', { colspan: '6' }));
      const histBtn = el('button', { type: 'button', class: 'btn btn-small btn-quiet', 'aria-expanded': 'false', dataset: { testid: 'measure-history-toggle' }, 'aria-label': `History of ${name}` }, 'History');
      const open = (content, btn) => {   // one panel under the row at a time
        const cell = extra.firstChild;
        if (!extra.hidden && extra._by === btn) { extra.hidden = true; btn.setAttribute('aria-expanded', 'false'); return; }
        for (const b of extra._buttons || []) b.setAttribute('aria-expanded', 'false');
        put(cell, content);
        extra.hidden = false;
        extra._by = btn;
        btn.setAttribute('aria-expanded', 'true');
        const first = cell.querySelector('select, input');
        if (first) first.focus();
      };
      histBtn.addEventListener('click', () => open(historyList(m), histBtn));
      const stepButtons = (m.steps || []).map((step) => {
        const again = step === 'verify' && m.status === 'verified';
        const b = el('button', { type: 'button', class: 'btn btn-small' + (m.verification_due && again ? ' btn-primary' : ''), dataset: { step }, 'aria-expanded': step === 'install' || step === 'verify' ? 'false' : null },
          again ? 'Verify again' : STEP_LABELS[step] || step);
        b.addEventListener('click', async () => {
          if (step === 'install' || step === 'verify') { open(stepForm(m, step, today), b); return; }
          b.disabled = true;
          try {
            const row = await api.measureStep(site.id, m.measure_id, step);
            toast(`${name}: ${row.status}.`);
          } catch (e) { toast(e.detail || e.message, 'error'); }
          await load();
        });
        return b;
      });
      extra._buttons = [histBtn, ...stepButtons];
      const v = m.verification;
      body.append(el('tr', { dataset: { measure: m.measure_id } },
        el('td', {}, name, m.from_exercise // issue 15: the improvement item it came from
          ? el('a', { class: 'muted small block', href: `#/runs/${m.from_exercise.run}`, dataset: { testid: 'measure-from-exercise' } }, `from exercise run ${m.from_exercise.run}, item ${m.from_exercise.item}`) : null),
        el('td', { dataset: { testid: 'measure-state' } }, el('span', { class: 'pill' }, m.status),
          m.verification_due ? [' ', el('span', { class: 'appr appr-wait', dataset: { testid: 'verification-due' }, title: `to be verified again by ${v ? v.reverify_by : '?'}` }, 'verification due')] : null,
          m.installed_on && (m.status === 'installed' || m.status === 'verified') ? el('span', { class: 'muted small block' }, `installed ${m.installed_on}`) : null,
          v && m.status === 'verified' ? el('span', { class: 'muted small block', dataset: { testid: 'measure-verification' } }, `${v.method} ${v.verified_on} by ${v.by}; again by ${v.reverify_by}`) : null),
        el('td', {}, m.plan || (m.status === 'existing' ? '—' : el('span', { class: 'muted' }, 'own (no plan)'))),
        el('td', { class: 'small' }, (m.changed_at || m.added_at || '').slice(0, 10)),
        el('td', { class: 'small' }, m.changed_by || m.added_by || ''),
        el('td', {}, el('div', { class: 'row-actions' }, stepButtons, histBtn))), extra);
    }
    put(box,
      rows.length ? el('div', { class: 'table-scroll' }, el('table', { class: 'table', id: 'site-measures' },
        el('thead', {}, el('tr', {}, ['Measure', 'State', 'Plan', 'Since', 'By', 'Actions'].map((h) => el('th', { scope: 'col' }, h)))),
        body)) : el('p', { class: 'muted' }, 'No measure is in place, proposed or committed at this site.'),
      list.can_commit ? commitForm(rows) : null,
      el('p', { class: 'muted small' }, 'A saved plan proposes measures; a coordinator other than its author approves them, the site\'s owner accepts or declines them. The owner may also commit a measure it funds itself. The owner marks a committed measure installed (with the day it was done); a government coordinator or analyst verifies it by a test or an inspection and sets when it is to be verified again. Only accepted, installed and verified measures count in the plan\'s risk before.'));
  }

  // Every step of a measure: when, what, who, and what it recorded.
  function historyList(m) {
    const h = m.history || [];
    if (!h.length) return el('p', { class: 'muted' }, 'No step recorded.');
    return el('ol', { class: 'history', dataset: { testid: 'measure-history' } }, h.map((x) => el('li', {},
      el('span', { class: 'nowrap' }, x.at.replace('T', ' ').replace('Z', ' UTC')), ' · ',
      `${STEP_WORDS[x.step] || x.step} by `, el('strong', {}, x.by),
      x.plan ? ` (plan ${x.plan})` : '',
      x.step === 'install' && x.on_date ? `, installed on ${x.on_date}` : '',
      x.step === 'verify' ? `, by ${x.method} on ${x.on_date}, again by ${x.reverify_by}` : '',
      x.note ? [': ', el('q', {}, x.note)] : '')));
  }

  // The form of install (the day installed, a note) or verify (method, day, re-verification date,
  // a note): the server's error shown next to the field it names.
  function stepForm(m, step, today) {
    const id = (f) => `ms-${step}-${m.measure_id}-${f}`;
    const fields = {};
    const field = (key, label, input, help) => {
      const err = el('span', { class: 'field-error', id: id(key) + '-err' });
      input.id = id(key);
      input.setAttribute('aria-describedby', id(key) + '-err');
      fields[key] = { input, err };
      return el('div', { class: 'field' }, el('label', { for: id(key) }, label), input, help ? el('p', { class: 'help' }, help) : null, err);
    };
    const parts = [];
    if (step === 'verify') {
      parts.push(field('method', 'Verified by', el('select', { name: 'method' },
        el('option', { value: 'inspection' }, 'an inspection'), el('option', { value: 'test' }, 'a test'))));
    }
    parts.push(field('on_date', step === 'verify' ? 'Day verified' : 'Day installed', el('input', { type: 'date', name: 'on_date', value: today, max: today }),
      step === 'install' ? 'The day the work was done; may be before today.' : null));
    if (step === 'verify') {
      parts.push(field('reverify_by', 'Verify again by', el('input', { type: 'date', name: 'reverify_by', value: yearsAfter(today, 2), min: today, max: yearsAfter(today, 5) }),
        'At most five years after the verification.'));
    }
    parts.push(field('note', 'Note', el('textarea', { name: 'note', rows: '2', maxlength: '1023' })));
    const formErr = el('p', { class: 'form-error', role: 'alert' });
    const submit = el('button', { type: 'submit', class: 'btn btn-primary', dataset: { testid: `measure-${step}-save` } }, step === 'verify' ? 'Record the verification' : 'Record the installation');
    const form = el('form', { class: 'form measure-step-form', novalidate: true, 'aria-label': `${STEP_LABELS[step]}: ${m.name || m.measure_id}` }, parts, formErr, el('div', { class: 'actions' }, submit));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      formErr.textContent = '';
      for (const f of Object.values(fields)) { f.err.textContent = ''; f.input.removeAttribute('aria-invalid'); }
      const body = {};
      for (const [k, f] of Object.entries(fields)) if (f.input.value !== '') body[k] = f.input.value;
      submit.disabled = true;
      try {
        const row = await api.measureStepWith(site.id, m.measure_id, step, body);
        toast(`${m.name || m.measure_id}: ${row.status}.`);
        await load();
      } catch (e) {
        const f = e.field && fields[e.field];
        if (f) { f.err.textContent = e.detail || e.message; f.input.setAttribute('aria-invalid', 'true'); f.input.focus(); }
        formErr.textContent = f ? `The server refused it: ${e.detail || e.message}` : (e.detail || e.message);
        submit.disabled = false;
      }
    });
    return form;
  }

  // The owner commits a measure it funds itself (no plan): any catalogue measure for this kind of
  // site that is not at the site yet (or was declined).
  function commitForm(rows) {
    const at = new Map(rows.map((r) => [r.measure_id, r.status]));
    const select = el('select', { id: 'ms-commit-measure', name: 'measure' }, el('option', { value: '' }, 'Loading the catalogue…'));
    const note = el('input', { id: 'ms-commit-note', name: 'note', maxlength: '1023', autocomplete: 'off' });
    const err = el('p', { class: 'form-error', role: 'alert' });
    const submit = el('button', { type: 'submit', class: 'btn', dataset: { testid: 'measure-commit' } }, 'Commit');
    const fill = (cat) => {
      const fits = (list, v) => !list || list.includes('*') || list.includes(v);
      const open = cat.filter((m) => fits(m.kinds, site.kind) && fits(m.sectors, site.sector) && (!at.has(m.id) || at.get(m.id) === 'declined'));
      put(select, el('option', { value: '' }, open.length ? 'Choose a measure' : 'Every measure for this kind of site is here'),
        open.map((m) => el('option', { value: m.id }, m.name)));
    };
    (catalogue ? Promise.resolve(catalogue) : api.measures().then((c) => (catalogue = c.items || c))).then(fill, (e) => { err.textContent = e.detail || e.message; });
    const form = el('form', { class: 'form measure-commit', novalidate: true, dataset: { testid: 'measure-commit-form' } },
      el('h3', {}, 'Commit a measure the owner funds itself'),
      el('div', { class: 'field' }, el('label', { for: 'ms-commit-measure' }, 'Measure'), select),
      el('div', { class: 'field' }, el('label', { for: 'ms-commit-note' }, 'Note'), note),
      err, el('div', { class: 'actions' }, submit));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      err.textContent = '';
      if (!select.value) { err.textContent = 'Choose a measure.'; select.focus(); return; }
      submit.disabled = true;
      try {
        const row = await api.commitMeasure(site.id, select.value, note.value.trim());
        toast(`${row.measure_id}: committed at ${site.id}.`);
        await load();
      } catch (e) { err.textContent = e.detail || e.message; submit.disabled = false; }
    });
    return form;
  }
  load();
  return el('section', { class: 'panel', 'aria-labelledby': 'site-measures-title' },
    el('h2', { id: 'site-measures-title' }, 'Measures at this site'), box);
}

/* ---- issue 12: the site's dependencies, both ways ---- */

const DEP_TYPES = {
  physical: 'physical (power, water, fuel)',
  cyber: 'cyber (telecom, control systems)',
  geographic: 'geographic (nearby: one local event hits both)',
  logical: 'logical (staff, transport, other links)',
};

// The sites this one depends on (providers) and the sites that depend on it (consumers), each
// linking to its site page, with a link to simulate this site's failure.
function dependenciesSection(site) {
  const box = el('div', { dataset: { testid: 'site-dependencies' } }, el('p', { class: 'loading' }, 'Loading the dependencies…'));
  const hoursText = (x) => (Number.isFinite(x) ? `${Number.isInteger(x) ? num(x) : x.toFixed(1)} h` : '—');
  const peersOf = new Map();   // consumer id -> names of its other providers in the same group
  function table(id, rows, side) {
    const other = side === 'providers' ? (d) => [d.provider_id, d.provider_name] : (d) => [d.consumer_id, d.consumer_name];
    const group = (d) => {
      if (d.group === null || d.group === undefined || d.group === '') return 'none';
      if (side === 'consumers') {
        // the consumer's other providers in the group, from the consumer's own dependencies
        const others = peersOf.get(d.consumer_id);
        if (others === undefined) return `redundant supply (group ${d.group})`;
        return others.length ? `redundant supply: also fed by ${others.join(', ')} (group ${d.group})`
          : `redundant supply (group ${d.group}; no other provider in it that you may see)`;
      }
      const peers = rows.filter((x) => x !== d && x.group === d.group).map((x) => x.provider_name || x.provider_id);
      return peers.length ? `redundant with ${peers.join(', ')}` : `group ${d.group} (its other providers are not visible to you)`;
    };
    return el('div', { class: 'table-scroll' }, el('table', { class: 'table dep-table', id },
      el('thead', {}, el('tr', {}, [side === 'providers' ? 'Provider' : 'Consumer', 'Type',
        side === 'providers' ? 'Backup of this site' : 'Backup of the consumer', 'Service lost while missing', 'Redundancy']
        .map((h, i) => el('th', { scope: 'col', class: i === 2 || i === 3 ? 'num-h' : null }, h)))),
      el('tbody', {}, rows.map((d) => {
        const [oid, oname] = other(d);
        return el('tr', { dataset: { site: oid } },
          el('th', { scope: 'row', class: 'site-cell' }, el('a', { href: '#/site/' + encodeURIComponent(oid) }, oname || oid), el('span', { class: 'site-id' }, oid)),
          el('td', {}, DEP_TYPES[d.type] || d.type),
          el('td', { class: 'num' }, hoursText(d.autonomy_hours)),
          el('td', { class: 'num' }, pct(d.service_loss)),
          el('td', {}, group(d)));
      }))));
  }
  api.siteDependencies(site.id).then(async (deps) => {
    const providers = deps.providers || [];
    const consumers = deps.consumers || [];
    // a consumer fed redundantly: read its providers (unmarked) to name the others of the group
    // (those the reader may see); each site named is then read itself, which marks the page with
    // its label. If a read fails the row says the group only.
    const peerIds = new Map();
    await Promise.all(consumers.filter((d) => d.group).map((d) => api.siteDependenciesUnmarked(d.consumer_id).then((cd) => {
      peerIds.set(d.consumer_id, (cd.providers || []).filter((x) => x.group === d.group && x.provider_id !== site.id));
    }, () => {})));
    const named = new Map();
    await Promise.all([...new Set([...peerIds.values()].flat().map((x) => x.provider_id))].map((pid) =>
      api.site(pid).then((ps) => named.set(pid, ps.name || pid), () => {})));
    for (const [cid, list] of peerIds) {
      if (list.every((x) => named.has(x.provider_id))) peersOf.set(cid, list.map((x) => named.get(x.provider_id)));
    }
    put(box,
      el('h3', { id: 'dep-providers-title' }, `Depends on (providers): ${providers.length}`),
      providers.length ? table('dep-providers', providers, 'providers') : el('p', { class: 'muted' }, 'This site depends on no site you may see.'),
      el('h3', { id: 'dep-consumers-title' }, `Sites that depend on it (consumers): ${consumers.length}`),
      consumers.length ? table('dep-consumers', consumers, 'consumers') : el('p', { class: 'muted' }, 'No site you may see depends on this one.'),
      deps.withheld ? el('p', { class: 'muted', dataset: { testid: 'dep-withheld' } }, `${num(deps.withheld)} ${deps.withheld === 1 ? 'dependency' : 'dependencies'} withheld: ${deps.withheld === 1 ? 'it links' : 'they link'} to sites you may not see.`) : null,
      el('p', { class: 'muted small' }, 'Backup: how long the consumer runs on its own (generators, tanks, stock) once the supply is lost. Service lost: the share of the consumer\'s service missing after that. Redundant providers back each other up: the supply is lost only while all of them are down.'));
  }, (e) => {
    put(box, el('p', { class: 'field-error', role: 'alert' }, e.detail || e.message));
  });
  return el('section', { class: 'panel', 'aria-labelledby': 'site-deps-title' },
    el('div', { class: 'section-head' },
      el('h2', { id: 'site-deps-title' }, 'Dependencies'),
      el('a', { class: 'btn btn-small btn-link', href: `#/resilience?fail=${encodeURIComponent(site.id)}`, dataset: { testid: 'simulate-failure' } }, 'Simulate its failure')),
    box);
}

function facts(s) {
  const row = (k, v) => [el('dt', {}, k), el('dd', {}, v)];
  return el('dl', { class: 'facts' },
    row('Id', s.id),
    row('Kind', names.kinds.get(s.kind) || s.kind),
    row('Sector', names.sectors.get(s.sector) || s.sector),
    row('Owner', s.owner),
    row('District', s.region || '—'),
    el('dt', {}, 'Location'), el('dd', { dataset: { testid: 'fact-location' } }, `${s.lat.toFixed(4)}, ${s.lon.toFixed(4)}`),
    // issue 16, item 2: figures for reading ("3,000 people", "EUR 520 million")
    row('Capacity', s.capacity === null ? 'open (no fixed capacity)' : people(s.capacity)),
    el('dt', {}, 'Peak occupancy'), el('dd', { dataset: { testid: 'fact-peak' } }, people(s.peak_occupancy)),
    row('Population served', people(s.population_served)),
    el('dt', {}, 'Economic value'), el('dd', { dataset: { testid: 'fact-value' } }, eurWords(s.economic_value_eur)),
    row('Sharing', [tlpBadge(s.tlp)]),
    s.sector === 'health' ? row('Emergency department', s.emergency_department === 'yes' ? 'yes: receives casualties'
      : s.emergency_department === 'no' ? 'no: not a receiving hospital' : 'unknown (counts as receiving casualties)') : null,
    fitRows(s, row));
}

/* Issue 11 (fit): what a plan costs and fits measures by; unknown is said, not hidden. */
const UNKNOWN = 'unknown (plan costs estimated from the size class)';
const BASIS = { none: 'none', entry: 'a condition of entry', statute: 'a statute' };
function fitRows(s, row) {
  const count = (v) => (v === null || v === undefined ? UNKNOWN : num(v));
  return [
    row('Staff', count(s.staff)),
    row('Entrances', count(s.entrances)),
    row('Frontage to protect', s.perimeter_m === null || s.perimeter_m === undefined ? UNKNOWN : `${num(s.perimeter_m)} m`),
    row('Vehicle approaches', count(s.vehicle_approaches)),
    row('People screened a day', count(s.screened_per_day)),
    row('Control systems', count(s.control_systems)),
    row('Enclosure', s.enclosure || 'unknown (a public space counts as open)'),
    row('Staffed', s.staffed || 'unknown (a public space counts as unstaffed)'),
    row('Legal basis for intrusive measures', s.legal_basis ? BASIS[s.legal_basis] || s.legal_basis : 'unknown (counts as none)'),
  ].flat();
}

/* ---- standing: the site's rank under each method ---- */

/* issue 16, item 2: a method's score for reading; the expected loss as "EUR 1.2 million". */
function scoreText(m, x) { return m === 'quant' ? eurWords(x) : METHODS[m].fmt(x); }

async function refreshStanding(page) {
  const id = page.site.id;
  // The rankings are read for this site's rank only: they do not raise the page's TLP banner
  // (the page shows this site, so it carries the site's own label; docs/access.md).
  const results = await Promise.all(Object.keys(METHODS).map((m) => api.rankingForStanding(m).then((r) => [m, r], (e) => [m, e])));
  const now = {};
  const cards = results.map(([m, r]) => {
    if (r instanceof Error) return el('div', { class: 'stand-card' }, el('h3', {}, METHODS[m].label), el('p', { class: 'muted' }, r.message));
    const it = r.items.find((x) => x.site_id === id);
    now[m] = it ? { rank: it.rank, score: it.score } : null;
    const was = page.previous && page.previous[m];
    const changed = was && it && (was.rank !== it.rank || was.score !== it.score);
    return el('div', { class: 'stand-card' + (changed ? ' changed' : ''), dataset: { testid: 'standing-' + m } },
      el('h3', {}, METHODS[m].label),
      it ? [
        el('p', { class: 'stand-rank' }, el('span', { dataset: { testid: 'rank-' + m } }, `Rank ${it.rank}`), ` of ${r.ranked ?? r.items.length}`),
        el('p', { class: 'stand-score' }, el('span', { dataset: { testid: 'score-' + m } }, scoreText(m, it.score)), ` ${m === 'quant' ? 'a year' : m === 'fema' ? 'worst risk' : 'sum'}`),
        el('p', { class: 'stand-band' }, standingBand(it.band, m, r)),
        m === 'quant' && Number.isFinite(it.downstream_eur) ? el('p', { class: 'small', dataset: { testid: 'standing-split' } },
          `Own ${eurWords(it.own_eur ?? it.score - it.downstream_eur)} a year · downstream ${eurWords(it.downstream_eur)} a year`) : null,
        m === 'quant' && Number.isFinite(it.downstream_eur) ? el('p', { class: 'small muted wrap-any', dataset: { testid: 'standing-downstream-note' } }, DOWNSTREAM_SHORT) : null,
        m !== 'quant' ? el('p', { class: 'small muted' }, 'This method leaves out what the site\'s failure costs the sites that depend on it.') : null,
        m === 'quant' && Number.isFinite(it.p5) ? el('p', { class: 'small muted' }, `90% interval ${eurWords(it.p5)} – ${eurWords(it.p95)} · P(top ${r.top_k}) ${pct(it.p_topk)}`) : null,
        m !== 'carver' && it.worst_threat ? el('p', { class: 'small muted' }, `Worst threat: ${worstThreatNames(it)}`) : null,
        changed ? el('p', { class: 'was' }, `was rank ${was.rank}, ${scoreText(m, was.score)}`) : null,
      ] : el('p', { class: 'muted' }, 'Not assessed by this method.'));
  });
  page.standingBox.removeAttribute('aria-busy');
  put(page.standingBox, el('div', { class: 'stand-cards' }, cards),
    el('p', { class: 'small muted' }, `Computed under threat level ${results.map(([, r]) => r.threat_level_text).find(Boolean) || '—'}.`));
  page.current = now;
}

/* Issue 11 item 2: each method's band says what it is, and the loss band the threat level it
   was computed at (the ranking's level text: national, and any threat, sector or region
   level that differs). The FEMA and CARVER bands rest on stored ratings, not on the level. */
function standingBand(band, m, r) {
  const level = r.threat_level_text || r.threat_level;
  const text = !band ? 'no band'
    : m === 'quant' ? `loss band ${band}${level ? ` at ${level}` : ''}`
      : m === 'fema' ? `FEMA band ${band}` : `CARVER band ${band} (attractiveness)`;
  const title = m === 'quant' ? 'The band of the expected yearly loss (quant.band.*), at the threat level it was computed at'
    : m === 'fema' ? 'The band of the worst A × T × V risk' : "The band of the CARVER + Shock sum: the attacker's view, not risk";
  return el('span', { class: 'band ' + bandClass(band), title, dataset: { testid: 'band-' + m } }, text);
}

/* ---- form plumbing shared by the three methods ---- */

function numberInput(idBase, label, attrs) {
  const errId = idBase + '-err';
  const input = el('input', {
    id: idBase, type: 'number', class: 'num-input', 'aria-label': label, 'aria-describedby': errId, ...attrs,
  });
  const err = el('span', { class: 'field-error', id: errId });
  return { input, err, wrap: el('div', { class: 'cell-field' }, input, err) };
}

function setError(f, message) {
  f.err.textContent = message || '';
  if (message) f.input.setAttribute('aria-invalid', 'true'); else f.input.removeAttribute('aria-invalid');
}

function parseNumber(f, { integer, min, max }) {
  const raw = f.input.value.trim();
  if (raw === '') return { error: 'required' };
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) return { error: 'not a number' };
  const v = Number(raw);
  if (!Number.isFinite(v)) return { error: 'not a number' };
  if (integer && !Number.isInteger(v)) return { error: 'a whole number' };
  if (min !== undefined && v < min) return { error: `at least ${min}` };
  if (max !== undefined && v > max) return { error: `at most ${max}` };
  return { value: v };
}

/** A form for one method: fields keyed by the API's field path, a save button, a status line. */
function methodForm(page, method, title, intro, content, fields, collect) {
  const status = el('p', { class: 'form-status', role: 'status', 'aria-live': 'polite', dataset: { testid: 'status-' + method } });
  const formErr = el('p', { class: 'form-error', role: 'alert' });
  const save = el('button', { type: 'submit', class: 'btn btn-primary', dataset: { testid: 'save-' + method } }, `Save ${METHODS[method].label} assessment`);
  const form = el('form', { class: 'form method-form', novalidate: true, id: 'form-' + method, 'aria-labelledby': method + '-title' },
    content, formErr, page.editable ? el('div', { class: 'actions' }, status, save) : null);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    formErr.textContent = '';
    status.textContent = '';
    for (const f of fields.values()) setError(f, '');
    const { items, errors, sentIndex } = collect();
    if (errors.length) {
      for (const [key, msg] of errors) setError(fields.get(key), msg);
      formErr.textContent = `Please correct ${errors.length === 1 ? 'the field' : `the ${errors.length} fields`} marked below.`;
      fields.get(errors[0][0]).input.focus();
      return;
    }
    if (!items.length) { status.textContent = 'Nothing changed.'; return; }
    save.disabled = true;
    status.textContent = 'Saving…';
    try {
      await api.saveAssessments(page.site.id, method, items);
      page.previous = page.current;
      for (const f of fields.values()) f.input.dataset.saved = f.input.value;
      await refreshStanding(page);
      const now = page.current[method];
      const was = page.previous && page.previous[method];
      status.textContent = `Saved ${items.length} ${items.length === 1 ? 'row' : 'rows'}.` +
        (now ? ` ${METHODS[method].label} rank now ${now.rank}${was ? ` (was ${was.rank})` : ''}, ${scoreText(method, now.score)}.` : '');
      toast(status.textContent);
    } catch (e) {
      status.textContent = '';
      showServerError(e, fields, sentIndex, formErr);
    } finally {
      save.disabled = false;
    }
  });
  return el('section', { class: 'panel', 'aria-labelledby': method + '-title' },
    el('h2', { id: method + '-title' }, title),
    el('p', { class: 'muted small' }, intro),
    form);
}

/** Put the server's error next to the field it names ("items[2].threat_rating"). */
function showServerError(e, fields, sentIndex, formErr) {
  let key = null;
  if (e.field) {
    const m = e.field.match(/^items\[(\d+)\](.*)$/);
    const field = m ? `items[${sentIndex[Number(m[1])] ?? m[1]}]${m[2]}` : e.field;
    if (fields.has(field)) key = field;
    else {
      const candidates = [...fields.keys()].filter((k) => k.startsWith(field + '.') || k.startsWith(field + '['));
      if (candidates.length) key = candidates[0];
      else if (m) key = [...fields.keys()].find((k) => k.startsWith(`items[${sentIndex[Number(m[1])] ?? m[1]}]`)) || null;
    }
  }
  if (key) {
    setError(fields.get(key), e.detail || e.message);
    fields.get(key).input.focus();
    const f = fields.get(key);
    const label = f.input.getAttribute('aria-label') || (f.input.labels && f.input.labels[0] ? f.input.labels[0].textContent : key);
    formErr.textContent = `The server refused the change: ${label}: ${e.detail || e.message}`;
  } else {
    formErr.textContent = e.status === 403 ? 'Your role may not change this site.' : `The server refused the change: ${e.message}${e.field ? ` (${e.field})` : ''}`;
  }
}

function changed(inputs) { return inputs.some((i) => i.value !== i.dataset.saved); }

/* ---- FEMA 426/452 ---- */

function femaSection(page, rows) {
  const fields = new Map();
  const intro = 'Asset value, threat and vulnerability ratings, each 1–10 per threat scenario; risk = A × T × V (1–1000). The site scores its worst threat.';
  if (!rows.length) return methodForm(page, 'fema', 'FEMA 426/452 assessment', intro, el('p', { class: 'note' }, 'No FEMA assessment yet.'), fields, () => ({ items: [], errors: [], sentIndex: [] }));
  const riskCells = [];
  const body = rows.map((r, i) => {
    const riskCell = el('td', { class: 'num risk' });
    riskCells.push(riskCell);
    const tds = FEMA_FIELDS.map(([k, label]) => {
      const key = `items[${i}].${k}`;
      if (!page.editable) return el('td', { class: 'num' }, String(r[k]));
      const f = numberInput(`fema-${i}-${k}`, `${label}, ${threatName(r.threat_id)}`, { min: 1, max: 10, step: 1, inputmode: 'numeric', value: r[k], dataset: { field: key, saved: String(r[k]) } });
      fields.set(key, f);
      f.input.addEventListener('input', () => updateRisk(i));
      return el('td', {}, f.wrap);
    });
    return el('tr', {}, el('th', { scope: 'row' }, threatName(r.threat_id)), tds, riskCell);
  });
  function updateRisk(i) {
    const v = FEMA_FIELDS.map(([k]) => (page.editable ? Number(fields.get(`items[${i}].${k}`).input.value) : rows[i][k]));
    const ok = v.every((x) => Number.isInteger(x) && x >= 1 && x <= 10);
    riskCells[i].textContent = ok ? String(v[0] * v[1] * v[2]) : '—';
  }
  rows.forEach((_, i) => updateRisk(i));
  const table = el('div', { class: 'table-scroll' }, el('table', { class: 'table edit-table' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Threat scenario'), FEMA_FIELDS.map(([, l]) => el('th', { scope: 'col' }, l + ' (1–10)')), el('th', { scope: 'col' }, 'Risk'))),
    el('tbody', {}, body)));
  return methodForm(page, 'fema', 'FEMA 426/452 assessment', intro, table, fields, () => {
    const items = [];
    const errors = [];
    const sentIndex = [];
    rows.forEach((r, i) => {
      const row = { threat_id: r.threat_id };
      const inputs = [];
      for (const [k] of FEMA_FIELDS) {
        const key = `items[${i}].${k}`;
        const f = fields.get(key);
        inputs.push(f.input);
        const p = parseNumber(f, { integer: true, min: 1, max: 10 });
        if (p.error) errors.push([key, p.error === 'required' ? 'required (1–10)' : `must be ${p.error === 'a whole number' ? 'a whole number 1–10' : p.error}`]);
        else row[k] = p.value;
      }
      if (changed(inputs)) { sentIndex.push(i); items.push(row); }
    });
    return { items, errors, sentIndex };
  });
}

/* ---- CARVER + Shock ---- */

function carverSection(page, rows) {
  const fields = new Map();
  const intro = "Seven attributes scored 1–10 from an attacker's point of view; their sum (7–70) ranks attractiveness. It is not risk, so it is not on the matrix.";
  if (!rows.length) return methodForm(page, 'carver', 'CARVER + Shock', intro, el('p', { class: 'note' }, 'No CARVER + Shock assessment yet.'), fields, () => ({ items: [], errors: [], sentIndex: [] }));
  const r = rows[0];
  const sum = el('output', { class: 'carver-sum', 'aria-live': 'polite' });
  const update = () => {
    const v = CARVER_FIELDS.map(([k]) => (page.editable ? Number(fields.get(`items[0].${k}`).input.value) : r[k]));
    sum.textContent = v.every((x) => Number.isInteger(x) && x >= 1 && x <= 10) ? `Sum ${v.reduce((a, b) => a + b, 0)} of 70` : 'Sum —';
  };
  const grid = el('div', { class: 'carver-grid' }, CARVER_FIELDS.map(([k, label]) => {
    const key = `items[0].${k}`;
    if (!page.editable) return el('div', { class: 'carver-item' }, el('span', { class: 'carver-label' }, label), el('span', { class: 'carver-value' }, String(r[k])));
    const f = numberInput(`carver-${k}`, label, { min: 1, max: 10, step: 1, inputmode: 'numeric', value: r[k], dataset: { field: key, saved: String(r[k]) } });
    f.input.removeAttribute('aria-label');
    f.input.addEventListener('input', update);
    fields.set(key, f);
    return el('div', { class: 'carver-item' }, el('label', { for: f.input.id, class: 'carver-label' }, label), f.wrap);
  }));
  update();
  return methodForm(page, 'carver', 'CARVER + Shock', intro, [grid, sum], fields, () => {
    const row = {};
    const errors = [];
    for (const [k] of CARVER_FIELDS) {
      const key = `items[0].${k}`;
      const p = parseNumber(fields.get(key), { integer: true, min: 1, max: 10 });
      if (p.error) errors.push([key, p.error === 'required' ? 'required (1–10)' : `must be ${p.error === 'a whole number' ? 'a whole number 1–10' : p.error}`]);
      else row[k] = p.value;
    }
    const items = changed([...fields.values()].map((f) => f.input)) ? [row] : [];
    return { items, errors, sentIndex: [0] };
  });
}

/* ---- quantitative (RAMCAP / J100) ---- */

function quantSection(page, rows) {
  const fields = new Map();
  const intro = 'Per threat scenario a (min, most likely, max) range for each input; the Monte Carlo samples PERT distributions over them. Probabilities are 0–1; min ≤ most likely ≤ max.';
  if (!rows.length) return methodForm(page, 'quant', 'Quantitative assessment (RAMCAP / J100)', intro, el('p', { class: 'note' }, 'No quantitative assessment yet.'), fields, () => ({ items: [], errors: [], sentIndex: [] }));
  const blocks = rows.map((r, i) => {
    const head = el('tr', {}, el('th', { scope: 'col' }, 'Input'), RANGE.map((p) => el('th', { scope: 'col' }, p === 'mode' ? 'most likely' : p)));
    const trs = QUANT_FIELDS.map(([k, label, lim]) => el('tr', {},
      el('th', { scope: 'row' }, label),
      RANGE.map((p) => {
        const key = `items[${i}].${k}.${p}`;
        const v = r[k] ? r[k][p] : '';
        if (!page.editable) return el('td', { class: 'num' }, fmtPlain(v));
        const f = numberInput(`quant-${i}-${k}-${p}`, `${label}, ${p === 'mode' ? 'most likely' : p}, ${threatName(r.threat_id)}`,
          { min: 0, max: lim.max, step: 'any', inputmode: 'decimal', value: fmtPlain(v), dataset: { field: key, saved: fmtPlain(v) } });
        fields.set(key, f);
        return el('td', {}, f.wrap);
      })));
    return el('details', { class: 'quant-block', open: i < 2 },
      el('summary', {}, threatName(r.threat_id), el('span', { class: 'muted small' }, ` · P(attempt) ${fmtPlain(r.p_attempt.mode)} · P(success) ${fmtPlain(r.p_success.mode)} · loss ${eurWords(r.loss_eur.mode)}`)),
      el('div', { class: 'table-scroll' }, el('table', { class: 'table edit-table quant-table' }, el('thead', {}, head), el('tbody', {}, trs))));
  });
  return methodForm(page, 'quant', 'Quantitative assessment (RAMCAP / J100)', intro, blocks, fields, () => {
    const items = [];
    const errors = [];
    const sentIndex = [];
    rows.forEach((r, i) => {
      const row = { threat_id: r.threat_id };
      const inputs = [];
      for (const [k, , lim] of QUANT_FIELDS) {
        const range = {};
        let ok = true;
        for (const p of RANGE) {
          const key = `items[${i}].${k}.${p}`;
          const f = fields.get(key);
          inputs.push(f.input);
          const v = parseNumber(f, { min: 0, max: lim.max });
          if (v.error) { errors.push([key, v.error === 'required' ? 'required' : `must be ${v.error}`]); ok = false; } else range[p] = v.value;
        }
        if (ok && range.min > range.mode) { errors.push([`items[${i}].${k}.mode`, 'must not be below min']); ok = false; }
        if (ok && range.mode > range.max) { errors.push([`items[${i}].${k}.max`, 'must not be below the most likely value']); ok = false; }
        row[k] = range;
      }
      if (changed(inputs)) { sentIndex.push(i); items.push(row); }
    });
    // open the blocks that hold an error so the user sees it
    for (const [key] of errors) fields.get(key).input.closest('details').open = true;
    return { items, errors, sentIndex };
  });
}

function fmtPlain(v) {
  if (v === null || v === undefined || v === '') return '';
  return String(v);
}
