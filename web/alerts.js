// alerts.js - the public alerts view (issue 13, #/alerts): a composer (template, site, radius,
// languages, status, generic area, duration; the area on a map; a preview per language with its
// cell-broadcast page count), the approval step (a second person), and the chains of messages.

import * as api from './api.js';
import { el, put, toast, num } from './ui.js';
import { canComposeAlerts } from './roles.js';

const LANGS = [['en', 'English'], ['mk', 'Macedonian'], ['sq', 'Albanian']];
const LANG_NAME = Object.fromEntries(LANGS);
const STATUSES = {
  Actual: 'a real alert: stored pending until a second person approves it, then public',
  Exercise: 'issued at once, "EXERCISE" before every headline, never in the public feed',
  Test: 'issued at once, a technical test, never in the public feed',
};
const REVEALING = new Set(['AMBER', 'AMBER+STRICT', 'RED']);
const GENERIC_HELP = 'Does not give the site\'s name (the template\'s generic wording names the region only) and coarsens the circle: its centre is moved to a grid and its radius enlarged.';
const PREVIEW_DELAY_MS = 450;   // the preview is asked for this long after the last change
const CAP_NS = 'urn:oasis:names:tc:emergency:cap:1.2';

/** A CAP date-time ("2026-12-01T10:00:00-00:00") or an ISO time as people read it, in UTC. */
function when(s) {
  if (!s) return '—';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return String(s);
  return d.toLocaleString('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }) + ' UTC';
}

// Issue 13 review: the settings the page cannot read (there is no settings API): the documented
// defaults, named as such wherever they are used.
const APPROVAL_MIN_DEFAULT = 30;     // alert.approval_min: approval is refused this long after composition
const UTC_OFFSET_MIN_DEFAULT = 60;   // alert.utc_offset_min: the local time the texts write times in

/** What a message says about its site: its name, or "a site you may not see" (site_withheld). */
export function siteLabel(a) {
  if (a && a.site_withheld) return 'a site you may not see';
  return (a && (a.site_name || a.site_id)) || '—';
}

/** The time a CAP date-time is in local time as the texts write it: "10:20 (05.12.2026)". */
function localText(s, offMin) {
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return String(s);
  const l = new Date(d.getTime() + offMin * 60000);
  const p = (x) => String(x).padStart(2, '0');
  return `${p(l.getUTCHours())}:${p(l.getUTCMinutes())} (${p(l.getUTCDate())}.${p(l.getUTCMonth() + 1)}.${l.getUTCFullYear()})`;
}

/** "UTC+01:00" for an offset in minutes. */
function offsetName(m) {
  const a = Math.abs(m);
  return `UTC${m < 0 ? '−' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** The sentence on the expiry's zone: the page shows UTC, the texts local time. */
function expiryNote(expires) {
  return `In the texts the expiry is ${localText(expires, UTC_OFFSET_MIN_DEFAULT)}, in local time (${offsetName(UTC_OFFSET_MIN_DEFAULT)}: the setting alert.utc_offset_min unless changed).`;
}

/** SHA-256 of a string's UTF-8 bytes in hex, or null where the browser has no WebCrypto. */
async function sha256Hex(text) {
  if (!window.crypto || !window.crypto.subtle || typeof text !== 'string') return null;
  try {
    const h = await window.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
    return [...new Uint8Array(h)].map((b) => b.toString(16).padStart(2, '0')).join('');
  } catch (e) { return null; }
}

/** A circle "lat,lon km" as {lat, lon, km}, or null. */
function parseCircle(c) {
  const m = c && /^\s*(-?[\d.]+),(-?[\d.]+)\s+([\d.]+)\s*$/.exec(c);
  return m ? { lat: Number(m[1]), lon: Number(m[2]), km: Number(m[3]) } : null;
}

/** A polygon "lat,lon lat,lon ..." as [[lat, lon], ...], or null. */
function parsePolygon(p) {
  if (!p) return null;
  const pts = p.trim().split(/\s+/).map((x) => x.split(',').map(Number));
  return pts.length >= 4 && pts.every((q) => q.length === 2 && q.every(Number.isFinite)) ? pts : null;
}

/** The area of a message's texts in words: "a circle of 3 km around 47.1268, -11.9650". */
function areaWords(t) {
  const info = t && t.infos[0];
  if (!info) return '—';
  if (info.polygons.length) {
    const pts = parsePolygon(info.polygons[0]);
    return `a polygon of ${pts ? pts.length - 1 : '?'} corners (${info.polygons[0]})`;
  }
  const c = parseCircle(info.circles[0]);
  return c ? `a circle of ${c.km.toLocaleString('en-GB')} km around ${c.lat.toFixed(4)}, ${c.lon.toFixed(4)}` : '—';
}

/** Ask a question in a modal dialog; resolves true for the confirming button. */
export function confirmDialog({ title, body, ok, testid }) {
  return new Promise((resolve) => {
    const id = `al-confirm-${Math.random().toString(36).slice(2, 8)}`;
    const dlg = el('dialog', { class: 'dialog al-confirm', 'aria-labelledby': id, dataset: { testid: testid || 'al-confirm' } },
      el('form', { method: 'dialog', class: 'form' },
        el('h2', { id }, title),
        body,
        el('div', { class: 'actions' },
          el('button', { type: 'submit', value: 'back', class: 'btn btn-quiet' }, 'Back'),
          el('button', { type: 'submit', value: 'ok', class: 'btn btn-primary', dataset: { testid: 'al-confirm-ok' } }, ok))));
    document.body.append(dlg);
    dlg.addEventListener('close', () => { const yes = dlg.returnValue === 'ok'; dlg.remove(); resolve(yes); });
    dlg.showModal();
  });
}

/** The region's outline on a Leaflet map (as on the other maps), fitted to the region. */
function baseMap(L, box, outline, sites, opts = {}) {
  // no animations: a card's map is removed when the list is drawn again, and an animation still
  // running on a removed map throws inside Leaflet
  const map = L.map(box, Object.assign({ attributionControl: false, zoomSnap: 0.25, minZoom: 7, maxZoom: 16, scrollWheelZoom: false, zoomAnimation: false, fadeAnimation: false, markerZoomAnimation: false }, opts));
  const regionFeature = outline && outline.features.find((f) => f.properties && f.properties.kind === 'region');
  const located = (sites || []).filter((x) => Number.isFinite(x.lat) && Number.isFinite(x.lon));
  let bounds = regionFeature ? L.geoJSON(regionFeature).getBounds() : null;
  if (!bounds && located.length) bounds = L.latLngBounds(located.map((x) => [x.lat, x.lon])).pad(0.15);
  if (bounds) map.fitBounds(bounds, { padding: [8, 8] }); else map.setView([47.1, -12.0], 10);
  if (outline) {
    L.geoJSON(outline, {
      style: (f) => ({ water: { color: '#7fa6c0', weight: 1, fillColor: '#cfe3ef', fillOpacity: 1 }, district_boundary: { color: '#9c9584', weight: 1.2, dashArray: '5 5', fill: false } }[f.properties && f.properties.kind] || { color: '#6f6a5c', weight: 1.5, fillColor: '#f4f1e6', fillOpacity: 1 }),
      filter: (f) => f.properties && f.properties.kind !== 'district_label',
      interactive: false,
    }).addTo(map);
  }
  const ro = new ResizeObserver(() => { if (box.isConnected && map._loaded) map.invalidateSize(); });
  ro.observe(box);
  map.on('unload', () => ro.disconnect());
  return map;
}

/** A message's area (its texts' first circle or polygon) as a Leaflet layer, or null. */
function areaLayer(L, t, style) {
  const info = t && t.infos[0];
  if (!info) return null;
  const pts = parsePolygon(info.polygons[0]);
  if (pts) return L.polygon(pts, Object.assign({ interactive: false }, style));
  const c = parseCircle(info.circles[0]);
  return c && c.km > 0 ? L.circle([c.lat, c.lon], Object.assign({ radius: c.km * 1000, interactive: false }, style)) : null;
}

/** "2 of 4 pages, UCS-2" (cb: one language's cell-broadcast figures). */
function pagesText(cb) {
  return `${num(cb.pages)} of ${num(cb.max_pages)} ${cb.max_pages === 1 ? 'page' : 'pages'}, ${cb.ucs2 ? 'UCS-2' : 'GSM-7'}`;
}

/** The texts of a CAP message, read from its XML with DOMParser (as XML: text only, never HTML):
    {note, infos: [{language, event, headline, description, instruction, areaDesc, circles, polygons}],
    error}: error is the parser's message when the XML does not parse (then there are no texts). */
export function capTexts(xml) {
  const out = { note: '', infos: [], error: null };
  if (!xml) return out;
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const perr = doc.getElementsByTagName('parsererror');
  if (perr.length) {
    // Chromium wraps the parser's words in a div between two headings of its own
    const words = perr[0].querySelector('div') || perr[0];
    out.error = (words.textContent || 'not well-formed XML').replace(/\s+/g, ' ').trim().slice(0, 300);
    return out;
  }
  const kids = (node, name) => [...node.children].filter((c) => c.localName === name && (!c.namespaceURI || c.namespaceURI === CAP_NS));
  const text = (node, name) => { const k = kids(node, name)[0]; return k ? k.textContent : ''; };
  const root = doc.documentElement;
  out.note = text(root, 'note');
  for (const info of kids(root, 'info')) {
    const area = kids(info, 'area')[0];
    out.infos.push({
      language: text(info, 'language') || 'en-US',
      event: text(info, 'event'),
      headline: text(info, 'headline'),
      description: text(info, 'description'),
      instruction: text(info, 'instruction'),
      areaDesc: area ? text(area, 'areaDesc') : '',
      circles: area ? kids(area, 'circle').map((c) => c.textContent) : [],
      polygons: area ? kids(area, 'polygon').map((c) => c.textContent) : [],
    });
  }
  return out;
}

export async function renderAlerts(main, ctx) {
  const token = ctx.token;
  const composer = canComposeAlerts(ctx.user);
  const [list, templates, sites, outline] = await Promise.all([
    api.alerts(),
    composer ? api.alertTemplates() : Promise.resolve({ templates: [] }),
    composer ? api.sites() : Promise.resolve({ items: [] }),
    composer ? api.regionOutline() : Promise.resolve(null),
  ]);
  if (token !== ctx.token) return;
  const feedUrl = list.feed_url || api.ALERT_FEED_URL;
  const pendingBox = el('div', { dataset: { testid: 'alert-pending' } });
  const chainsBox = el('div', { dataset: { testid: 'alert-chains' } });
  const state = { list, composerApi: null };

  const head = el('div', { class: 'page-head' },
    el('h1', {}, 'Public alerts'),
    el('a', { href: feedUrl, class: 'btn btn-quiet btn-link', dataset: { testid: 'alert-feed-link' }, target: '_blank', rel: 'noopener' }, 'Public feed (Atom)'));
  const intro = el('section', { class: 'panel res-intro', 'aria-label': 'About public alerts' },
    el('p', {}, 'Public alerts are CAP 1.2 messages for warning systems, cell broadcast and alert aggregators, one block per language.'),
    el('p', {}, composer
      ? 'An Actual alert is stored pending: a second person (a public information officer or a government coordinator other than its composer) approves exactly what was composed, and only then is it issued and in the public feed. Exercise and Test messages issue at once and never reach the public feed.'
      : 'You see the alerts issued to the public. Public information officers and government coordinators compose them; a second person approves each before it is issued.'));

  // an all clear is an Update with an all-clear template (readers have no template list: its id)
  const allClearIds = new Set((templates.templates || []).filter((t) => t.all_clear).map((t) => t.id));
  if (!allClearIds.size) allClearIds.add('all-clear');
  if (!composer) {
    put(main, head, intro,
      el('section', { class: 'panel', 'aria-labelledby': 'al-chains-title' },
        el('h2', { id: 'al-chains-title' }, 'Issued alerts'), chainsBox));
    drawChains(chainsBox, list.alerts, { actions: false, allClearIds });
    return;
  }

  const compose = composerView(ctx, templates.templates || [], sites.items || [], outline, async () => {
    await reload();
  });
  state.composerApi = compose;
  put(main, head, intro, compose.node,
    el('section', { class: 'panel', 'aria-labelledby': 'al-pending-title' },
      el('h2', { id: 'al-pending-title' }, 'Awaiting approval'), pendingBox),
    el('section', { class: 'panel', 'aria-labelledby': 'al-chains-title' },
      el('h2', { id: 'al-chains-title' }, 'Alerts and their chains'), chainsBox));
  compose.start();

  async function reload() {
    const fresh = await api.alerts();
    if (token !== ctx.token) return;
    state.list = fresh;
    await drawAll();
  }

  async function drawAll() {
    const all = state.list.alerts || [];
    const pending = all.filter((a) => a.state === 'pending');
    // the exact text of each pending message (its XML: what the approver approves)
    // ... the message it updates or cancels (what changes), and the hash of the text shown
    const full = await Promise.all(pending.map(async (a) => {
      const m = await api.alert(a.identifier).catch((e) => Object.assign({}, a, { readError: e.message }));
      const prev = m.references ? await api.alert(m.references).catch(() => null) : null;
      return { a: m, prev, hash: m.xml ? await sha256Hex(m.xml) : null };
    }));
    if (token !== ctx.token) return;
    drawPending(pendingBox, full, ctx, reload, { outline, sites: sites.items || [], templates: templates.templates || [] });
    drawChains(chainsBox, all, {
      actions: true,
      allClearIds,
      onUpdate: (msg, allClear) => compose.updateFrom(msg, allClear),
      onCancel: (msg) => cancelDialog(msg, reload),
    });
  }
  await drawAll();
}

/* ---- the composer ---- */

function composerView(ctx, templates, sites, outline, onDone) {
  const st = { seq: 0, timer: null, preview: null, map: null, circle: null, marker: null, mode: null, failed: null };
  const byId = new Map(sites.map((s) => [s.id, s]));
  const tplById = new Map(templates.map((t) => [t.id, t]));
  const tplName = (t) => {
    const en = (t.languages || []).find((l) => l.language === 'en') || (t.languages || [])[0];
    return `${en ? en.event : t.id} (${t.id})`;
  };

  const fieldErr = (id) => el('span', { class: 'field-error', id, role: 'alert' });
  // an all-clear template is an update of an alert only: offered in that mode (All clear, Update)
  const tplSel = el('select', { id: 'al-template', name: 'template', 'aria-describedby': 'al-template-err' },
    templates.map((t) => el('option', { value: t.id, dataset: { allClear: t.all_clear ? '1' : '' } }, tplName(t) + (t.all_clear ? ' — only as an update' : ''))));
  const firstAlert = templates.find((t) => !t.all_clear);
  if (firstAlert) tplSel.value = firstAlert.id;
  const allClearOptions = () => {
    for (const o of tplSel.options) if (o.dataset.allClear) o.disabled = !st.mode;
    if (!st.mode && tplSel.selectedOptions[0] && tplSel.selectedOptions[0].disabled && firstAlert) {
      tplSel.value = firstAlert.id;
      applyTemplate(firstAlert);
    }
  };
  const siteSel = el('select', { id: 'al-site', name: 'site_id', 'aria-describedby': 'al-site-help al-site-err' },
    el('option', { value: '' }, 'Choose a site…'),
    sites.slice().sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }))
      .map((s) => el('option', { value: s.id }, `${s.id} — ${s.name} (TLP:${s.tlp})`)));
  const radius = el('input', { type: 'number', id: 'al-radius', name: 'radius_km', min: '0.1', max: '100', step: '0.1', inputmode: 'decimal', 'aria-describedby': 'al-radius-err' });
  const duration = el('input', { type: 'number', id: 'al-duration', name: 'duration_h', min: '1', max: '168', step: '1', inputmode: 'numeric', 'aria-describedby': 'al-duration-help al-duration-err' });
  const polygon = el('input', { type: 'text', id: 'al-polygon', name: 'polygon', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'al-polygon-help al-polygon-err' });
  const langBoxes = LANGS.map(([code, name]) => el('input', { type: 'checkbox', id: `al-lang-${code}`, name: 'languages', value: code, checked: true }));
  const statusRadios = Object.keys(STATUSES).map((s) => el('input', { type: 'radio', id: `al-status-${s.toLowerCase()}`, name: 'al-status', value: s, checked: s === 'Actual' }));
  const generic = el('input', { type: 'checkbox', id: 'al-generic', name: 'generic_area', 'aria-describedby': 'al-generic-help' });
  const genericHelp = el('p', { class: 'help', id: 'al-generic-help' },
    GENERIC_HELP);
  const genericBox = el('div', { class: 'field al-generic', dataset: { testid: 'al-generic-box' } },
    el('label', { class: 'check', for: 'al-generic' }, generic, 'Generic area (do not name the site)'), genericHelp);
  const note = el('textarea', { id: 'al-note', name: 'note', rows: 2, maxlength: 500, 'aria-describedby': 'al-note-help' });
  const errs = {
    template: fieldErr('al-template-err'), site_id: fieldErr('al-site-err'), radius_km: fieldErr('al-radius-err'),
    duration_h: fieldErr('al-duration-err'), languages: fieldErr('al-lang-err'), status: fieldErr('al-status-err'),
    polygon: fieldErr('al-polygon-err'),
  };
  const modeLine = el('div', { class: 'al-mode', dataset: { testid: 'al-mode' }, hidden: true });
  const submitBtn = el('button', { type: 'submit', class: 'btn btn-primary', dataset: { testid: 'al-submit' } }, 'Submit for approval');
  const formErr = el('p', { class: 'form-error', role: 'alert', id: 'al-error' });
  const status = el('p', { class: 'form-status plan-status', role: 'status', 'aria-live': 'polite', dataset: { testid: 'al-status' } });
  const warningsBox = el('div', { class: 'al-warnings', role: 'status', 'aria-live': 'polite', dataset: { testid: 'al-warnings' } });
  const previewBox = el('div', { class: 'al-preview', dataset: { testid: 'al-preview' } },
    el('p', { class: 'muted' }, 'Choose a site: the preview of each language appears here.'));
  const mapBox = el('div', { class: 'map al-map', id: 'al-map', role: 'region', 'aria-label': 'The alert area on the map' });
  const mapCaption = el('p', { class: 'muted small', dataset: { testid: 'al-map-caption' } });

  const form = el('form', { class: 'form al-form', novalidate: true, 'aria-labelledby': 'al-compose-title' },
    modeLine,
    el('div', { class: 'field' }, el('label', { for: 'al-template' }, 'Template'), tplSel, errs.template),
    el('div', { class: 'field' }, el('label', { for: 'al-site' }, 'Site'), siteSel,
      el('p', { class: 'help', id: 'al-site-help' }, 'The sites you may see; the area is a circle around the site.'), errs.site_id),
    el('div', { class: 'al-row' },
      el('div', { class: 'field' }, el('label', { for: 'al-radius' }, 'Radius (km)'), radius, errs.radius_km),
      el('div', { class: 'field' }, el('label', { for: 'al-duration' }, 'Duration (hours)'), duration,
        el('p', { class: 'help', id: 'al-duration-help' }, 'The alert expires this long after it is composed.'), errs.duration_h)),
    el('div', { class: 'field' }, el('label', { for: 'al-polygon' }, 'Area as a polygon (optional)'), polygon,
      el('p', { class: 'help', id: 'al-polygon-help' }, 'Corners as "lat,lon lat,lon …", the last one equal to the first; replaces the circle. An update or all clear starts from the previous message\'s area.'), errs.polygon),
    el('fieldset', { class: 'al-set', 'aria-describedby': 'al-lang-err' },
      el('legend', {}, 'Languages'),
      el('div', { class: 'al-checks' }, LANGS.map(([code, name], i) => el('label', { class: 'check', for: `al-lang-${code}` }, langBoxes[i], `${name} (${code})`))),
      errs.languages),
    el('fieldset', { class: 'al-set', 'aria-describedby': 'al-status-err' },
      el('legend', {}, 'Status'),
      Object.keys(STATUSES).map((s, i) => el('label', { class: 'check al-status-opt', for: statusRadios[i].id }, statusRadios[i],
        el('span', {}, el('strong', {}, s), el('span', { class: 'muted small' }, ` — ${STATUSES[s]}`)))),
      errs.status),
    genericBox,
    el('div', { class: 'field' }, el('label', { for: 'al-note' }, 'Note (optional)'), note,
      el('p', { class: 'help', id: 'al-note-help' }, 'Written into the message\'s CAP note: the approver reads it, and so may anyone who reads the published CAP XML; phones do not show it.')),
    warningsBox,
    formErr,
    el('div', { class: 'actions al-actions' }, status, submitBtn));

  const node = el('section', { class: 'panel al-compose', 'aria-labelledby': 'al-compose-title', dataset: { testid: 'al-compose' } },
    el('h2', { id: 'al-compose-title' }, 'Compose an alert'),
    el('div', { class: 'al-grid' },
      form,
      el('div', { class: 'al-side' }, mapBox, mapCaption)),
    el('h3', { class: 'al-preview-title' }, 'Preview, per language'),
    previewBox);

  const statusValue = () => (statusRadios.find((r) => r.checked) || statusRadios[0]).value;
  const languages = () => langBoxes.filter((b) => b.checked).map((b) => b.value);

  function applyTemplate(t) {
    // an update or all clear keeps the previous message's area and duration (the server does too
    // for what is not sent): an all clear covers at least the area that was warned
    if (!t || st.mode) return;
    if (t.radius_km !== undefined && t.radius_km !== null) radius.value = String(t.radius_km);
    if (t.duration_h !== undefined && t.duration_h !== null) duration.value = String(t.duration_h);
  }

  function drawMode() {
    allClearOptions();
    submitBtn.textContent = statusValue() === 'Actual' ? 'Submit for approval' : statusValue() === 'Exercise' ? 'Issue exercise' : 'Issue test';
    if (!st.mode) { modeLine.hidden = true; put(modeLine); return; }
    modeLine.hidden = false;
    put(modeLine,
      el('span', {}, st.mode.allClear ? 'All clear for ' : 'Update of ', el('code', {}, st.mode.id),
        ` (${st.mode.siteName || st.mode.siteId}). The area and duration are the previous message's (${st.mode.areaText}, ${num(st.mode.duration)} h); fields left as they are keep its values.`,
        st.mode.allClear ? ' An all clear must cover at least the area that was warned.' : ''),
      el('button', { type: 'button', class: 'btn btn-small btn-quiet', onclick: () => { st.mode = null; siteSel.disabled = false; polygon.value = ''; applyTemplate(tplById.get(tplSel.value)); drawMode(); schedule(); } }, 'Compose a new alert instead'));
  }

  /* the site's TLP label: AMBER and above are offered the generic area before the preview says so */
  function drawGeneric(warnings) {
    const s = byId.get(siteSel.value);
    const reveals = (warnings || []).find((w) => w.code === 'reveals_site');
    const offer = reveals || (s && REVEALING.has(s.tlp));
    genericBox.classList.toggle('al-offer', !!offer);
    put(genericHelp, offer
      ? [el('strong', {}, s ? `This site is TLP:${s.tlp}: ` : 'This site is not public: '),
        generic.checked ? `the alert does not give the site's name (the template's generic wording names the region only), and its circle is coarsened: the centre is moved to a grid and the radius enlarged, so the area does not point at the site.`
          : 'a public alert gives its name, and its circle is centred on the site. Tick "Generic area": the alert then does not give the site\'s name and the circle is coarsened (centre moved to a grid, radius enlarged).']
      : GENERIC_HELP);
  }

  function body() {
    const b = {
      template: tplSel.value,
      site_id: siteSel.value,
      languages: languages(),
      status: statusValue(),
      generic_area: generic.checked,
    };
    const r = radius.value.trim();
    const d = duration.value.trim();
    const g = polygon.value.trim().replace(/\s+/g, ' ');
    const pre = st.mode && st.mode.prefill;
    // an update sends only what changed: what is left out is the previous message's (docs/api.md)
    if (g !== '' && !(pre && g === pre.polygon)) b.polygon = g;
    else if (g === '' && r !== '' && !(pre && !pre.polygon && r === pre.radius)) b.radius_km = Number(r);
    if (d !== '' && !(pre && d === pre.duration)) b.duration_h = Number(d);
    if (note.value.trim()) b.note = note.value.trim();
    return b;
  }

  function clearErrors() {
    formErr.textContent = '';
    for (const [k, e] of Object.entries(errs)) {
      e.textContent = '';
      const input = { template: tplSel, site_id: siteSel, radius_km: radius, duration_h: duration, polygon }[k];
      if (input) input.removeAttribute('aria-invalid');
    }
  }

  function showError(e) {
    const target = errs[e.field];
    if (e.status === 400 && target) {
      target.textContent = e.detail || e.message;
      const input = { template: tplSel, site_id: siteSel, radius_km: radius, duration_h: duration, polygon }[e.field];
      if (input) input.setAttribute('aria-invalid', 'true');
    } else if (e.status === 404 && (e.field === 'site' || e.field === 'site_id')) {
      errs.site_id.textContent = 'There is no such site, or you may not see it.';
    } else {
      formErr.textContent = e.message;
    }
  }

  function schedule() {
    clearTimeout(st.timer);
    drawMode();
    drawGeneric(st.preview && st.preview.warnings);
    drawArea(st.preview);
    st.timer = setTimeout(preview, PREVIEW_DELAY_MS);
  }

  async function preview() {
    clearErrors();
    if (!siteSel.value) {
      st.preview = null;
      st.failed = null;
      put(previewBox, el('p', { class: 'muted' }, 'Choose a site: the preview of each language appears here.'));
      put(warningsBox);
      status.textContent = '';
      return;
    }
    if (!languages().length) { errs.languages.textContent = 'Choose at least one language.'; return; }
    const me = ++st.seq;
    const b = body();
    if (st.mode) b.updates = st.mode.id;
    previewBox.setAttribute('aria-busy', 'true');
    previewBox.classList.add('is-busy');
    status.textContent = 'Composing the preview…';
    try {
      const p = await api.previewAlert(b);
      if (me !== st.seq) return;
      st.preview = p;
      st.failed = null;
      status.textContent = '';
      drawPreview(p);
      drawGeneric(p.warnings);
      drawArea(p);
    } catch (e) {
      if (me !== st.seq) return;
      status.textContent = '';
      st.preview = null;
      st.failed = e.message;
      // the server's own words, and a map without the area of an earlier preview
      put(previewBox, el('p', { class: 'form-error al-refusal', dataset: { testid: 'al-preview-error' } }, 'No preview: ', e.message));
      put(warningsBox);
      showError(e);
      drawArea(null);
    } finally {
      if (me === st.seq) { previewBox.removeAttribute('aria-busy'); previewBox.classList.remove('is-busy'); }
    }
  }

  function drawPreview(p) {
    const texts = capTexts(p.xml);
    const cbBy = new Map((p.cb || []).map((c) => [c.language, c]));
    put(warningsBox, (p.warnings || []).length
      ? el('ul', { class: 'al-warning-list', 'aria-label': 'Warnings' }, p.warnings.map((w) => el('li', { class: 'al-warning', dataset: { code: w.code } },
        el('strong', {}, 'Warning: '), w.message)))
      : null);
    put(previewBox, texts.infos.length ? el('div', { class: 'al-langs' }, texts.infos.map((info) => previewCard(info, cbBy.get(info.language)))) : el('p', { class: 'muted' }, 'This message has no text blocks.'),
      el('p', { class: 'muted small', dataset: { testid: 'al-expiry' } }, `A preview stores nothing; it would expire ${when(p.expires)}. ${expiryNote(p.expires)} Submitting composes the message once more, with its own identifier and time: those exact bytes are what the approver sees and what is issued.`));
  }

  function drawArea(p) {
    const s = byId.get(siteSel.value);
    if (!window.L) { mapCaption.textContent = 'The map library is not available.'; return; }
    const L = window.L;
    if (!st.map) st.map = baseMap(L, mapBox, outline, sites);
    if (st.circle) { st.circle.remove(); st.circle = null; }
    if (st.marker) { st.marker.remove(); st.marker = null; }
    if (!s || !Number.isFinite(s.lat) || !Number.isFinite(s.lon)) {
      mapCaption.textContent = 'Choose a site to see the area.';
      return;
    }
    st.marker = L.circleMarker([s.lat, s.lon], { radius: 6, weight: 2, color: '#1b1b1b', fillColor: '#1b1f24', fillOpacity: 1, interactive: false }).addTo(st.map);
    if (st.failed) {   // no area of an earlier preview under the new site's name
      st.map.setView([s.lat, s.lon], 12);
      mapCaption.textContent = `${s.name} (${s.id}): no area, the preview failed (${st.failed}).`;
      return;
    }
    // the composed message's area when there is a preview, else the circle the form asks for
    const t = p ? capTexts(p.xml) : null;
    const composed = t ? areaLayer(L, t, { color: '#b3261e', weight: 2, fillColor: '#b3261e', fillOpacity: 0.15, className: 'al-circle' }) : null;
    const km = Number(radius.value);
    if (composed) st.circle = composed;
    else if (!polygon.value.trim() && Number.isFinite(km) && km > 0) {
      st.circle = L.circle([s.lat, s.lon], { radius: km * 1000, color: '#b3261e', weight: 2, fillColor: '#b3261e', fillOpacity: 0.15, interactive: false, className: 'al-circle' });
    }
    if (st.circle) {
      st.circle.addTo(st.map);
      st.map.fitBounds(st.circle.getBounds().pad(1.2), { maxZoom: 12 });
    } else {
      st.map.setView([s.lat, s.lon], 12);
    }
    const words = composed ? areaWords(t) : polygon.value.trim() ? 'a polygon (shown once the preview answers)' : `a circle of ${Number.isFinite(km) ? km.toLocaleString('en-GB') : '—'} km around ${s.lat.toFixed(4)}, ${s.lon.toFixed(4)}`;
    mapCaption.textContent = `${s.name} (${s.id}): ${words}${composed ? ', as composed' : ''}${composed && p.generic_area ? ' (generic area: coarsened, the centre moved to a grid and the radius enlarged; the black dot is the site, which the alert does not show)' : ''}.`;
  }

  async function submit() {
    clearTimeout(st.timer);
    clearErrors();
    if (!siteSel.value) { errs.site_id.textContent = 'Choose a site.'; siteSel.setAttribute('aria-invalid', 'true'); siteSel.focus(); return; }
    if (!languages().length) { errs.languages.textContent = 'Choose at least one language.'; langBoxes[0].focus(); return; }
    const pre = st.mode && st.mode.allClear && st.mode.prefill;
    if (pre && !pre.polygon && !polygon.value.trim() && Number(radius.value) < Number(pre.radius)) {
      errs.radius_km.textContent = `An all clear must cover at least the area that was warned: ${pre.radius} km or more.`;
      radius.setAttribute('aria-invalid', 'true'); radius.focus(); return;
    }
    const b = body();
    submitBtn.disabled = true;
    status.textContent = 'Sending…';
    try {
      const a = st.mode ? await api.updateAlert(st.mode.id, b) : await api.composeAlert(b);
      status.textContent = '';
      toast(a.state === 'pending'
        ? `Alert ${a.identifier} is awaiting approval by a second person.`
        : `${a.status} message ${a.identifier} issued.`);
      st.mode = null;
      siteSel.disabled = false;
      polygon.value = '';
      st.preview = null;
      drawMode();
      put(previewBox, el('p', { class: 'muted' }, a.state === 'pending' ? 'Submitted: see "Awaiting approval" below.' : 'Issued: see the list below.'));
      put(warningsBox);
      await onDone();
    } catch (e) {
      status.textContent = '';
      showError(e);
    } finally {
      submitBtn.disabled = false;
    }
  }

  form.addEventListener('submit', (ev) => { ev.preventDefault(); submit(); });
  tplSel.addEventListener('change', () => { applyTemplate(tplById.get(tplSel.value)); schedule(); });
  // another site: the earlier preview's area is not this site's (drawn again when it answers)
  siteSel.addEventListener('change', () => { st.preview = null; st.failed = null; schedule(); });
  for (const input of [radius, duration, note, polygon]) input.addEventListener('input', schedule);
  for (const b of [...langBoxes, ...statusRadios, generic]) b.addEventListener('change', schedule);

  return {
    node,
    start() {
      applyTemplate(tplById.get(tplSel.value));
      drawMode();
      drawGeneric(null);
      drawArea(null);
    },
    /** Prefill from the latest issued message of a chain, an Update or an all clear: the
        template (all clear: the all-clear one), site, area (radius or polygon), duration,
        languages, status and generic area of that message. */
    async updateFrom(msg, allClear) {
      // the polygon is in the message's bytes only
      let full = msg;
      if (msg.polygon && !msg.xml) full = await api.alert(msg.identifier).catch(() => msg);
      const texts = capTexts(full.xml);
      const poly = msg.polygon ? ((texts.infos[0] && texts.infos[0].polygons[0]) || '').trim().replace(/\s+/g, ' ') : '';
      const hrs = (new Date(msg.expires) - new Date(msg.sent)) / 3600000;
      const dur = Number.isFinite(hrs) && hrs > 0 ? String(Math.round(hrs * 100) / 100) : '';
      const rad = msg.radius_km !== null && msg.radius_km !== undefined ? String(msg.radius_km) : '';
      st.mode = {
        id: msg.identifier, allClear, siteId: msg.site_id, siteName: siteLabel(msg),
        prefill: { radius: rad, duration: dur, polygon: poly },
        areaText: poly ? 'a polygon' : `${rad} km`, duration: Number(dur),
      };
      const tid = allClear ? (templates.find((t) => t.all_clear) || { id: 'all-clear' }).id : msg.template;
      if (tplById.has(tid)) tplSel.value = tid;
      if (byId.has(msg.site_id)) siteSel.value = msg.site_id;
      siteSel.disabled = true;   // an update is about the same site
      radius.value = rad;
      duration.value = dur;
      polygon.value = poly;
      for (const b of langBoxes) b.checked = (msg.languages || []).includes(b.value);
      for (const r of statusRadios) r.checked = r.value === msg.status;
      generic.checked = !!msg.generic_area;
      note.value = '';
      st.preview = null;
      st.failed = null;
      // the mode line just under the sticky top bar
      const bar = document.getElementById('topbar');
      window.scrollTo({ top: node.getBoundingClientRect().top + window.scrollY - (bar ? bar.offsetHeight : 0) - 8 });
      tplSel.focus({ preventScroll: true });
      schedule();
    },
  };
}

