// survey.js - assessment visits (issue 16 item 3): the visits of a site on its page (start
// one), and one visit: the questionnaire answered yes / partly / no / n.a., the ratings it
// proposes per threat, the assessor's confirmation or override with a reason, the findings
// (what is missing and the measures that answer it), and a second person's confirmation.

import * as api from './api.js';
import { attachmentsSection } from './attachments.js'; // the visit's evidence
import { el, put, tlpBadge, threatName, toast } from './ui.js';

const ANSWERS = [['yes', 'Yes'], ['partly', 'Partly'], ['no', 'No'], ['na', 'N/A']];
const SOURCES = { survey: 'questionnaire', import: 'import', edit: 'edit', migration: 'before visits' };

/** The site page's section: its visits, newest first, and (for its writers) a new visit. */
export function surveysSection(site, editable) {
  const box = el('div', { dataset: { testid: 'site-surveys' } }, el('p', { class: 'loading' }, 'Loading the visits…'));
  async function load() {
    let list;
    try { list = await api.siteSurveys(site.id); } catch (e) {
      put(box, el('p', { class: 'field-error', role: 'alert' }, e.detail || e.message));
      return;
    }
    const rows = list.items || [];
    put(box,
      editable ? startForm(site) : null,
      rows.length ? el('div', { class: 'table-scroll' }, el('table', { class: 'table', id: 'site-surveys' },
        el('thead', {}, el('tr', {}, ['Visited', 'Method', 'Source', 'State', 'Assessor', 'Confirmed by'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, rows.map((s) => el('tr', { dataset: { survey: String(s.id) } },
          el('td', {}, el('a', { href: `#/survey/${s.id}` }, (s.visited_at || '').slice(0, 10))),
          el('td', {}, s.method),
          el('td', {}, SOURCES[s.source] || s.source),
          el('td', {}, el('span', { class: s.state === 'draft' ? 'pill' : 'pill pill-edit' }, s.state)),
          el('td', {}, s.assessor),
          el('td', {}, s.confirmed_by || '—')))))) : el('p', { class: 'muted' }, 'No visit recorded yet.'),
      el('p', { class: 'muted small' }, 'Each assessment is a dated visit. For each method and threat, the latest confirmed visit that rated it counts; a questionnaire visit counts once a second person confirms it.'));
  }
  load();
  return el('section', { class: 'panel', 'aria-labelledby': 'site-surveys-title' },
    el('h2', { id: 'site-surveys-title' }, 'Assessment visits'), box);
}

// Start a visit: the method its questionnaire proposes ratings for, and the day of the visit.
function startForm(site) {
  const method = el('select', { id: 'survey-method', name: 'method' },
    el('option', { value: 'fema' }, 'FEMA 452 (vulnerability 1-10)'),
    el('option', { value: 'quant' }, 'Quantitative (success probability)'));
  const date = el('input', { id: 'survey-date', type: 'date', name: 'visited_on' });
  const error = el('p', { class: 'field-error', role: 'alert', dataset: { testid: 'survey-start-error' } });
  const button = el('button', { type: 'submit', class: 'btn', dataset: { testid: 'survey-start' } }, 'Start a visit');
  const form = el('form', { class: 'inline-form', dataset: { testid: 'survey-start-form' } },
    el('label', { for: 'survey-method' }, 'Method '), method, ' ',
    el('label', { for: 'survey-date' }, 'Visited on '), date, ' (empty: today) ', button, error);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    error.textContent = '';
    try {
      const s = await api.startSurvey(site.id, method.value, date.value || undefined);
      location.hash = `#/survey/${s.id}`;
    } catch (e) {
      error.textContent = e.field ? `${e.field}: ${e.detail}` : (e.detail || e.message);
      button.disabled = false;
    }
  });
  return form;
}

/** One visit: #/survey/ID. */
export async function renderSurvey(main, ctx, id) {
  const token = ctx.token;
  let s = await api.survey(id);
  if (token !== ctx.token) return;
  const [qn, current] = await Promise.all([
    s.questionnaire ? api.questionnaire(s.questionnaire.kind) : Promise.resolve(null),
    api.assessments(s.site_id).catch(() => ({})),
  ]);
  if (token !== ctx.token) return;
  const view = el('div', { dataset: { testid: 'survey-view' } });
  put(main,
    el('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, el('a', { href: '#/' }, 'Dashboard'), ' › ',
      el('a', { href: '#/site/' + encodeURIComponent(s.site_id) }, s.site_id), ' › ', `visit ${s.id}`),
    view);
  const draw = (fresh) => { s = fresh; drawSurvey(view, s, qn, current, draw); };
  draw(s);
}

