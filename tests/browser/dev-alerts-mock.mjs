// dev-alerts-mock.mjs - a development tool, NOT a test (make check never runs it): the public
// alerts view (issue 13) against a small stateful stand-in for the alert endpoints staged with
// page.route() (docs/api.md "Public alerts"), for working on the page before (or without) the
// server's endpoints. Screenshots go to tests/browser/out/dev-alerts-*.png.
//
// node tests/browser/dev-alerts-mock.mjs --protect ./protect [--chromium /usr/bin/chromium]

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const argv = process.argv.slice(2);
const opt = (k, d) => { const i = argv.indexOf('--' + k); return i >= 0 ? argv[i + 1] : d; };
const PROTECT = path.resolve(opt('protect', './protect'));
const CHROMIUM = opt('chromium', '/usr/bin/chromium');
const OUT = path.join(path.dirname(new URL(import.meta.url).pathname), 'out');

/* ---- fixtures: the texts are invented stand-ins for data/alerts/*.json ---- */

const T = (id, allClear, radius, hours, en, mk, sq) => ({
  id, all_clear: allClear, radius_km: radius, duration_h: hours, categories: ['Security'],
  responses: [allClear ? 'AllClear' : 'Shelter'], urgency: 'Immediate', severity: 'Extreme', certainty: 'Observed',
  languages: [['en', ...en], ['mk', ...mk], ['sq', ...sq]].map(([language, event, headline, instruction, description]) => ({ language, event, headline, instruction, description })),
});
const TEMPLATES = [
  T('armed-attack', false, 1, 6,
    ['Armed attack', 'Armed attack at {site} in {region}', 'RUN to a safe place if you can. HIDE if you cannot: lock doors, silence phones. TELL the police on 112 when safe.', 'Police report an armed attack at {site}. Avoid the area within {radius} km until {expires}.'],
    ['Вооружен напад', 'Вооружен напад во {site}, {region}', 'БЕГАЈТЕ на безбедно место ако можете. СКРИЈТЕ СЕ ако не можете: заклучете ги вратите, исклучете го звукот на телефоните. ЈАВЕТЕ на 112 кога ќе бидете безбедни.', 'Полицијата пријавува вооружен напад во {site}. Избегнувајте ја областа од {radius} km до {expires}.'],
    ['Sulm i armatosur', 'Sulm i armatosur në {site}, {region}', 'VRAPONI në një vend të sigurt nëse mundeni. FSHIHUNI nëse nuk mundeni: mbyllni dyert, heshtni telefonat. NJOFTONI policinë në 112 kur të jeni të sigurt.', 'Policia raporton një sulm të armatosur në {site}. Shmangni zonën prej {radius} km deri në {expires}.']),
  T('all-clear', true, 1, 2,
    ['All clear', 'All clear: {site}', 'The danger has passed. Follow the instructions of the police on site.', 'The police have ended the operation at {site}.'],
    ['Опасноста помина', 'Опасноста помина: {site}', 'Опасноста помина. Следете ги упатствата на полицијата.', 'Полицијата ја заврши акцијата во {site}.'],
    ['Rreziku kaloi', 'Rreziku kaloi: {site}', 'Rreziku ka kaluar. Ndiqni udhëzimet e policisë.', 'Policia e përfundoi operacionin në {site}.']),
];

const NEEDS_UCS2 = /[^\n\r !"#$%&'()*+,\-./0-9:;<=>?@A-Z_a-z£¥èéùìòÇØøÅåΔΦΓΛΩΠΨΣΘΞÆæßÉÄÖÑÜ§¿äöñüà]/;
function cb(language, headline, instruction, maxPages = 4) {
  const text = headline + '\n' + instruction;
  const ucs2 = NEEDS_UCS2.test(text);
  const per = ucs2 ? 41 : 93;   // as the cell-broadcast count of issue 13 (a page: 93 GSM-7 or 41 UCS-2)
  const units = [...text].length;
  const pages = Math.max(1, Math.ceil(units / per));
  return { language, headline, pages, max_pages: maxPages, ucs2, units, per_page: per, fits: pages <= maxPages };
}
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));