/** One language's preview: headline, page count (flagged when it does not fit), texts. */
function previewCard(info, cb) {
  const code = info.language;
  const name = LANG_NAME[code] || code;
  return el('article', { class: 'al-lang', lang: code, dataset: { lang: code, testid: 'al-lang' }, 'aria-label': `${name} (${code})` },
    el('div', { class: 'al-lang-head' },
      el('span', { class: 'al-lang-name', lang: 'en' }, `${name} (${code})`),
      cb ? el('span', {
        class: 'al-pages' + (cb.fits ? '' : ' al-pages-over'), lang: 'en', dataset: { testid: 'al-pages' },
        title: `Cell broadcast: headline and instruction are ${num(cb.units)} ${cb.ucs2 ? 'UCS-2' : 'GSM-7'} characters, ${num(cb.per_page)} a page; at most ${num(cb.max_pages)} pages (setting alert.cb_pages).`,
      }, pagesText(cb), cb.fits ? '' : ': does not fit') : null),
    el('h4', { class: 'al-headline' }, info.headline || '—'),
    info.instruction ? el('p', { class: 'al-instruction' }, el('strong', { lang: 'en' }, 'What to do: '), info.instruction) : null,
    info.description ? el('p', { class: 'al-description' }, info.description) : null,
    info.areaDesc ? el('p', { class: 'muted small' }, el('span', { lang: 'en' }, 'Area: '), info.areaDesc) : null);
}