function drawSurvey(view, s, qn, current, redraw) {
  const draft = s.state === 'draft';
  put(view,
    el('div', { class: 'page-head' },
      el('h1', { id: 'survey-title' }, `Visit of ${s.site_name}`), tlpBadge(String(s.tlp || '').replace(/^TLP:/, '')),
      el('span', { class: draft ? 'pill' : 'pill pill-edit', dataset: { testid: 'survey-state' } }, s.state)),
    el('p', {}, `${s.method === 'fema' ? 'FEMA 452' : 'Quantitative'} visit on ${(s.visited_at || '').slice(0, 10)} by ${s.assessor}`,
      s.questionnaire ? `, questionnaire "${s.questionnaire.kind}" version ${s.questionnaire.version}` : '',
      s.state === 'confirmed' ? `; confirmed by ${s.confirmed_by} on ${(s.confirmed_at || '').slice(0, 10)}.` : '.'),
    confirmPanel(s, redraw),
    proposalsPanel(s, current, redraw),
    findingsPanel(s),
    qn ? questionsPanel(s, qn, redraw) : null,
    // the evidence: the photos and documents attached with this visit's id (attachments.js)
    attachmentsSection({ id: s.site_id, name: s.site_name }, { survey: s.id }));
}

// Answers, grouped by section: four choices per question; saved together.
function questionsPanel(s, qn, redraw) {
  const editable = !!s.can_record;
  const chosen = new Map(Object.entries(s.answers || {}));
  const sections = [];
  for (const q of qn.questions) {
    let sec = sections.find((x) => x.name === q.section);
    if (!sec) sections.push(sec = { name: q.section, questions: [] });
    sec.questions.push(q);
  }
  const error = el('p', { class: 'field-error', role: 'alert', dataset: { testid: 'answers-error' } });
  const save = el('button', { type: 'button', class: 'btn', disabled: !editable, dataset: { testid: 'answers-save' } }, 'Save answers');
  save.addEventListener('click', async () => {
    save.disabled = true;
    error.textContent = '';
    const answers = [...chosen.entries()].map(([question_id, answer]) => ({ question_id, answer }));
    try {
      redraw(await api.surveyAnswers(s.id, answers));
      toast(`${answers.length} answers saved.`);
    } catch (e) {
      error.textContent = e.field ? `${e.field}: ${e.detail}` : (e.detail || e.message);
      save.disabled = false;
    }
  });
  return el('section', { class: 'panel', 'aria-labelledby': 'survey-questions-title' },
    el('h2', { id: 'survey-questions-title' }, `Questionnaire (${s.answered} of ${s.questions} answered)`),
    sections.map((sec) => el('fieldset', { class: 'survey-section' }, el('legend', {}, sec.name || 'Questions'),
      sec.questions.map((q) => el('div', { class: 'survey-q', dataset: { question: q.id } },
        el('p', { class: 'survey-q-text' }, q.text,
          el('span', { class: 'muted small block' }, `${q.family.replace(/_/g, ' ')}; ${q.threats.map(threatName).join(', ')}`)),
        el('div', { class: 'survey-choices', role: 'radiogroup', 'aria-label': q.text },
          ANSWERS.map(([value, label]) => {
            const input = el('input', { type: 'radio', name: `q-${q.id}`, value, disabled: !editable, checked: chosen.get(q.id) === value });
            input.addEventListener('change', () => { chosen.set(q.id, value); });
            return el('label', { class: 'survey-choice' }, input, ' ', label);
          })))))),
    editable ? el('div', { class: 'form-actions' }, save, error) : null);
}

