// matrix.js - the ISO 31000-style 5x5 likelihood x consequence matrix with counts of
// site-threat risks (quant and fema only: CARVER + Shock never goes on the matrix).

import { el, put, bandClass, threatName, tlpBadge } from './ui.js';

const LIKELIHOOD = { 5: 'almost certain', 4: 'likely', 3: 'possible', 2: 'unlikely', 1: 'rare' };
const CONSEQUENCE = { 1: 'minor', 2: 'moderate', 3: 'significant', 4: 'major', 5: 'severe' };

/** A table for the matrix answer {method, total, cells: [{likelihood, consequence, count, band}]}.
    opts.pairs (issue 16): (likelihood, consequence) => a promise of the cell's site-threat pairs;
    with it a cell that counts any is a button that lists them under the matrix. */
export function drawMatrix(m, opts = {}) {
  const pairsBox = el('div', { class: 'cell-pairs', dataset: { testid: 'cell-pairs' }, 'aria-live': 'polite' });
  let chosen = null;
  const cell = new Map(m.cells.map((c) => [`${c.likelihood}.${c.consequence}`, c]));
  const head = el('tr', {}, el('td', { class: 'corner' }),
    [1, 2, 3, 4, 5].map((c) => el('th', { scope: 'col' }, el('span', { class: 'axis-num' }, String(c)), el('span', { class: 'axis-word' }, CONSEQUENCE[c]))));
  const rows = [5, 4, 3, 2, 1].map((l) => el('tr', {},
    el('th', { scope: 'row' }, el('span', { class: 'axis-num' }, String(l)), el('span', { class: 'axis-word' }, LIKELIHOOD[l])),
    [1, 2, 3, 4, 5].map((c) => {
      const x = cell.get(`${l}.${c}`) || { count: 0, band: '' };
      const content = [el('span', { class: 'count' }, String(x.count)), el('span', { class: 'sr-only' }, ` risks, ${x.band} band`)];
      const td = el('td', {
        class: `mcell ${bandClass(x.band)}${x.count ? '' : ' empty'}`,
        title: `likelihood ${l} (${LIKELIHOOD[l]}) × consequence ${c} (${CONSEQUENCE[c]}): ${x.count} risks, ${x.band}`,
        dataset: { l: String(l), c: String(c) },
      });
      if (opts.pairs && x.count) {
        const b = el('button', { type: 'button', class: 'cell-open', 'aria-label': `${x.count} risks of likelihood ${l} (${LIKELIHOOD[l]}) and consequence ${c} (${CONSEQUENCE[c]}), ${x.band} band: list them`, 'aria-controls': 'cell-pairs' }, content);
        b.addEventListener('click', () => openCell(td, l, c, x));
        put(td, b);
      } else {
        put(td, content);
      }
      return td;
    })));
  /* the pairs of one cell, each a link to its site; the same cell again closes the list */
  async function openCell(td, l, c, x) {
    if (chosen) chosen.classList.remove('chosen');
    if (chosen === td) { chosen = null; put(pairsBox); return; }
    chosen = td;
    td.classList.add('chosen');
    put(pairsBox, el('p', { class: 'muted' }, 'Loading…'));
    try {
      const cellAnswer = await opts.pairs(l, c);
      const items = cellAnswer.items || [];
      if (chosen !== td) return;
      put(pairsBox,
        el('h3', { id: 'cell-pairs-title' }, `Likelihood ${l} (${LIKELIHOOD[l]}) × consequence ${c} (${CONSEQUENCE[c]}): ${items.length} site-threat risk${items.length === 1 ? '' : 's'}`,
          Number.isFinite(cellAnswer.total) && cellAnswer.total > items.length ? ` (of ${cellAnswer.total})` : ''),
        items.length ? el('div', { class: 'table-scroll' }, el('table', { class: 'table cell-table' },
          el('caption', { class: 'sr-only' }, 'The site-threat risks of the chosen cell'),
          el('thead', {}, el('tr', {}, ['Site', 'Threat', 'TLP'].map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, items.map((p) => el('tr', { dataset: { site: p.site_id, threat: p.threat_id } },
            el('th', { scope: 'row', class: 'site-cell' }, el('a', { href: '#/site/' + encodeURIComponent(p.site_id) }, p.site_name || p.site_id),
              el('span', { class: 'site-id' }, p.site_id)),
            el('td', {}, threatName(p.threat_id)),
            el('td', {}, p.tlp ? tlpBadge(p.tlp) : '—'))))))
          : el('p', { class: 'muted' }, 'None of them is one you may see with this filter.'));
    } catch (e) {
      if (chosen === td) put(pairsBox, el('p', { class: 'form-error', role: 'alert' }, e.message));
    }
  }
  pairsBox.id = 'cell-pairs';
  return el('div', { class: 'matrix-wrap' },
    el('div', { class: 'matrix-axes' },
      el('div', { class: 'axis-y', 'aria-hidden': 'true' }, 'Likelihood →'),
      el('table', { class: 'matrix', dataset: { testid: 'matrix' } },
        el('caption', { class: 'sr-only' }, `Counts of site-threat risks by likelihood (rows) and consequence (columns), ${m.method}`),
        el('thead', {}, head), el('tbody', {}, rows))),
    el('div', { class: 'axis-x', 'aria-hidden': 'true' }, 'Consequence →'),
    el('p', { class: 'matrix-foot' }, `${m.total} site-threat risks of the sites ${opts.filtered ? 'shown' : 'you may see'} · computed under ${m.threat_level_text || m.threat_level}`),
    el('div', { class: 'matrix-legend' },
      ['low', 'medium', 'high', 'very high'].map((b) => el('span', { class: 'band ' + bandClass(b) }, b))),
    opts.pairs ? el('p', { class: 'muted small' }, 'Choose a cell to list its site-threat risks.') : null,
    pairsBox);
}