/* ---- the approval step ---- */

/** The changes of a pending message from the one it updates: [{field, was, now}] and the
    names of the fields that did not change. */
function changes(a, prev, ta, tp, tplLabel) {
  const rows = [];
  const same = [];
  const cmp = (field, was, now) => {
    const w = was === undefined || was === null || was === '' ? '—' : String(was);
    const n = now === undefined || now === null || now === '' ? '—' : String(now);
    if (w === n) same.push(field); else rows.push({ field, was: w, now: n });
  };
  const hours = (m) => { const h = (new Date(m.expires) - new Date(m.sent)) / 3600000; return Number.isFinite(h) ? `${Math.round(h * 100) / 100} h` : '—'; };
  cmp('Template', tplLabel(prev.template), tplLabel(a.template));
  cmp('Languages', (prev.languages || []).join(', '), (a.languages || []).join(', '));
  cmp('Area', areaWords(tp), areaWords(ta));
  cmp('Generic area', prev.generic_area ? 'yes' : 'no', a.generic_area ? 'yes' : 'no');
  cmp('Duration', hours(prev), hours(a));
  cmp('Note', tp.note, ta.note);
  const langs = [...new Set([...tp.infos, ...ta.infos].map((i) => i.language))];
  for (const l of langs) {
    const was = tp.infos.find((i) => i.language === l) || {};
    const now = ta.infos.find((i) => i.language === l) || {};
    for (const [k, label] of [['headline', 'Headline'], ['instruction', 'What to do'], ['description', 'Description'], ['areaDesc', 'Area description']]) {
      cmp(`${label} (${l})`, was[k], now[k]);
    }
  }
  return { rows, same };
}

