// filter.js - issue 16 items 5 and 1: the filter bar the dashboard (ranking, map, matrix), the
// register and the plan share (sector, region, kind, owner, band, TLP label), kept in the
// hash's query part so a link can be shared and a reload keeps it; "My sites" for operators.

import * as api from './api.js';
import { el, names, TLP_LEVELS, BANDS, tlpBadge } from './ui.js';

const LABELS = { sector: 'Sector', region: 'Region', kind: 'Kind', owner: 'Owner', band: 'Band', tlp: 'TLP label' };
/** In the page's URL only: the owner filter said to be "any owner" (the national view), so an
    operator's link to the national view is not read as its default, its own sites. */
const ANY = 'any';

/** An operator (an operator organisation's operators and admins) opens on its own sites; every
    other user (government, private security, NGO, viewers) on the national view. */
export function defaultsToMine(user) {
  return !!user && !!user.organisation && user.organisation.type === 'operator' &&
    (user.role === 'operator' || user.role === 'admin');
}

export function emptyFilter() {
  return Object.fromEntries(api.FILTER_KEYS.map((k) => [k, []]));
}

function hashQuery(hash) {
  const i = hash.indexOf('?');
  return i < 0 ? '' : hash.slice(i + 1);
}

/** The values of one key of the hash's query ('' when absent): split on raw commas, then decoded. */
export function hashParam(hash, key) {
  for (const part of hashQuery(hash).split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq) === key) {
      try { return decodeURIComponent(part.slice(eq + 1)); } catch (e) { return part.slice(eq + 1); }
    }
  }
  return '';
}

/** The filter a hash says ('#/register?sector=health&owner=mine'); without any filter key, the
    user's default (owner=mine for an operator). Values are split on raw commas, then decoded. */
export function readFilter(hash, user) {
  const f = emptyFilter();
  let given = false;
  for (const part of hashQuery(hash).split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const k = part.slice(0, eq);
    if (!api.FILTER_KEYS.includes(k)) continue;
    given = true;
    for (const raw of part.slice(eq + 1).split(',')) {
      let v;
      try { v = decodeURIComponent(raw); } catch (e) { v = raw; }
      v = v.trim();
      if (v && !f[k].includes(v)) f[k].push(v);
    }
  }
  f.owner = f.owner.filter((v) => v !== ANY);
  if (!given && defaultsToMine(user)) f.owner = ['mine'];
  return f;
}

export function isMine(f) { return f.owner.length === 1 && f.owner[0] === 'mine'; }
export function isEmpty(f) { return api.FILTER_KEYS.every((k) => !f[k].length); }

/** The hash of a view (base '#/', '#/register', '#/plan') with a filter and other parameters
    (extra: {method, budget, ...}); an empty owner is written `owner=any` whenever it would
    otherwise read as someone's default, so a shared link means the same for everyone. */
export function hrefFor(base, f, user, extra = {}) {
  const parts = [];
  for (const [k, v] of Object.entries(extra)) {
    if (v !== undefined && v !== null && v !== '') parts.push(`${k}=${encodeURIComponent(v)}`);
  }
  const q = api.filterQuery(f);
  if (q) parts.push(q);
  if (!f.owner.length && (q || defaultsToMine(user))) parts.push('owner=' + ANY);
  return base + (parts.length ? '?' + parts.join('&') : '');
}

/* The filter last read by a filtered view: the navigation's links to the other filtered views
   carry it (the filter is shared by the dashboard, the register and the plan). */
let last = null;
export function remember(f) { last = f; }
export function forget() { last = null; optionsCache = null; }
/** The navigation's link to a filtered view, with the filter last used. */
export function navHref(base, user) { return last ? hrefFor(base, last, user) : base; }

/** What the bar offers: the regions, owners, sectors and kinds of the sites the caller may see
    (read unmarked: the view is marked by what it shows), and the ids of the caller's own sites. */