const state = { n: 0, alerts: [], sites: new Map() };
const NOW = Date.parse('2026-12-01T00:00:00Z');
const capTime = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '-00:00');

function compose(b, who, { updates = null, cancels = null } = {}) {
  const prev = updates || cancels ? state.alerts.find((a) => a.identifier === (updates || cancels)) : null;
  const site = state.sites.get(b.site_id || (prev && prev.site_id));
  if (!site) return { status: 404, body: { error: 'site: no such site', field: 'site' } };
  const tpl = TEMPLATES.find((t) => t.id === (b.template || (prev && prev.template)));
  if (!tpl) return { status: 400, body: { error: 'template: no such template', field: 'template' } };
  const sent = NOW + (++state.n) * 60000;
  const hours = b.duration_h || tpl.duration_h;
  const radius = b.radius_km || tpl.radius_km;
  const id = `PT-${new Date(sent).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z-${(0x1a2b3c00 + state.n).toString(16)}`;
  const status = b.status || (prev && prev.status) || 'Actual';
  const langs = b.languages || (prev && prev.languages) || ['en', 'mk', 'sq'];
  const word = { en: 'EXERCISE', mk: 'EXERCISE – ВЕЖБА', sq: 'EXERCISE – USHTRIM' };
  const fill = (s) => s.replaceAll('{site}', b.generic_area ? 'a public place' : site.name).replaceAll('{region}', site.region || 'Orrinford')
    .replaceAll('{radius}', String(radius)).replaceAll('{expires}', new Date(sent + hours * 3600000).toISOString().slice(11, 16));
  const infos = cancels ? [] : langs.map((l) => {
    const t = tpl.languages.find((x) => x.language === l);
    const headline = (status === 'Actual' ? '' : word[l] + ' ') + fill(t.headline);
    return { l, event: t.event, headline, instruction: fill(t.instruction), description: fill(t.description) };
  });
  const chainMsgs = prev ? state.alerts.filter((a) => a.chain === prev.chain).sort((a, b2) => a.sent.localeCompare(b2.sent)) : [];
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>${id}</identifier><sender>crisis-centre@vellmark.example</sender><sent>${capTime(sent)}</sent><status>${status}</status><msgType>${cancels ? 'Cancel' : updates ? 'Update' : 'Alert'}</msgType><scope>Public</scope>${status !== 'Actual' ? `<note>${status.toUpperCase()} - not a real alert</note>` : cancels ? `<note>${esc(b.note || '')}</note>` : ''}${chainMsgs.length ? `<references>${chainMsgs.map((a) => `crisis-centre@vellmark.example,${a.identifier},${a.sent}`).join(' ')}</references>` : ''}
${infos.map((i) => `<info><language>${i.l}</language><category>Security</category><event>${esc(i.event)}</event><urgency>Immediate</urgency><severity>Extreme</severity><certainty>Observed</certainty><headline>${esc(i.headline)}</headline><description>${esc(i.description)}</description><instruction>${esc(i.instruction)}</instruction><area><areaDesc>${esc(b.generic_area ? 'A public place in ' + (site.region || 'Orrinford') : site.name)}</areaDesc><circle>${site.lat},${site.lon} ${radius}</circle></area></info>`).join('\n')}
</alert>`;
  const warnings = [];
  if (['AMBER', 'AMBER+STRICT', 'RED'].includes(site.tlp) && !b.generic_area) warnings.push({ code: 'reveals_site', message: `site ${site.id} is TLP:${site.tlp}: a public alert reveals its name and place; "generic_area": true uses the template's generic texts instead` });
  const cbs = infos.map((i) => cb(i.l, i.headline, i.instruction));
  for (const c of cbs) if (!c.fits) warnings.push({ code: 'cell_broadcast', message: `${c.language}: the headline and instruction need ${c.pages} cell-broadcast pages (at most ${c.max_pages})` });
  return {
    status: 200,
    body: {
      identifier: id, chain: prev ? prev.chain : id, references: prev ? prev.identifier : null, msg_type: cancels ? 'Cancel' : updates ? 'Update' : 'Alert',
      status, state: 'preview', site_id: site.id, site_name: site.name, template: tpl.id, languages: langs, radius_km: radius, polygon: false,
      generic_area: !!b.generic_area, sent: capTime(sent), expires: capTime(sent + hours * 3600000), composer: who, approver: null,
      composed_at: new Date(sent).toISOString(), decided_at: null, reason: null, latest: true, in_feed: false, sha256: 'ab12'.repeat(16),
      cb: cbs, warnings, xml,
    },
  };
}