/** The area of a pending message on a small map (and, dashed, the previous message's). */
function pendingMap(box, outline, sites, ta, tp, maps) {
  if (!window.L) { box.textContent = 'The map library is not available.'; return; }
  const L = window.L;
  requestAnimationFrame(() => {
    if (!box.isConnected) return;
    const map = baseMap(L, box, outline, sites, { zoomControl: true, keyboard: false, dragging: true });
    maps.push(map);
    const prevLayer = tp ? areaLayer(L, tp, { color: '#4a5563', weight: 2, dashArray: '6 5', fill: false, className: 'al-prev-area' }) : null;
    const nowLayer = ta.infos.length ? areaLayer(L, ta, { color: '#b3261e', weight: 2, fillColor: '#b3261e', fillOpacity: 0.15, className: 'al-pending-area' }) : null;
    const layers = [prevLayer, nowLayer].filter(Boolean);
    for (const x of layers) x.addTo(map);
    if (layers.length) map.fitBounds(L.featureGroup(layers).getBounds().pad(1.5), { maxZoom: 12 });
  });
}

function drawPending(box, pending, ctx, reload, { outline, sites, templates }) {
  for (const m of box._maps || []) m.remove();
  box._maps = [];
  if (!pending.length) {
    put(box, el('p', { class: 'muted' }, 'No message awaits approval.'));
    return;
  }
  const tplNames = new Map(templates.map((t) => {
    const en = (t.languages || []).find((l) => l.language === 'en') || (t.languages || [])[0];
    return [t.id, `${en ? en.event : t.id} (${t.id})`];
  }));
  const tplLabel = (id) => (id ? tplNames.get(id) || id : '');
  put(box, pending.map(({ a, prev, hash }) => {
    const texts = capTexts(a.xml);
    const ptexts = prev ? capTexts(prev.xml) : null;
    const mine = a.composer === ctx.user.name;
    // the hash shown is that of the text shown (computed here when the browser can)
    const shown = hash || a.sha256 || '';
    const mismatch = hash && a.sha256 && hash !== a.sha256;
    const unreadable = !a.xml ? `its exact text could not be read${a.readError ? ` (${a.readError})` : ''}`
      : texts.error ? `its CAP XML does not parse (${texts.error})`
        : mismatch ? `the text shown does not match the SHA-256 the server holds (${a.sha256.slice(0, 16)}…)` : null;
    const err = el('p', { class: 'form-error al-refusal', role: 'alert', dataset: { testid: 'al-approve-error' } });
    const reject = el('button', { type: 'button', class: 'btn', dataset: { testid: 'al-reject' } }, 'Reject');
    const approve = el('button', { type: 'button', class: 'btn btn-primary', dataset: { testid: 'al-approve' } }, 'Approve and issue');
    const composed = new Date(a.composed_at || a.sent);
    let deadline = new Date(composed.getTime() + APPROVAL_MIN_DEFAULT * 60000);
    const exp = new Date(a.expires);
    if (!Number.isNaN(exp.getTime()) && exp < deadline) deadline = exp;
    const deadlineText = Number.isNaN(deadline.getTime()) ? '—' : when(deadline.toISOString());
    approve.addEventListener('click', async () => {
      err.textContent = '';
      const ok = await confirmDialog({
        title: 'Issue this alert to the public?',
        testid: 'al-approve-confirm',
        ok: 'Issue to the public now',
        body: [
          el('p', { class: 'note' }, el('strong', {}, 'This goes to the public now: '),
            `the public feed, /alerts/${a.identifier}.cap, and every warning system and aggregator that reads them. Only a Cancel, approved by a second person, withdraws it.`),
          texts.infos.length ? el('ul', {}, texts.infos.map((i) => el('li', { lang: i.language }, i.headline || '—'))) : el('p', {}, `A Cancel of ${a.references || '—'}.`),
          el('p', { class: 'muted small' }, `${a.msg_type} · ${siteLabel(a)} · ${texts.infos.length ? areaWords(texts) + ' · ' : ''}expires ${when(a.expires)}`),
          el('p', { class: 'muted small' }, 'SHA-256 of the text you approve: ', el('code', { class: 'wrap-any' }, shown)),
        ],
      });
      if (!ok) return;
      approve.disabled = true; reject.disabled = true;
      try {
        const r = await api.approveAlert(a.identifier, shown);
        toast(`${r.msg_type || 'Alert'} ${r.identifier} approved and issued.`);
        await reload();
      } catch (e) {
        const code = e.body && e.body.code;
        err.textContent = code === 'same_person'
          ? `Refused: you composed this message, so another person must approve it (${e.message}).`
          : code === 'not_appointed'
            ? `Refused: your role was not granted by the system administrator: you may compose but not approve (${e.message}).`
            : e.message;
        reject.disabled = false;
        approve.disabled = code === 'not_appointed';
      }
    });
    reject.addEventListener('click', () => rejectDialog(a, reload, false));
    const withdraw = el('button', { type: 'button', class: 'btn', dataset: { testid: 'al-withdraw' }, onclick: () => rejectDialog(a, reload, true) }, 'Withdraw');
    const mapBox = el('div', { class: 'map al-pending-map', role: 'region', 'aria-label': `The area of ${a.identifier}${prev ? ' (dashed: the message it ' + (a.msg_type === 'Cancel' ? 'cancels' : 'updates') + ')' : ''}` });
    let diff = null;
    if (prev && ptexts && a.msg_type === 'Cancel') {
      diff = el('div', { class: 'al-diff', dataset: { testid: 'al-diff' } },
        el('h4', {}, 'Cancels ', el('code', {}, prev.identifier)),
        el('ul', {}, ptexts.infos.map((i) => el('li', { lang: i.language }, i.headline || '—'))),
        el('p', { class: 'muted small' }, 'Once issued, the public feed shows that alert as cancelled, with the reason below as its summary.'));
    } else if (prev && ptexts && !unreadable) {
      const c = changes(a, prev, texts, ptexts, tplLabel);
      diff = el('div', { class: 'al-diff', dataset: { testid: 'al-diff' } },
        el('h4', {}, `What this ${templates.some((t) => t.all_clear && t.id === a.template) ? 'all clear' : 'update'} changes from `, el('code', {}, prev.identifier)),
        c.rows.length
          ? el('div', { class: 'table-scroll' }, el('table', { class: 'table al-diff-table' },
            el('caption', { class: 'sr-only' }, `Changes from ${prev.identifier}`),
            el('thead', {}, el('tr', {}, ['Field', 'Was', 'Now'].map((h) => el('th', { scope: 'col' }, h)))),
            el('tbody', {}, c.rows.map((r) => el('tr', { dataset: { field: r.field } },
              el('th', { scope: 'row' }, r.field), el('td', { class: 'al-was' }, r.was), el('td', { class: 'al-now' }, r.now))))))
          : el('p', {}, 'Nothing but the time changes.'),
        c.same.length ? el('p', { class: 'muted small' }, `Unchanged: ${c.same.join(', ')}.`) : null);
    } else if (a.references && !prev) {
      diff = el('p', { class: 'muted small' }, `It refers to ${a.references}, which could not be read.`);
    }
    return el('article', { class: 'al-pending', dataset: { id: a.identifier }, 'aria-labelledby': `al-p-${a.identifier}` },
      el('div', { class: 'al-pending-head' },
        el('h3', { id: `al-p-${a.identifier}` }, `${templates.some((t) => t.all_clear && t.id === a.template) && a.msg_type === 'Update' ? 'All clear' : a.msg_type} · ${a.status} · ${siteLabel(a)}`),
        el('code', { class: 'wrap-any' }, a.identifier)),
      el('p', { class: 'al-deadline', dataset: { testid: 'al-deadline' } }, el('strong', {}, `Approve by ${deadlineText}`),
        ` (${APPROVAL_MIN_DEFAULT} minutes after it was composed, the setting alert.approval_min unless changed, and before it expires): after that it is refused; compose it again then.`),
      el('p', { class: 'muted small' }, `Composed by ${a.composer} at ${when(a.composed_at || a.sent)}; expires ${when(a.expires)}. ${expiryNote(a.expires)} `,
        el('a', { href: api.alertCapUrl(a.identifier), target: '_blank', rel: 'noopener' }, 'CAP XML')),
      el('p', { class: 'muted small al-hash' }, 'The approver approves exactly these bytes: SHA-256 ', el('code', { class: 'wrap-any', dataset: { testid: 'al-sha256' } }, shown || '—'),
        hash && !mismatch ? ' (computed here from the text shown)' : ''),
      unreadable
        ? el('p', { class: 'form-error al-refusal', role: 'alert', dataset: { testid: 'al-unreadable' } },
          `This message cannot be approved: ${unreadable}. Reject it and compose it again.`)
        : null,
      texts.note ? el('p', {}, el('strong', {}, 'Note: '), texts.note) : null,
      el('div', { class: 'al-pending-body' },
        el('div', {}, diff,
          texts.infos.length ? el('div', { class: 'al-langs' }, texts.infos.map((info) => previewCard(info, (a.cb || []).find((c) => c.language === info.language)))) : null),
        unreadable ? null : el('div', {}, mapBox, el('p', { class: 'muted small' },
          `Red: the area of this message${texts.infos.length ? ` (${areaWords(texts)})` : ''}${prev ? `; dashed: the area of ${prev.identifier}, which it ${a.msg_type === 'Cancel' ? 'cancels' : 'updates'}` : ''}.`))),
      mine
        ? el('p', { class: 'note', dataset: { testid: 'al-own' } }, 'You composed this message: another public information officer or government coordinator must approve it. You may withdraw it.')
        : null,
      err,
      el('div', { class: 'actions' }, mine ? withdraw : [reject, unreadable ? null : approve]));
  }));
  for (const { a, prev } of pending) {
    const card = box.querySelector(`.al-pending[data-id="${CSS.escape(a.identifier)}"] .al-pending-map`);
    if (card) pendingMap(card, outline, sites, capTexts(a.xml), prev ? capTexts(prev.xml) : null, box._maps);
  }
}

