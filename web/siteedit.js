// siteedit.js - issue 16, item 2: the form on a site's page with which its owner (whoever may
// write it, docs/access.md) edits its details: name, occupancy, capacity, population served,
// economic value, location (a marker to drag or a click on the map, or the lat/lon fields), TLP
// label, a hospital's emergency department, and the users named on it (who read it when RED).
// Each field is checked in the form; the server's error is shown next to the field it names.

import * as api from './api.js';
import { el, put, eurWords, people, toast } from './ui.js';

const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];
const TLP_HELP = {
  CLEAR: 'anyone', GREEN: 'the community of registered users', AMBER: 'the owner, its partners and government users',
  'AMBER+STRICT': 'the owner and government users', RED: 'only the users named below',
};

/* The fields of the form: [key, label, kind, limits]. Numbers are parsed as the server reads them. */
const FIELDS = [
  ['name', 'Name', 'text', { max: 255 }],
  ['peak_occupancy', 'Peak occupancy (people)', 'int', { min: 0 }],
  ['capacity', 'Capacity (people; empty when it has none)', 'int', { min: 0, optional: true }],
  ['population_served', 'Population served (people)', 'int', { min: 0 }],
  ['economic_value_eur', 'Economic value (EUR)', 'num', { min: 0, max: 1e18 }],
  ['lat', 'Latitude (°)', 'num', { min: -90, max: 90 }],
  ['lon', 'Longitude (°)', 'num', { min: -180, max: 180 }],
];

function fieldId(key) { return 'site-edit-' + key.replace(/_/g, '-'); }

/** Text of a stored value as the input shows it. */
function shown(site, key) {
  const v = site[key];
  if (v === null || v === undefined) return '';
  return String(v);
}

/** Parse one input: {value} or {error}. */
function parse(kind, raw, lim) {
  const t = raw.trim();
  if (kind === 'text') {
    if (!t) return { error: 'required' };
    if (new TextEncoder().encode(t).length > lim.max) return { error: `at most ${lim.max} bytes` };
    return { value: t };
  }
  if (t === '') return lim.optional ? { value: null } : { error: 'required' };
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return { error: 'not a number' };
  const v = Number(t);
  if (!Number.isFinite(v)) return { error: 'not a number' };
  if (kind === 'int' && !Number.isInteger(v)) return { error: 'a whole number' };
  if (lim.min !== undefined && v < lim.min) return { error: `at least ${lim.min}` };
  if (lim.max !== undefined && v > lim.max) return { error: `at most ${lim.max}` };
  return { value: v };
}

/**
 * The section "Edit the site's details" for a site the user may write. onSaved(site) is called
 * with the site as the server answers it after a change (the page updates its facts and rank).
 */