export function filterOptions(user) {
  // kept a minute for the same user: every change of the filter draws the view again
  const who = user && user.name;
  if (optionsCache && optionsCache.who === who && Date.now() - optionsCache.at < OPTIONS_TTL_MS) return optionsCache.promise;
  const promise = readOptions(user);
  optionsCache = { who, at: Date.now(), promise };
  promise.catch(() => { if (optionsCache && optionsCache.promise === promise) optionsCache = null; });
  return promise;
}
const OPTIONS_TTL_MS = 60000;
let optionsCache = null;

async function readOptions(user) {
  const [sites, orgs] = await Promise.all([
    api.sitesUnmarked(),
    api.organisations().catch(() => ({ items: [] })),
  ]);
  const orgName = (user && user.organisation && user.organisation.name) || '';
  const byName = new Map(orgs.items.map((o) => [o.name, o]));
  const uniq = (xs) => [...new Set(xs.filter(Boolean))];
  const owners = uniq(sites.items.map((s) => s.owner)).filter((n) => n !== orgName && byName.has(n))
    .map((n) => byName.get(n)).sort((a, b) => a.name.localeCompare(b.name));
  return {
    sites: sites.items,
    regions: uniq(sites.items.map((s) => s.region)).sort(),
    sectors: uniq(sites.items.map((s) => s.sector)).sort((a, b) => sectorName(a).localeCompare(sectorName(b))),
    kinds: uniq(sites.items.map((s) => s.kind)).sort(),
    owners,
    orgNames: new Map(orgs.items.map((o) => [String(o.id), o.name])),
    mine: new Set(sites.items.filter((s) => orgName && s.owner === orgName).map((s) => s.id)),
  };
}

function sectorName(id) { return names.sectors.get(id) || id; }

/** A 400 that names a filter key: shown next to the bar instead of the view. */
export function isFilterError(err) {
  return !!err && err.status === 400 && api.FILTER_KEYS.includes(err.field);
}

/* The dimension last changed: the bar is drawn again with the view, and opens it again with
   the focus on the box the user changed, so several values are chosen in a row. */
let reopen = null;

/**
 * The filter bar. o: {user, f, base, extra, options, error (an ApiError naming a filter key),
 * csv: {href, tlp, label} (the server's CSV of what is shown, and its marking)}.
 */