/** Reject (an approver) or withdraw (the composer) a pending message: POST .../reject. */
function rejectDialog(a, reload, withdraw) {
  const reason = el('textarea', { id: 'al-reason', name: 'reason', required: !withdraw, rows: 3, maxlength: 1000 });
  const err = el('p', { class: 'field-error', role: 'alert' });
  const dlg = el('dialog', { class: 'dialog', 'aria-labelledby': 'al-reject-title' },
    el('form', { method: 'dialog', class: 'form' },
      el('h2', { id: 'al-reject-title' }, withdraw ? 'Withdraw your alert' : 'Reject this alert'),
      el('p', { class: 'muted' }, `${a.identifier}, composed by ${a.composer}. It will not be issued; ${withdraw ? 'you' : 'the composer'} may compose a new one.`),
      el('div', { class: 'field' }, el('label', { for: 'al-reason' }, withdraw ? 'Reason (optional)' : 'Reason (required)'), reason),
      err,
      el('div', { class: 'actions' },
        el('button', { type: 'submit', value: 'cancel', class: 'btn btn-quiet', formnovalidate: true }, 'Back'),
        el('button', { type: 'submit', value: 'reject', class: 'btn btn-primary' }, withdraw ? 'Withdraw' : 'Reject'))));
  document.body.append(dlg);
  dlg.addEventListener('close', () => dlg.remove());
  dlg.querySelector('form').addEventListener('submit', async (ev) => {
    if (ev.submitter && ev.submitter.value === 'cancel') return;
    ev.preventDefault();
    if (!withdraw && !reason.value.trim()) { err.textContent = 'Say why.'; reason.focus(); return; }
    try {
      await api.rejectAlert(a.identifier, reason.value.trim());
      dlg.close();
      toast(`${a.msg_type || 'Alert'} ${a.identifier} ${withdraw ? 'withdrawn' : 'rejected'}.`);
      await reload();
    } catch (e) { err.textContent = e.message; }
  });
  dlg.showModal();
}