export function siteEditSection(site, onSaved) {
  let saved = site;                      // the site as last read or written
  const fields = new Map();              // key -> {input, err}
  const formErr = el('p', { class: 'form-error', role: 'alert', dataset: { testid: 'site-edit-error' } });
  const status = el('p', { class: 'form-status', role: 'status', 'aria-live': 'polite', dataset: { testid: 'site-edit-status' } });

  function field(key, label, input, help) {
    const err = el('span', { class: 'field-error', id: fieldId(key) + '-err', dataset: { testid: 'err-' + key } });
    input.id = fieldId(key);
    input.name = key;
    input.setAttribute('aria-describedby', err.id);
    fields.set(key, { input, err });
    return el('div', { class: 'field' }, el('label', { for: input.id }, label), input, help || null, err);
  }
  function setError(key, msg) {
    const f = fields.get(key);
    if (!f) return;
    f.err.textContent = msg || '';
    if (msg) f.input.setAttribute('aria-invalid', 'true'); else f.input.removeAttribute('aria-invalid');
  }

  // the figures, each with its reading ("EUR 520 million", "3,000 people") under it
  const readings = new Map();
  const reading = (key) => {
    const f = fields.get(key);
    const out = readings.get(key);
    if (!f || !out) return;
    const p = parse(key === 'economic_value_eur' ? 'num' : 'int', f.input.value, { min: 0, optional: key === 'capacity' });
    out.textContent = p.error ? '' : p.value === null ? 'no fixed capacity' : key === 'economic_value_eur' ? eurWords(p.value) : people(p.value);
  };
  const figure = ([key, label, kind, lim]) => {
    const number = kind !== 'text';
    const input = el('input', {
      type: number ? 'number' : 'text', inputmode: kind === 'int' ? 'numeric' : kind === 'num' ? 'decimal' : null,
      step: number ? (kind === 'int' ? 1 : 'any') : null, min: number ? lim.min : null, max: number ? lim.max : null,
      maxlength: number ? null : lim.max, value: shown(saved, key), class: number ? 'num-input' : 'wide-input',
    });
    let help = null;
    if (['peak_occupancy', 'capacity', 'population_served', 'economic_value_eur'].includes(key)) {
      help = el('output', { class: 'help', for: fieldId(key), dataset: { testid: 'reading-' + key } });
      readings.set(key, help);
      input.addEventListener('input', () => reading(key));
    }
    return field(key, label, input, help);
  };

  const tlp = el('select', {}, TLPS.map((t) => el('option', { value: t, selected: saved.tlp === t }, `TLP:${t}`)));
  const tlpHelp = el('p', { class: 'help' });
  const tlpText = () => { tlpHelp.textContent = `Read by ${TLP_HELP[tlp.value] || ''}.`; };
  tlp.addEventListener('change', tlpText);
  tlpText();
  const ed = el('select', {},
    el('option', { value: '' }, 'unknown (counts as receiving casualties)'),
    el('option', { value: 'yes' }, 'yes: receives casualties'),
    el('option', { value: 'no' }, 'no (a laboratory, a clinic without one)'));
  ed.value = saved.emergency_department || '';
  const isHealth = () => saved.sector === 'health';

  // the map: a marker to drag, or a click to move it; the fields and the marker follow each other
  const mapBox = el('div', { class: 'site-edit-map', dataset: { testid: 'site-edit-map' }, role: 'application', 'aria-label': 'Map: drag the marker or click to move the site' });
  let marker = null;
  let map = null;
  function markerTo(lat, lon) {
    if (marker && Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) marker.setLatLng([lat, lon]);
  }
  function fieldsTo(ll) {
    fields.get('lat').input.value = ll.lat.toFixed(5);
    fields.get('lon').input.value = ll.lng.toFixed(5);
    setError('lat', '');
    setError('lon', '');
  }
  async function drawMap() {
    const L = window.L;
    if (!L) { put(mapBox, el('p', { class: 'note' }, 'The map library is not available; give the latitude and longitude.')); return; }
    const outline = await api.regionOutline();
    if (!mapBox.isConnected) return;
    map = L.map(mapBox, { attributionControl: false, zoomSnap: 0.25, minZoom: 7, maxZoom: 17, scrollWheelZoom: false, zoomAnimation: false, fadeAnimation: false, markerZoomAnimation: false });
    map.setView([saved.lat, saved.lon], 11);
    if (outline) {
      L.geoJSON(outline, {
        style: (f) => ({ water: { color: '#7fa6c0', weight: 1, fillColor: '#cfe3ef', fillOpacity: 1 }, district_boundary: { color: '#9c9584', weight: 1.2, dashArray: '5 5', fill: false } }[f.properties && f.properties.kind] || { color: '#6f6a5c', weight: 1.5, fillColor: '#f4f1e6', fillOpacity: 1 }),
        filter: (f) => f.properties && f.properties.kind !== 'district_label',
        interactive: false,
      }).addTo(map);
      // the districts' names, for bearings (as on the dashboard's map)
      for (const f of outline.features) {
        const p = f.properties || {};
        if (p.kind !== 'district_label' || !f.geometry || f.geometry.type !== 'Point') continue;
        const [lon, lat] = f.geometry.coordinates;
        const label = L.marker([lat, lon], { interactive: false, keyboard: false, icon: L.divIcon({ className: 'district-label', html: '', iconSize: null }) }).addTo(map);
        const node = label.getElement();
        if (node) node.textContent = p.name;
      }
    }
    marker = L.marker([saved.lat, saved.lon], {
      draggable: true, keyboard: true, title: saved.name, alt: 'The site',
      icon: L.divIcon({ className: 'site-edit-pin', html: '', iconSize: [22, 22], iconAnchor: [11, 11] }),
    }).addTo(map);
    marker.on('dragend', () => fieldsTo(marker.getLatLng()));
    map.on('click', (e) => { marker.setLatLng(e.latlng); fieldsTo(e.latlng); });
    const ro = new ResizeObserver(() => { if (mapBox.isConnected && map._loaded) map.invalidateSize(); });
    ro.observe(mapBox);
    map.on('unload', () => ro.disconnect());
  }

  const [nameField, ...figures] = FIELDS.filter(([k]) => k !== 'lat' && k !== 'lon').map(figure);
  const [latField, lonField] = FIELDS.filter(([k]) => k === 'lat' || k === 'lon').map(figure);
  for (const k of ['lat', 'lon']) {
    fields.get(k).input.addEventListener('change', () => markerTo(Number(fields.get('lat').input.value), Number(fields.get('lon').input.value)));
  }
  for (const k of readings.keys()) reading(k);

  const save = el('button', { type: 'submit', class: 'btn btn-primary', dataset: { testid: 'site-edit-save' } }, 'Save the details');
  const form = el('form', { class: 'form site-edit-form', novalidate: true, id: 'form-site', 'aria-labelledby': 'site-edit-title' },
    el('div', { class: 'site-edit-grid' },
      el('div', {}, nameField,
        el('div', { class: 'site-edit-pair' }, figures),
        el('div', { class: 'site-edit-pair' },
          field('tlp', 'Sharing (TLP label)', tlp, tlpHelp),
          isHealth() ? field('emergency_department', 'Emergency department', ed,
            el('p', { class: 'help' }, 'With one, a hospital receives the casualties of a simulated attack; without, it is not offered as a receiving hospital.')) : null)),
      el('div', {},
        el('p', { class: 'help' }, 'Location: drag the marker, click the map, or type the coordinates.'),
        mapBox,
        el('div', { class: 'site-edit-coords' }, latField, lonField))),
    formErr,
    el('div', { class: 'actions' }, status, save));

  /* Only the fields changed are sent: the server applies them to the site as stored, so a field
     someone else changed meanwhile is kept (the API has no version of a site to compare). */
  function collect() {
    const change = {};
    const errors = [];
    for (const [key, , kind, lim] of FIELDS) {
      const p = parse(kind, fields.get(key).input.value, lim);
      if (p.error) { errors.push([key, p.error]); continue; }
      const was = saved[key] === undefined ? null : saved[key];
      if (p.value !== was) change[key] = p.value;
    }
    if (tlp.value !== saved.tlp) change.tlp = tlp.value;
    if (isHealth() && (ed.value || null) !== (saved.emergency_department || null)) change.emergency_department = ed.value || null;
    return { change, errors };
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    formErr.textContent = '';
    status.textContent = '';
    for (const k of fields.keys()) setError(k, '');
    const { change, errors } = collect();
    if (errors.length) {
      for (const [k, msg] of errors) setError(k, msg);
      formErr.textContent = `Please correct ${errors.length === 1 ? 'the field' : `the ${errors.length} fields`} marked above.`;
      fields.get(errors[0][0]).input.focus();
      return;
    }
    const keys = Object.keys(change);
    if (!keys.length) { status.textContent = 'Nothing changed.'; return; }
    if (change.tlp === 'RED' && !window.confirm('TLP:RED: only the users named on the site will read it (you are named). Continue?')) return;
    save.disabled = true;
    status.textContent = 'Saving…';
    try {
      saved = await api.updateSite(saved.id, change);
      for (const [key] of FIELDS) fields.get(key).input.value = shown(saved, key);
      for (const k of readings.keys()) reading(k);
      tlp.value = saved.tlp;
      tlpText();
      ed.value = saved.emergency_department || '';
      markerTo(saved.lat, saved.lon);
      status.textContent = `Saved: ${keys.map((k) => k.replace(/_/g, ' ')).join(', ')}.`;
      toast(status.textContent);
      loadReaders();
      if (onSaved) await onSaved(saved);
    } catch (e) {
      status.textContent = '';
      showError(e);
    } finally {
      save.disabled = false;
    }
  });

  function showError(e) {
    const key = e.field && fields.has(e.field) ? e.field : null;
    if (key) {
      setError(key, e.detail || e.message);
      fields.get(key).input.focus();
      formErr.textContent = `The server refused the change: ${fields.get(key).input.labels[0].textContent}: ${e.detail || e.message}`;
    } else if (e.status === 409) {
      formErr.textContent = `${e.message} Reload the page to see the site as it is now.`;
    } else {
      formErr.textContent = e.status === 403 && !e.field ? 'Your role may not change this site.'
        : `The server refused the change: ${e.message}${e.field ? ` (${e.field})` : ''}`;
    }
  }

  /* ---- the users named on the site ---- */
  const readersBox = el('div', { dataset: { testid: 'site-readers' } }, el('p', { class: 'loading' }, 'Loading the named readers…'));
  const readerInput = el('input', { type: 'text', id: 'site-reader-user', autocomplete: 'off', maxlength: 63, 'aria-describedby': 'site-reader-err' });
  const readerErr = el('span', { class: 'field-error', id: 'site-reader-err', dataset: { testid: 'err-reader' } });
  const readerAdd = el('button', { type: 'submit', class: 'btn btn-small' }, 'Name this user');
  const readerForm = el('form', { class: 'form reader-form', novalidate: true },
    el('div', { class: 'field' }, el('label', { for: readerInput.id }, 'User name'), readerInput, readerErr), readerAdd);
  async function loadReaders() {
    let list;
    try { list = (await api.siteReaders(saved.id)).items || []; } catch (e) {
      put(readersBox, el('p', { class: 'field-error', role: 'alert' }, e.detail || e.message));
      return;
    }
    put(readersBox, list.length
      ? el('ul', { class: 'reader-list' }, list.map((u) => {
        const b = el('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Un-name ${u.name}` }, 'Remove');
        b.addEventListener('click', async () => {
          b.disabled = true;
          try { await api.removeSiteReader(saved.id, u.name); toast(`${u.name} is no longer named on ${saved.id}.`); } catch (e) { toast(e.detail || e.message, 'error'); }
          loadReaders();
        });
        return el('li', { dataset: { reader: u.name } }, el('span', {}, u.name), el('span', { class: 'muted small' }, ` ${u.organisation}`), ' ', b);
      }))
      : el('p', { class: 'muted', dataset: { testid: 'no-readers' } }, 'Nobody is named on this site.'));
  }
  readerForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    readerErr.textContent = '';
    readerInput.removeAttribute('aria-invalid');
    const name = readerInput.value.trim();
    if (!name) { readerErr.textContent = 'required'; readerInput.setAttribute('aria-invalid', 'true'); return; }
    readerAdd.disabled = true;
    try {
      await api.addSiteReader(saved.id, name);
      readerInput.value = '';
      toast(`${name} is named on ${saved.id}.`);
      loadReaders();
    } catch (e) {
      readerErr.textContent = e.detail || e.message;
      readerInput.setAttribute('aria-invalid', 'true');
    } finally {
      readerAdd.disabled = false;
    }
  });
  loadReaders();

  const section = el('section', { class: 'panel', 'aria-labelledby': 'site-edit-title', dataset: { testid: 'site-edit' } },
    el('h2', { id: 'site-edit-title' }, 'Edit the site’s details'),
    el('p', { class: 'muted small' }, 'Occupancy and value weigh in the consequences of every threat; the change is audited. Leave a field as it is to keep what is stored.'),
    form,
    el('h3', { id: 'site-readers-title' }, 'Named readers'),
    el('p', { class: 'muted small' }, 'At TLP:RED only the users named here read the site (whoever makes it RED is named).'),
    readersBox, readerForm);
  // Leaflet measures its box: draw once the section is in the page
  requestAnimationFrame(() => { drawMap(); });
  return section;
}
