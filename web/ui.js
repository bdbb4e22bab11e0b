// ui.js - small DOM helpers, number formats, TLP and band badges shared by every view.
// Text from the server only ever goes into the page as text (never as HTML).

/** Build an element: el('a', {href: '#/', class: 'x'}, 'text', child, ...). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k === 'style') node.style.cssText = v;   // CSSOM: allowed by a strict style-src
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k === 'text') node.textContent = v;
    else if (v === true) node.setAttribute(k, '');
    else node.setAttribute(k, String(v));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(node, c);
    else node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replace the children of a node. */
export function put(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/* ---- numbers ---- */

const nf0 = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const nf1 = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

export function num(x) { return x === null || x === undefined || !Number.isFinite(x) ? '—' : nf0.format(x); }

/** EUR with a thousands separator, shortened above a million: "€ 1.2 M". */
export function eur(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  if (a >= 1e9) return '€' + nf1.format(x / 1e9) + ' bn';
  if (a >= 1e6) return '€' + nf1.format(x / 1e6) + ' M';
  return '€' + nf0.format(x);
}

/** issue 16, item 2: EUR for reading: "EUR 12.5 million", "EUR 1.2 billion", "EUR 950,000". */
export function eurWords(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  if (a >= 1e9) return 'EUR ' + nf1.format(x / 1e9) + ' billion';
  if (a >= 1e6) return 'EUR ' + nf1.format(x / 1e6) + ' million';
  return 'EUR ' + nf0.format(x);
}

/** issue 16, item 2: a count of people for reading: "1,200 people", "1 person". */
export function people(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return nf0.format(x) + (x === 1 ? ' person' : ' people');
}

export function pct(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return nf0.format(x * 100) + '%';
}

/* ---- methods ---- */

export const METHODS = {
  quant: { label: 'Quantitative', long: 'Quantitative (RAMCAP / J100)', unit: 'expected loss, EUR a year', fmt: eur },
  fema: { label: 'FEMA 426/452', long: 'Semi-quantitative (FEMA 426/452)', unit: 'risk A × T × V, 1–1000', fmt: num },
  carver: { label: 'CARVER + Shock', long: "Attacker's view (CARVER + Shock)", unit: 'attractiveness, 7–70', fmt: num },
};

export function scoreText(method, x) { return METHODS[method].fmt(x); }

/* ---- TLP 2.0 and bands ---- */

export const TLP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];
const TLP_MEANING = {
  CLEAR: 'disclosure is not limited',
  GREEN: 'limited disclosure, the community may see it',
  AMBER: 'limited to the owner, its partners and government coordinators and analysts',
  'AMBER+STRICT': 'limited to the owning organisation only',
  RED: 'for the named recipients only',
};

/** A TLP 2.0 label in its FIRST colours (coloured text on black). */
export function tlpBadge(tlp) {
  const t = TLP_LEVELS.includes(tlp) ? tlp : 'CLEAR';
  return el('span', {
    class: 'tlp tlp-' + t.replace('+', '-').toLowerCase(),
    title: `TLP:${t}: ${TLP_MEANING[t]}`,
  }, 'TLP:' + t);
}

export const BANDS = ['low', 'medium', 'high', 'very high'];

export function bandClass(band) {
  return 'band-' + String(band || 'none').replace(/\s+/g, '-');
}

export function bandBadge(band, method) {
  const label = method === 'carver' ? `${band} attractiveness` : band;
  return el('span', { class: 'band ' + bandClass(band) }, label || '—');
}

/* ---- threat level ---- */

export const LEVELS = ['LOW', 'MODERATE', 'SUBSTANTIAL', 'SEVERE', 'CRITICAL'];
export const LEVEL_MEANING = {
  LOW: 'an attack is highly unlikely',
  MODERATE: 'an attack is possible but not likely',
  SUBSTANTIAL: 'an attack is likely',
  SEVERE: 'an attack is highly likely',
  CRITICAL: 'an attack is highly likely in the near future',
};

/* ---- messages ---- */

let toastTimer = null;
/** A short message at the bottom of the screen, read out by screen readers. */
export function toast(message, kind = 'ok') {
  const t = document.getElementById('toast');
  t.className = 'toast show ' + kind;
  t.textContent = message;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.className = 'toast'; }, 6000);
}

/** A panel saying something went wrong, for a view that could not load. */
export function errorPanel(err) {
  const notFound = err && err.status === 404;
  return el('section', { class: 'panel error-panel', role: 'alert' },
    el('h1', {}, notFound ? 'Not found' : 'Something went wrong'),
    el('p', {}, notFound ? 'There is no such record, or you may not see it.' : String(err && err.message || err)),
    el('p', {}, el('a', { href: '#/' }, 'Back to the dashboard')));
}

/** Names for catalogue ids, filled once after log-in. */
export const names = { threats: new Map(), sectors: new Map(), kinds: new Map() };
export function threatName(id) { return names.threats.get(id) || id || '—'; }
/** Issue 11 item 10: a site's worst threats, every tied one in catalogue order ("A and B", "A, B and C"). */
export function worstThreatNames(it) {
  const ids = Array.isArray(it.worst_threats) && it.worst_threats.length ? it.worst_threats : [it.worst_threat];
  const n = ids.map(threatName);
  return n.length > 1 ? n.slice(0, -1).join(', ') + ' and ' + n[n.length - 1] : n[0];
}