function cancelDialog(a, reload) {
  const why = el('textarea', { id: 'al-cancel-note', name: 'note', rows: 3, maxlength: 500, 'aria-describedby': 'al-cancel-help' });
  const err = el('p', { class: 'field-error', role: 'alert' });
  const actual = a.status === 'Actual';
  const dlg = el('dialog', { class: 'dialog', 'aria-labelledby': 'al-cancel-title' },
    el('form', { method: 'dialog', class: 'form' },
      el('h2', { id: 'al-cancel-title' }, 'Cancel this alert'),
      el('p', { class: 'muted' }, `A Cancel message for ${a.identifier} (${siteLabel(a)}). `,
        actual ? 'It is an Actual message: a second person approves the Cancel before it is issued; it then stays in the public feed until the alert would have expired.' : 'It is issued at once.'),
      el('div', { class: 'field' }, el('label', { for: 'al-cancel-note' }, 'Reason (optional, recommended)'), why,
        el('p', { class: 'help', id: 'al-cancel-help' }, actual
          ? 'Published: the reason is the Cancel\'s CAP note and the summary of its entry in the public feed, which anyone may read. Say plainly why the alert no longer holds ("false alarm", "the police have ended the incident").'
          : 'Written into the Cancel\'s CAP note (an exercise or test is never in the public feed).')),
      err,
      el('div', { class: 'actions' },
        el('button', { type: 'submit', value: 'cancel', class: 'btn btn-quiet', formnovalidate: true }, 'Back'),
        el('button', { type: 'submit', value: 'send', class: 'btn btn-primary' }, 'Send the Cancel'))));
  document.body.append(dlg);
  dlg.addEventListener('close', () => dlg.remove());
  dlg.querySelector('form').addEventListener('submit', async (ev) => {
    if (ev.submitter && ev.submitter.value === 'cancel') return;
    ev.preventDefault();
    try {
      const r = await api.cancelAlert(a.identifier, why.value.trim());
      dlg.close();
      toast(r.state === 'pending' ? `Cancel ${r.identifier} is awaiting approval by a second person.` : `Cancel ${r.identifier} issued.`);
      await reload();
    } catch (e) { err.textContent = e.message; }
  });
  dlg.showModal();
}