export async function stageAlerts(page, whoami) {
  const json = (route, status, body) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
  await page.route('**/api/v1/alert-templates', (route) => json(route, 200, { templates: TEMPLATES }));
  await page.route(/\/api\/v1\/alerts(\/.*)?$/, async (route) => {
    const req = route.request();
    const url = new URL(req.url());
    const rest = url.pathname.replace(/^\/api\/v1\/alerts/, '');
    const b = req.postData() ? JSON.parse(req.postData()) : {};
    const me = whoami();
    if (!state.sites.size) {
      const r = await route.fetch({ url: `${url.origin}/api/v1/sites?limit=1000` });
      for (const s of (await r.json()).items) state.sites.set(s.id, s);
    }
    const find = (id) => state.alerts.find((a) => a.identifier === decodeURIComponent(id));
    const noXml = (a) => { const { xml, ...r } = a; return r; };
    if (req.method() === 'GET' && rest === '') return json(route, 200, { alerts: state.alerts.slice().reverse().map(noXml), feed_url: '/alerts.atom' });
    if (req.method() === 'POST' && rest === '/preview') { const r = compose(b, me, b); return json(route, r.status, r.body); }
    if (req.method() === 'POST' && rest === '') {
      const r = compose(b, me);
      if (r.status !== 200) return json(route, r.status, r.body);
      r.body.state = r.body.status === 'Actual' ? 'pending' : 'issued';
      state.alerts.push(r.body);
      return json(route, 201, r.body);
    }
    let m = /^\/([^/]+)$/.exec(rest);
    if (m && req.method() === 'GET') { const a = find(m[1]); return a ? json(route, 200, a) : json(route, 404, { error: 'no such alert' }); }
    m = /^\/([^/]+)\/(approve|reject|update|cancel)$/.exec(rest);
    if (m) {
      const a = find(m[1]);
      if (!a) return json(route, 404, { error: 'no such alert' });
      if (m[2] === 'approve' || m[2] === 'reject') {
        if (a.state !== 'pending') return json(route, 409, { error: 'the message is not pending' });
        if (a.composer === me && m[2] === 'approve') return json(route, 403, { error: 'a second person must approve: you composed this message', code: 'same_person' });
        a.state = m[2] === 'approve' ? 'issued' : 'rejected';
        a.approver = me; a.decided_at = new Date(NOW + 3600000).toISOString(); a.reason = b.reason || null;
        if (a.state === 'issued' && a.status === 'Actual') {
          for (const o of state.alerts) if (o.chain === a.chain) { o.in_feed = false; o.latest = false; }
          a.in_feed = true; a.latest = true;
        }
        return json(route, 200, a);
      }
      const r = compose(m[2] === 'update' ? b : { note: b.note }, me, m[2] === 'update' ? { updates: a.identifier } : { cancels: a.identifier });
      if (r.status !== 200) return json(route, r.status, r.body);
      r.body.state = r.body.status === 'Actual' ? 'pending' : 'issued';
      state.alerts.push(r.body);
      return json(route, 201, r.body);
    }
    return json(route, 404, { error: 'not staged' });
  });
}