// The proposals per threat, and the assessor's ratings: the proposal confirmed, or another
// value with a reason (FEMA: asset value and threat rating from the site's current ratings).
function proposalsPanel(s, current, redraw) {
  const fema = s.method === 'fema';
  const cur = new Map(((fema ? current.fema : current.quant) || []).map((r) => [r.threat_id, r]));
  const rated = new Map((s.ratings || []).map((r) => [r.threat_id, r]));
  const editable = !!s.can_record;
  const rows = [];
  const error = el('p', { class: 'field-error', role: 'alert', dataset: { testid: 'ratings-error' } });
  for (const p of s.proposals || []) {
    const r = rated.get(p.threat_id);
    const c = cur.get(p.threat_id);
    // ticked by default only when saving it can succeed as it stands: a recorded rating, or a
    // proposal (FEMA: with the site's current asset value and threat rating to keep)
    const ready = p.proposed && c && (!fema || (c.asset_value && c.threat_rating));
    const use = el('input', { type: 'checkbox', checked: !!r || !!(editable && ready), disabled: !editable, 'aria-label': `Rate ${threatName(p.threat_id)}` });
    const value = fema
      ? el('input', { type: 'number', min: 1, max: 10, step: 1, class: 'num-input', disabled: !editable, 'aria-label': 'Vulnerability',
        value: r ? r.vulnerability_rating : (p.proposed ? p.vulnerability_rating : '') })
      : el('input', { type: 'number', min: 0, max: 1, step: 0.01, class: 'num-input', disabled: !editable, 'aria-label': 'Success probability (mode)',
        value: r ? r.p_success.mode : (p.proposed ? p.p_success.mode : '') });
    const asset = el('input', { type: 'number', min: 1, max: 10, step: 1, class: 'num-input', disabled: !editable, 'aria-label': 'Asset value',
      value: r && fema ? r.asset_value : (c && fema ? c.asset_value : '') });
    const threat = el('input', { type: 'number', min: 1, max: 10, step: 1, class: 'num-input', disabled: !editable, 'aria-label': 'Threat rating',
      value: r && fema ? r.threat_rating : (c && fema ? c.threat_rating : '') });
    const reason = el('input', { type: 'text', maxlength: 1000, disabled: !editable, placeholder: 'reason (needed when not the proposal)', value: r ? r.reason : '' });
    rows.push({ p, use, value, asset, threat, reason, error: el('span', { class: 'field-error block', role: 'alert' }) });
  }
  const save = el('button', { type: 'button', class: 'btn', dataset: { testid: 'ratings-save' } }, 'Save ratings');
  save.addEventListener('click', async () => {
    error.textContent = '';
    for (const x of rows) { x.error.textContent = ''; for (const f of [x.value, x.asset, x.threat, x.reason]) f.removeAttribute('aria-invalid'); }
    const items = [];
    const sent = rows.filter((y) => y.use.checked);
    for (const x of sent) {
      const item = { threat_id: x.p.threat_id };
      if (fema) {
        if (x.value.value !== '') item.vulnerability_rating = Number(x.value.value);
        if (x.asset.value !== '') item.asset_value = Number(x.asset.value);
        if (x.threat.value !== '') item.threat_rating = Number(x.threat.value);
      } else if (x.value.value !== '' && !(x.p.proposed && Number(x.value.value) === x.p.p_success.mode)) {
        const m = Number(x.value.value);
        item.p_success = { min: Math.round(m * 60) / 100, mode: m, max: Math.min(0.95, Math.round(m * 140) / 100) };
      }
      if (x.reason.value.trim()) item.reason = x.reason.value;
      items.push(item);
    }
    if (!items.length) { error.textContent = 'Tick the threats to rate.'; return; }
    save.disabled = true;
    try {
      redraw(await api.surveyRatings(s.id, items));
      toast('Ratings saved.');
    } catch (e) {
      // the error's field (items[N].NAME): shown next to that input of that threat's row
      const m = /^items\[(\d+)\]\.(.*)$/.exec(e.field || '');
      const x = m ? sent[Number(m[1])] : null;
      const input = x && ({ vulnerability_rating: x.value, p_success: x.value, asset_value: x.asset, threat_rating: x.threat, reason: x.reason })[m[2]];
      if (input) {
        x.error.textContent = e.detail || e.message;
        input.setAttribute('aria-invalid', 'true');
        input.after(x.error);
        input.focus();
        error.textContent = `Not saved: see ${threatName(x.p.threat_id)}.`;
      } else {
        error.textContent = m && x ? `${threatName(x.p.threat_id)}, ${m[2].replace(/_/g, ' ')}: ${e.detail}` : (e.detail || e.message);
      }
      save.disabled = false;
    }
  });
  const proposedText = (p) => (p.proposed
    ? (fema ? `V ${p.vulnerability_rating}` : `${p.p_success.min} / ${p.p_success.mode} / ${p.p_success.max}`)
    : el('span', { class: 'muted' }, 'under 70 % answered'));
  const ratedText = (r) => (!r ? '—' : fema ? `V ${r.vulnerability_rating} (asset ${r.asset_value}, threat ${r.threat_rating})`
    : `${r.p_success.min} / ${r.p_success.mode} / ${r.p_success.max}`);
  const head = editable ? ['Threat', 'Answered', 'Deficiency', 'Proposed', 'Rate', fema ? 'Vulnerability' : 'P(success)']
    : ['Threat', 'Answered', 'Deficiency', 'Proposed', 'Rated', 'Reason'];
  if (editable && fema) head.push('Asset value', 'Threat rating');
  if (editable) head.push('Reason');
  const line = (x) => (editable
    ? [el('td', {}, x.use), el('td', {}, x.value), fema ? el('td', {}, x.asset) : null, fema ? el('td', {}, x.threat) : null, el('td', {}, x.reason)]
    : [el('td', { dataset: { testid: 'rated' } }, ratedText(rated.get(x.p.threat_id))), el('td', {}, (rated.get(x.p.threat_id) || {}).reason || '')]);
  return el('section', { class: 'panel', 'aria-labelledby': 'survey-proposals-title' },
    el('h2', { id: 'survey-proposals-title' }, editable ? 'Proposed ratings' : 'Proposed and recorded ratings'),
    el('div', { class: 'table-scroll' }, el('table', { class: 'table', id: 'survey-proposals' },
      el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows.map((x) => el('tr', { dataset: { threat: x.p.threat_id } },
        el('th', { scope: 'row' }, threatName(x.p.threat_id)),
        el('td', { class: 'num' }, `${x.p.answered} of ${x.p.questions}`),
        el('td', { class: 'num', dataset: { testid: 'deficiency' } }, x.p.deficiency == null
          ? ['—', el('span', { class: 'muted small block' }, x.p.answered ? 'all n.a.' : 'no question answered')]
          : x.p.deficiency.toFixed(2)),
        el('td', { dataset: { testid: 'proposed' } }, proposedText(x.p)),
        line(x)))))),
    editable ? el('div', { class: 'form-actions' }, save, error) : null,
    el('p', { class: 'muted small' }, 'A threat\'s deficiency is the weighted mean of its answered questions (yes 0, partly 0.5, no 1; n.a. left out; — when none is answered); the proposed vulnerability is round(1 + 9 x deficiency). No proposal below 70 % of a threat\'s questions answered.'));
}