/* ---- the chains ---- */

function stateText(a) {
  return { pending: 'awaiting approval', issued: 'issued', rejected: 'rejected', preview: 'preview' }[a.state] || a.state;
}

/** A message's kind: "All clear" for an Update with an all-clear template, else its msgType. */
function kindText(m, allClearIds) {
  return m.msg_type === 'Update' && allClearIds && allClearIds.has(m.template) ? 'All clear' : m.msg_type;
}

function drawChains(box, all, { actions, onUpdate, onCancel, allClearIds }) {
  if (!all || !all.length) {
    put(box, el('p', { class: 'muted' }, actions ? 'No alert has been composed yet.' : 'No alert has been issued.'));
    return;
  }
  const chains = new Map();
  for (const a of all) {   // newest first: a chain's first entry is its newest message
    const k = a.chain || a.identifier;
    if (!chains.has(k)) chains.set(k, []);
    chains.get(k).push(a);
  }
  const rows = [];
  for (const [chain, msgs] of chains) {
    const latest = msgs[0];
    const issued = msgs.find((m) => m.state === 'issued');
    const open = actions && issued && issued.latest !== false && issued.msg_type !== 'Cancel' &&
      !msgs.some((m) => m.state === 'pending') && !issued.site_withheld;
    const cleared = issued && kindText(issued, allClearIds) === 'All clear';
    // after an all clear, another message in the chain is asked about first
    const again = (fn) => async () => {
      if (cleared && !(await confirmDialog({
        title: 'This chain has had its all clear',
        testid: 'al-again-confirm',
        ok: 'Compose it anyway',
        body: el('p', {}, `${issued.identifier} gave the all clear for ${siteLabel(issued)}. Another message in this chain reaches the public as a change to that all clear. For a new incident compose a new alert instead.`),
      }))) return;
      fn();
    };
    const first = msgs[msgs.length - 1];
    const capLinks = (m) => [el('a', { href: api.alertCapUrl(m.identifier), target: '_blank', rel: 'noopener', dataset: { testid: 'al-cap' }, 'aria-label': `CAP XML of ${m.identifier}` }, 'CAP XML'),
      m.in_feed || (m.state === 'issued' && m.status === 'Actual')
        ? [' · ', el('a', { href: api.publicCapUrl(m.identifier), target: '_blank', rel: 'noopener', 'aria-label': `public copy of ${m.identifier}` }, 'public copy')] : null];
    rows.push(el('tr', { dataset: { chain, id: latest.identifier } },
      el('th', { scope: 'row', class: 'site-cell' },
        el('strong', { class: latest.site_withheld ? 'muted' : null }, siteLabel(latest)),
        latest.site_withheld ? null : el('span', { class: 'site-id' }, `${latest.site_id} · ${first.template || ''}`),
        el('span', { class: 'site-id' }, 'chain ', el('code', { class: 'al-id' }, chain))),
      el('td', {},
        el('div', {}, el('strong', { dataset: { testid: 'al-kind' } }, kindText(latest, allClearIds)), ` · ${latest.status} · `,
          el('span', { class: 'al-state al-state-' + latest.state, dataset: { testid: 'al-state' } }, stateText(latest))),
        latest.identifier !== chain ? el('div', { class: 'site-id' }, el('code', { class: 'al-id' }, latest.identifier)) : null,
        latest.state === 'rejected' && latest.reason ? el('div', { class: 'small muted' }, `reason: ${latest.reason}`) : null,
        el('div', { class: 'small muted' }, latest.composer ? `by ${latest.composer}${latest.approver ? ', approved by ' + latest.approver : ''}` : ''),
        el('div', { class: 'small' }, capLinks(latest))),
      el('td', { dataset: { testid: 'al-feed' } }, latest.in_feed ? el('span', { class: 'appr-ok' }, 'in the public feed') : el('span', { class: 'muted' }, 'not in the feed')),
      el('td', {}, el('div', { class: 'nowrap' }, when(latest.sent)), el('div', { class: 'nowrap muted small' }, `expires ${when(latest.expires)}`)),
      actions ? el('td', {}, open ? el('div', { class: 'row-actions' },
        el('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'al-cancel' }, 'aria-label': `Cancel ${issued.identifier}`, onclick: () => onCancel(issued) }, 'Cancel'),
        el('button', { type: 'button', class: 'btn btn-small' + (cleared ? ' btn-quiet' : ''), dataset: { testid: 'al-update' }, 'aria-label': `Update ${issued.identifier}`, onclick: again(() => onUpdate(issued, false)) }, 'Update'),
        el('button', { type: 'button', class: 'btn btn-small' + (cleared ? ' btn-quiet' : ''), dataset: { testid: 'al-allclear' }, 'aria-label': `${cleared ? 'All clear again' : 'All clear'} for ${issued.identifier}`, onclick: again(() => onUpdate(issued, true)) }, cleared ? 'All clear again' : 'All clear'))
        : actions && issued && issued.site_withheld && issued.msg_type !== 'Cancel'
          ? el('span', { class: 'muted small' }, 'A site you may not see: a composer who may see it updates or cancels it.') : null) : null));
    if (msgs.length > 1) {
      rows.push(el('tr', { class: 'history-row' }, el('td', { colspan: actions ? 5 : 4 },
        el('details', { class: 'reasons' }, el('summary', {}, `${msgs.length} messages in this chain`),
          el('ul', {}, msgs.map((m) => el('li', {},
            `${kindText(m, allClearIds)} · ${m.status} · ${stateText(m)} · ${when(m.sent)} · `, el('code', { class: 'al-id' }, m.identifier), ' · ', capLinks(m))))))));
    }
  }
  put(box,
    el('div', { class: 'table-scroll' }, el('table', { class: 'table al-table', id: 'al-chains' },
      el('caption', { class: 'sr-only' }, 'Alert chains, newest first, with the latest message of each'),
      el('thead', {}, el('tr', {}, ['Site and chain', 'Latest message', 'Public feed', 'Sent', actions ? 'Actions' : null]
        .filter((h) => h !== null).map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows))),
    el('p', { class: 'muted small' }, 'A chain is an alert with its updates and cancel.',
      actions ? ' Only the latest issued message of a chain can be updated or cancelled.' : '',
      ' The public feed carries the latest issued Actual message of each chain until it expires (a Cancel until the alert it cancels would have expired).'));
}