/** axe-core's serious and critical WCAG 2 A/AA findings, added to problems. */
async function axe(page, where, problems) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`);
  });
  for (const f of found) problems.push(`${where}: ${f}`);
}

function freePort() {
  return new Promise((resolve) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'protect-dev-'));
  const db = path.join(dir, 'demo.db');
  await new Promise((resolve, reject) => { const p = spawn(PROTECT, ['--db', db, 'demo'], { stdio: 'ignore' }); p.on('close', (c) => (c ? reject(new Error('demo ' + c)) : resolve())); });
  const port = await freePort();
  const srv = spawn(PROTECT, ['--db', db, 'serve', '--bind', '127.0.0.1', '--port', String(port)], { stdio: 'ignore', env: { ...process.env, PROTECT_NOW: '2026-12-01T00:00Z' } });
  const BASE = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) { try { if ((await fetch(BASE + '/api/v1/session')).status === 401) break; } catch (e) { /* not yet */ } await new Promise((r) => setTimeout(r, 150)); }
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
  const problems = [];
  let user = 'pio';
  try {
    for (const [vp, size] of [['laptop', { width: 1366, height: 768 }], ['tablet', { width: 820, height: 1180 }]]) {
      const context = await browser.newContext({ viewport: size, deviceScaleFactor: 1, bypassCSP: true });
      const page = await context.newPage();
      page.setDefaultTimeout(15000);
      page.on('pageerror', (e) => problems.push(`${vp}: ${e.message}`));
      page.on('console', (m) => { if (m.type() === 'error' && !/401|403/.test(m.text())) problems.push(`${vp}: ${m.text()}`); });
      await stageAlerts(page, () => user);
      const login = async (name) => {
        user = name;
        await page.goto(BASE + '/');
        await page.locator('#login-user').fill(name);
        await page.locator('#login-password').fill('demo-' + name);
        await page.getByRole('button', { name: 'Log in' }).click();
        await page.locator('[data-testid=user-name]').waitFor();
      };
      await login('pio');
      await page.locator('#mainnav').getByRole('link', { name: 'Alerts' }).click();
      await page.locator('#al-site').selectOption('VM-023');
      await page.locator('[data-testid=al-lang]').first().waitFor();
      await page.screenshot({ path: path.join(OUT, `dev-alerts-${vp}-amber.png`) });
      await page.locator('#al-site').selectOption('VM-029');
      await page.waitForTimeout(900);
      await page.screenshot({ path: path.join(OUT, `dev-alerts-${vp}-compose.png`) });
      await page.locator('[data-testid=al-preview]').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(OUT, `dev-alerts-${vp}-preview.png`) });
      await axe(page, `${vp} composer`, problems);
      await page.locator('[data-testid=al-submit]').click();
      await page.locator('.al-pending').first().waitFor();
      await axe(page, `${vp} pending`, problems);
      await page.locator('.al-pending').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(OUT, `dev-alerts-${vp}-pending-own.png`) });
      await page.getByRole('button', { name: 'Log out' }).click();
      await login('coordinator');
      await page.goto(BASE + '/#/alerts');
      await page.locator('[data-testid=al-approve]').first().click();
      await page.locator('#al-chains [data-testid=al-cancel]').first().waitFor();
      await page.locator('#al-chains').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(OUT, `dev-alerts-${vp}-chains.png`) });
      await page.locator('#al-chains [data-testid=al-update]').first().click();
      await page.waitForTimeout(900);
      await page.screenshot({ path: path.join(OUT, `dev-alerts-${vp}-update.png`) });
      await page.getByRole('button', { name: 'Log out' }).click();
      await login('operator');
      await page.goto(BASE + '/#/alerts');
      await page.locator('h1').filter({ hasText: 'Public alerts' }).waitFor();
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(OUT, `dev-alerts-${vp}-reader.png`) });
      await context.close();
      state.alerts = []; state.n = 0;
    }
  } finally {
    await browser.close();
    srv.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (problems.length) { console.log(problems.join('\n')); process.exit(1); }
  console.log(`screenshots in ${OUT}/dev-alerts-*.png`);
}

if (process.argv[1] && process.argv[1].endsWith('dev-alerts-mock.mjs')) main();