function findingsPanel(s) {
  const f = s.findings || [];
  return el('section', { class: 'panel', 'aria-labelledby': 'survey-findings-title' },
    el('h2', { id: 'survey-findings-title' }, `Findings (${f.length})`),
    f.length ? el('ul', { class: 'findings', dataset: { testid: 'findings' } }, f.map((q) => el('li', { dataset: { question: q.id } },
      el('span', { class: 'pill' }, q.answer), ' ', q.text,
      el('span', { class: 'muted small block' }, `${q.family.replace(/_/g, ' ')}; measures: ${q.measures.join(', ') || '—'}`))))
      : el('p', { class: 'muted' }, 'No question answered no or partly.'));
}

function confirmPanel(s, redraw) {
  if (s.state !== 'draft') return null;
  const error = el('p', { class: 'field-error', role: 'alert', dataset: { testid: 'confirm-error' } });
  const button = el('button', { type: 'button', class: 'btn', dataset: { testid: 'survey-confirm' } }, 'Confirm this visit');
  button.addEventListener('click', async () => {
    button.disabled = true;
    error.textContent = '';
    try {
      redraw(await api.confirmSurvey(s.id));
      window.scrollTo(0, 0);
      toast('Visit confirmed: its ratings now count.');
    } catch (e) { error.textContent = e.detail || e.message; button.disabled = false; }
  });
  return el('section', { class: 'panel', 'aria-labelledby': 'survey-confirm-title' },
    el('h2', { id: 'survey-confirm-title' }, 'Confirmation'),
    s.can_confirm ? el('div', {}, button, error)
      : el('p', { class: 'muted' }, s.can_record ? 'A second person confirms the visit once it is rated: its assessor may not.'
        : 'The visit waits for its assessor\'s ratings, or for a second person who may confirm it.'));
}