export function filterBar(o) {
  const { user, f, base, extra = {}, options, error } = o;
  const go = (g) => { location.hash = hrefFor(base, g, user, extra); };
  const org = (user && user.organisation) || {};
  const valueName = {
    sector: sectorName,
    kind: (v) => names.kinds.get(v) || v,
    region: (v) => v,
    owner: (v) => (v === 'mine' ? `My organisation (${org.name || 'yours'})` : options.orgNames.get(v) || v),
    band: (v) => v,
    tlp: (v) => 'TLP:' + v,
  };
  const offered = {
    sector: options.sectors,
    region: options.regions,
    kind: options.kinds,
    owner: ['mine', ...options.owners.map((x) => String(x.id))],
    band: BANDS,
    tlp: TLP_LEVELS,
  };
  const dims = api.FILTER_KEYS.map((k) => {
    const values = [...offered[k], ...f[k].filter((v) => !offered[k].includes(v))];
    const chosen = f[k];
    const invalid = error && error.field === k;
    const summary = chosen.length === 0 ? 'any' : chosen.length === 1 ? valueName[k](chosen[0]) : `${chosen.length} chosen`;
    const boxes = values.map((v, i) => {
      const id = `filter-${k}-${i}`;
      const box = el('input', { type: 'checkbox', id, name: 'filter-' + k, value: v, checked: chosen.includes(v) });
      box.addEventListener('change', () => {
        const g = { ...f, [k]: box.checked ? [...chosen, v] : chosen.filter((x) => x !== v) };
        reopen = { key: k, value: v };
        go(g);
      });
      return el('label', { class: 'check', for: id }, box, ' ', valueName[k](v));
    });
    const d = el('details', { class: 'filter-dim' + (invalid ? ' invalid' : ''), dataset: { key: k } },
      el('summary', { dataset: { testid: 'filter-' + k } }, el('span', { class: 'filter-key' }, LABELS[k] + ': '), el('span', { class: 'filter-value' }, summary)),
      el('fieldset', { class: 'filter-choices' }, el('legend', { class: 'sr-only' }, LABELS[k]), boxes));
    if (reopen && reopen.key === k) {
      d.open = true;
      const i = values.indexOf(reopen.value);
      setTimeout(() => { const b = d.querySelector(`#filter-${k}-${i}`); if (b && b.isConnected) b.focus(); }, 0);
    }
    return d;
  });
  reopen = null;

  const mineCount = options.mine.size;
  let scope;
  if (isMine(f)) {
    scope = [
      el('span', { class: 'scope-badge scope-mine', dataset: { testid: 'scope' } }, 'My sites'),
      el('span', { class: 'muted' }, `the sites of ${org.name || 'your organisation'}`),
      el('a', { class: 'btn btn-small', href: hrefFor(base, { ...f, owner: [] }, user, extra), dataset: { testid: 'national-view' } }, 'Show the national view'),
    ];
  } else {
    scope = [
      el('span', { class: 'scope-badge', dataset: { testid: 'scope' } }, f.owner.length ? 'Chosen owners' : 'National view'),
      mineCount && !f.owner.length ? el('span', { class: 'muted' }, 'your organisation\'s sites are marked ', el('span', { class: 'mine-badge' }, 'yours')) : null,
      mineCount || defaultsToMine(user)
        ? el('a', { class: 'btn btn-small', href: hrefFor(base, { ...f, owner: ['mine'] }, user, extra), dataset: { testid: 'my-sites' } }, 'Show my sites only')
        : null,
    ];
  }
  const errText = error ? `${LABELS[error.field] || error.field}: ${error.detail || error.message}` : '';
  const bar = el('section', { class: 'panel filter-bar', 'aria-label': 'Filter the sites', dataset: { testid: 'filter-bar' } },
    el('div', { class: 'filter-scope' }, scope),
    el('div', { class: 'filter-dims' }, dims,
      isEmpty(f) ? null : el('a', { class: 'filter-clear', href: hrefFor(base, emptyFilter(), user, extra), dataset: { testid: 'filter-clear' } }, 'Clear the filter')),
    el('p', { class: 'form-error', id: 'filter-error', role: 'alert', dataset: { testid: 'filter-error' } }, errText),
    o.csv ? csvLink(o.csv) : null);
  // one dimension open at a time; Escape closes it and gives the focus back to its summary
  for (const d of dims) {
    d.addEventListener('toggle', () => { if (d.open) for (const x of dims) if (x !== d) x.open = false; });
  }
  bar.addEventListener('keydown', (ev) => {
    const d = ev.key === 'Escape' && ev.target.closest('details[open]');
    if (d) { d.open = false; d.querySelector('summary').focus(); }
  });
  return bar;
}

/* A click elsewhere on the page closes an open dimension of the bar. */
document.addEventListener('click', (ev) => {
  for (const d of document.querySelectorAll('.filter-dim[open]')) if (!d.contains(ev.target)) d.open = false;
});

/** "Download CSV" of what a view shows, the marking the file carries said next to it. */
export function csvLink(c) {
  const tlp = String(c.tlp || 'TLP:CLEAR').replace(/^TLP:/, '');
  return el('div', { class: 'csv-download' },
    el('a', { class: 'btn btn-small', href: c.href, download: '', dataset: { testid: c.testid || 'csv' } }, c.label || 'Download CSV'),
    el('span', { class: 'small muted' }, 'marked'), tlpBadge(tlp));
}

/** The note a view shows when its filtered answer is empty. */
export function emptyNote(f, base, user, extra, what) {
  return el('p', { class: 'note', dataset: { testid: 'filter-empty' } },
    `No ${what || 'site'} you may see matches this filter. `,
    el('a', { href: hrefFor(base, emptyFilter(), user, extra) }, 'Clear the filter'),
    isMine(f) ? [' or ', el('a', { href: hrefFor(base, { ...f, owner: [] }, user, extra) }, 'show the national view')] : null,
    '.');
}
