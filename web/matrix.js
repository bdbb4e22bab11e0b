// matrix.js - the ISO 31000-style 5x5 likelihood x consequence matrix with counts of
// site-threat risks (quant and fema only: CARVER + Shock never goes on the matrix).

import { el, bandClass } from './ui.js';

const LIKELIHOOD = { 5: 'almost certain', 4: 'likely', 3: 'possible', 2: 'unlikely', 1: 'rare' };
const CONSEQUENCE = { 1: 'minor', 2: 'moderate', 3: 'significant', 4: 'major', 5: 'severe' };

/** A table for the matrix answer {method, total, cells: [{likelihood, consequence, count, band}]}. */
export function drawMatrix(m) {
  const cell = new Map(m.cells.map((c) => [`${c.likelihood}.${c.consequence}`, c]));
  const head = el('tr', {}, el('td', { class: 'corner' }),
    [1, 2, 3, 4, 5].map((c) => el('th', { scope: 'col' }, el('span', { class: 'axis-num' }, String(c)), el('span', { class: 'axis-word' }, CONSEQUENCE[c]))));
  const rows = [5, 4, 3, 2, 1].map((l) => el('tr', {},
    el('th', { scope: 'row' }, el('span', { class: 'axis-num' }, String(l)), el('span', { class: 'axis-word' }, LIKELIHOOD[l])),
    [1, 2, 3, 4, 5].map((c) => {
      const x = cell.get(`${l}.${c}`) || { count: 0, band: '' };
      return el('td', {
        class: `mcell ${bandClass(x.band)}${x.count ? '' : ' empty'}`,
        title: `likelihood ${l} (${LIKELIHOOD[l]}) × consequence ${c} (${CONSEQUENCE[c]}): ${x.count} risks, ${x.band}`,
        dataset: { l: String(l), c: String(c) },
      }, el('span', { class: 'count' }, String(x.count)), el('span', { class: 'sr-only' }, ` risks, ${x.band} band`));
    })));
  return el('div', { class: 'matrix-wrap' },
    el('div', { class: 'matrix-axes' },
      el('div', { class: 'axis-y', 'aria-hidden': 'true' }, 'Likelihood →'),
      el('table', { class: 'matrix', dataset: { testid: 'matrix' } },
        el('caption', { class: 'sr-only' }, `Counts of site-threat risks by likelihood (rows) and consequence (columns), ${m.method}`),
        el('thead', {}, head), el('tbody', {}, rows))),
    el('div', { class: 'axis-x', 'aria-hidden': 'true' }, 'Consequence →'),
    el('p', { class: 'matrix-foot' }, `${m.total} site-threat risks of the sites you may see · computed under ${m.threat_level_text || m.threat_level}`),
    el('div', { class: 'matrix-legend' },
      ['low', 'medium', 'high', 'very high'].map((b) => el('span', { class: 'band ' + bandClass(b) }, b))));
}
