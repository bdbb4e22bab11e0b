// map.js - the Leaflet map: no tiles (no internet); the region's outline from the demo data
// on a plain sea-coloured background, one circle per visible site coloured by its band, a legend.

import { el, METHODS, worstThreatNames } from './ui.js';

const BAND_COLOUR = { low: '#2e7d32', medium: '#f2c200', high: '#c43e12', 'very high': '#8e0000' };
const NO_BAND = '#7a7a7a';
const MINE_RING = '#0b5cad';   // issue 16: the caller's own sites on the national view
const STYLE = {
  region: { color: '#6f6a5c', weight: 1.5, fillColor: '#f4f1e6', fillOpacity: 1 },
  water: { color: '#7fa6c0', weight: 1, fillColor: '#cfe3ef', fillOpacity: 1 },
  district_boundary: { color: '#9c9584', weight: 1.2, dashArray: '5 5', fill: false },
};

/** Draw the map of `items` (ranking items: site_id, name, tlp, lat, lon, band, score) into box;
    `level`, the ranking's threat-level text, is the level the loss bands are at (issue 11);
    `mine` (issue 16), the ids of the caller's own sites, drawn with a blue ring on the national view. */
export function drawMap(box, method, items, outline, level, mine = null, filtered = false) {
  const at = method === 'quant' && level ? ` at ${level}` : '';
  if (!window.L) {
    box.append(el('p', { class: 'note' }, 'The map library is not available; the ranking below lists every site.'));
    return null;
  }
  const L = window.L;
  const map = L.map(box, {
    attributionControl: false, zoomSnap: 0.25, minZoom: 8, maxZoom: 16,
    scrollWheelZoom: false, tap: true,
  });
  // the view first: Leaflet adds layers to a map without a view only later
  const located = items.filter((i) => Number.isFinite(i.lat) && Number.isFinite(i.lon));
  const regionFeature = outline && outline.features.find((f) => f.properties && f.properties.kind === 'region');
  let bounds = regionFeature ? L.geoJSON(regionFeature).getBounds() : null;
  if (!bounds && located.length) bounds = L.latLngBounds(located.map((i) => [i.lat, i.lon])).pad(0.15);
  if (bounds) map.fitBounds(bounds, { padding: [8, 8] });
  else map.setView([47.1, -12.0], 10);
  if (outline) {
    L.geoJSON(outline, {
      style: (f) => STYLE[f.properties && f.properties.kind] || STYLE.region,
      filter: (f) => f.properties && f.properties.kind !== 'district_label',
      interactive: false,
    }).addTo(map);
    for (const f of outline.features) {
      const p = f.properties || {};
      if (p.kind === 'district_label' && f.geometry && f.geometry.type === 'Point') {
        const [lon, lat] = f.geometry.coordinates;
        const label = L.marker([lat, lon], {
          interactive: false, keyboard: false,
          icon: L.divIcon({ className: 'district-label', html: '', iconSize: null }),
        }).addTo(map);
        const node = label.getElement();
        if (node) node.textContent = p.name;
      }
    }
  }
  const order = ['low', 'medium', 'high', 'very high'];
  // the caller's own sites last, so their rings are on top (issue 16)
  const ownLast = (it) => (mine && mine.has(it.site_id) ? 1 : 0);
  located.sort((a, b) => ownLast(a) - ownLast(b) || order.indexOf(a.band) - order.indexOf(b.band));
  for (const it of located) {
    const own = !!mine && mine.has(it.site_id);
    const m = L.circleMarker([it.lat, it.lon], {
      radius: it.band === 'high' ? 9 : 7.5, weight: own ? 4 : 1.5, color: own ? MINE_RING : '#1b1b1b',
      fillColor: BAND_COLOUR[it.band] || NO_BAND, fillOpacity: 0.92,
      className: own ? 'site-marker site-mine' : 'site-marker',
    }).addTo(map);
    const label = `${it.name} (${it.site_id})${own ? ', your organisation\'s' : ''}, TLP:${it.tlp}, rank ${it.rank}, ${it.band || 'no'} ${method === 'quant' ? 'loss ' : ''}band${it.band ? at : ''}`;
    const tlpClass = 'tlp-' + String(it.tlp).replace('+', '-').toLowerCase().replace(/[^a-z-]/g, '');
    m.bindTooltip(`<strong>${escapeHtml(it.name)}</strong>${own ? ' <span class="mine-badge">yours</span>' : ''} <span class="tlp ${tlpClass}">TLP:${escapeHtml(it.tlp)}</span><br><span class="tt-sub">rank ${it.rank} · ${escapeHtml(METHODS[method].fmt(it.score))} · ${escapeHtml(it.band ? it.band + (method === 'quant' ? ' loss band' : ' band') + at : 'no band')}${it.worst_threat ? ' · worst: ' + escapeHtml(worstThreatNames(it)) : ''}</span>`, { direction: 'top', offset: [0, -6] });
    const go = () => { location.hash = '#/site/' + encodeURIComponent(it.site_id); };
    m.on('click', go);
    const node = m.getElement();
    if (node) {
      node.setAttribute('tabindex', '0');
      node.setAttribute('role', 'link');
      node.setAttribute('aria-label', label);
      node.dataset.site = it.site_id;
      node.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); go(); } });
      node.addEventListener('focus', () => m.openTooltip());
      node.addEventListener('blur', () => m.closeTooltip());
    }
  }
  const legend = L.control({ position: 'topright' });
  legend.onAdd = () => {
    const counts = {};
    for (const it of located) counts[it.band] = (counts[it.band] || 0) + 1;
    const bands = order.filter((b) => b !== 'very high');
    return el('div', { class: 'legend', dataset: { testid: 'map-legend' } },
      el('div', { class: 'legend-title' }, method === 'carver' ? 'Attractiveness' : method === 'quant' ? 'Loss band' : 'Risk band'),
      bands.map((b) => el('div', { class: 'legend-row' },
        el('span', { class: 'swatch', style: `background:${BAND_COLOUR[b]}` }), `${b} (${counts[b] || 0})`)),
      located.some((it) => mine && mine.has(it.site_id)) ? el('div', { class: 'legend-row' }, el('span', { class: 'swatch swatch-ring', style: `border-color:${MINE_RING}` }), 'your organisation\'s') : null,
      el('div', { class: 'legend-foot' }, `${located.length} sites ${filtered ? 'matching the filter' : 'you may see'}`));
  };
  legend.addTo(map);
  const ro = new ResizeObserver(() => map.invalidateSize());
  ro.observe(box);
  return map;
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}
