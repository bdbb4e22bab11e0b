// test.mjs - the web page as people use it, in headless chromium (playwright-core), against a
// real `protect serve` on 127.0.0.1 with a fresh demo database. Run by ./run; see docs/internals/web.md.
//
// node test.mjs --protect PATH --chromium PATH --out DIR [--url URL (a running server: no start)]
// Users come from the demo log-ins in the README; override with BROWSER_<ROLE>_USER/_PASSWORD.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

/* ---- options ---- */

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const OUT = args.out || path.join(path.dirname(new URL(import.meta.url).pathname), 'out');
const CHROMIUM = args.chromium || '/usr/bin/chromium';
const PROTECT = args.protect;
const ONLY = process.env.BROWSER_ONLY || '';   // run only the tests whose name contains this
// A lane of ./run (CI): the tests from the first whose name starts with BROWSER_FROM, up to the
// first whose name starts with BROWSER_UNTIL (not run), on a server and chromium of its own.
const FROM = process.env.BROWSER_FROM || '';
const UNTIL = process.env.BROWSER_UNTIL || '';
const LANE = process.env.BROWSER_LANE || '';   // names the lane's server log: server-LANE.log
const SERVER_LOG = LANE ? `server-${LANE}.log` : 'server.log';
const PASSWORD = process.env.BROWSER_PASSWORD;

// The demo log-ins (README "Demo log-ins", `protect demo`: password demo-NAME).
function who(role, name) {
  const key = `BROWSER_${role.toUpperCase()}`;
  const user = process.env[`${key}_USER`] || name;
  return { name: user, password: process.env[`${key}_PASSWORD`] || PASSWORD || `demo-${user}` };
}
const U = {
  operator: who('operator', 'operator'),         // Northgate Utilities, operator
  viewer: who('viewer', 'viewer'),               // Northgate Utilities, viewer
  third: who('third', 'harbour'),                // Harbourlight Group, operator: a third organisation
  partner: who('partner', 'security'),           // Sentinel Guarding Services, Northgate's partner
  analyst: who('analyst', 'analyst'),            // Ministry of the Interior (government), analyst
  coordinator: who('coordinator', 'coordinator'), // Ministry of the Interior, coordinator
  admin: who('admin', 'admin'),                  // Ministry of the Interior, admin
};
// Demo records the tests rely on (data/demo/sites.csv).
const OWN_SITE = process.env.BROWSER_OWN_SITE || 'VM-003';     // Northgate Utilities, TLP:GREEN
const STRICT_SITE = process.env.BROWSER_STRICT_SITE || 'VM-002'; // Northgate Utilities, TLP:AMBER+STRICT
const STRICT_NAME = 'Brackwater Grid Substation';
const AMBER_SITE = 'VM-001';                                    // Northgate Utilities, TLP:AMBER
const AMBER_NAME = 'Orrinford Combined-Cycle Power Station';

const VIEWPORTS = { laptop: { width: 1366, height: 768 }, tablet: { width: 820, height: 1180 } };
const PHONE = { width: 390, height: 844 };   // issue 12 review (m3): one test at phone size, not every page

/* ---- the server ---- */

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function run(cmd, argv, opts = {}) {
  return new Promise((resolve) => {
    const p = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    p.on('close', (code) => resolve({ code, out }));
    p.on('error', (e) => resolve({ code: -1, out: String(e) }));
  });
}

async function startServer() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'protect-browser-'));
  const db = path.join(dir, 'demo.db');
  const demo = await run(PROTECT, ['--db', db, 'demo']);
  if (demo.code !== 0) throw new Error(`protect demo failed (${demo.code}): ${demo.out}`);
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const log = fs.openSync(path.join(OUT, SERVER_LOG), 'w');
    const child = spawn(PROTECT, ['--db', db, 'serve', '--bind', '127.0.0.1', '--port', String(port)],
      { stdio: ['ignore', log, log] });
    let exited = null;
    child.on('exit', (code, sig) => { exited = { code, sig }; });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 20000;
    while (Date.now() < deadline && !exited) {
      try {
        const r = await fetch(url + '/api/v1/session');
        if (r.status === 401) return { url, child, dir };
      } catch (e) { /* not listening yet */ }
      await new Promise((r) => setTimeout(r, 150));
    }
    if (!exited) child.kill('SIGKILL');
    if (attempt === 2 || !exited) {
      throw new Error(`protect serve did not answer on ${url}: ${fs.readFileSync(path.join(OUT, SERVER_LOG), 'utf8').slice(-2000)}`);
    }
  }
  throw new Error('unreachable');
}

async function stopServer(srv) {
  if (!srv || !srv.child) return;
  const done = new Promise((resolve) => srv.child.once('exit', resolve));
  srv.child.kill('SIGTERM');
  const t = setTimeout(() => srv.child.kill('SIGKILL'), 8000);
  await done;
  clearTimeout(t);
  fs.rmSync(srv.dir, { recursive: true, force: true });
}

/* ---- a small test runner ---- */

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

function assert(cond, message) { if (!cond) throw new Error(message); }
function eq(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

let browser;
let BASE;
const problems = [];   // console errors and page errors seen by any page

async function newPage(viewport = 'laptop', { bypassCSP = false } = {}) {
  // bypassCSP only for axe-core, which injects its script inline
  const context = await browser.newContext({ viewport: viewport === 'phone' ? PHONE : VIEWPORTS[viewport], deviceScaleFactor: 1, hasTouch: viewport !== 'laptop', bypassCSP });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // A 401 before log-in and the 404 of a record one may not see are expected answers (and
    // issue 14: the 413 of a simulation beyond the role's limit; issue 15: the 409 of a decision
    // whose value is in force already, shown next to its field; issue 16: the 415 of a file
    // that is no JPEG, PNG or PDF by its bytes, shown next to the upload).
    if (m.type() === 'error' && !/status of (401|404|400|403|409|413|415)/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return page;
}

async function shot(page, name) {
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: false });
}

async function login(page, user) {
  await page.goto(BASE + '/');
  await page.locator('#login-user').fill(user.name);
  await page.locator('#login-password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('[data-testid=user-name]').waitFor();
  eq(await page.locator('[data-testid=user-name]').textContent(), user.name, 'logged-in user shown');
  await page.locator('#ranking tbody tr').first().waitFor();
}

async function dashboard(page, method) {
  await page.locator('#mainnav').getByRole('link', { name: 'Dashboard' }).click();
  await page.locator(`label[for=method-${method}]`).click();
  await page.locator(`#ranking[data-method=${method}] tbody tr`).first().waitFor();
}

async function rankingRow(page, siteId) {
  const row = page.locator(`#ranking tbody tr[data-site="${siteId}"]`);
  if (await row.count() === 0) return null;
  return {
    rank: (await row.locator('[data-testid=rank]').textContent()).trim(),
    score: (await row.locator('[data-testid=score]').textContent()).trim(),
  };
}

/* ---- the tests ---- */

test('log-in refuses a wrong password and says so', async () => {
  const page = await newPage();
  await page.goto(BASE + '/');
  await page.locator('#login-user').fill(U.operator.name);
  await page.locator('#login-password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('#login-error').filter({ hasText: /wrong user name or password/i }).waitFor();
  assert(await page.locator('#topbar').isHidden(), 'the top bar stays hidden before log-in');
  await shot(page, 'laptop-login-error');
  await page.context().close();
});

test('operator changes a FEMA assessment and sees the rank change', async () => {
  const page = await newPage();
  await login(page, U.operator);
  // issue 16: an operator opens on its own sites, ranked among them; a site's page gives its rank
  // among every site the operator may see, which the national view ranks
  await page.locator('[data-testid=national-view]').click();
  await page.locator('[data-testid=scope]', { hasText: 'National view' }).waitFor();
  await dashboard(page, 'fema');
  const before = await rankingRow(page, OWN_SITE);
  assert(before, `${OWN_SITE} is in the operator's FEMA ranking`);
  await page.locator(`#ranking tbody tr[data-site="${OWN_SITE}"] a`).click();
  await page.locator('[data-testid=rank-fema]').waitFor();
  eq(await page.locator('[data-testid=edit-state]').textContent(), 'You may edit this site', 'edit state');
  const siteBefore = (await page.locator('[data-testid=rank-fema]').textContent()).trim();
  eq(siteBefore, `Rank ${before.rank}`, 'the site page shows the same rank as the ranking');
  await shot(page, 'laptop-site-before');

  // a wrong value is refused in the form, next to its field, and nothing is sent
  const first = page.locator('#form-fema input[data-field="items[0].vulnerability_rating"]');
  await first.fill('11');
  await page.locator('[data-testid=save-fema]').click();
  await page.locator('#fema-0-vulnerability_rating-err').filter({ hasText: 'at most 10' }).waitFor();
  eq(await first.getAttribute('aria-invalid'), 'true', 'the bad field is marked invalid');
  eq((await page.locator('[data-testid=rank-fema]').textContent()).trim(), siteBefore, 'rank unchanged after a refused form');
  await shot(page, 'laptop-site-form-error');

  // an error from the server lands next to the field it names; items[0] is the first row *sent*
  // (here the third row of the form). The answer is staged: the server's own checks are tested
  // in tests/http, this checks how the page shows them.
  await first.fill(await first.getAttribute('data-saved'));
  const third = page.locator('#form-fema input[data-field="items[2].vulnerability_rating"]');
  await third.fill('9');
  await page.route('**/api/v1/sites/*/assessments/fema', (route) => route.fulfill({
    status: 400, contentType: 'application/json',
    body: JSON.stringify({ error: 'items[0].vulnerability_rating: must be a whole number from 1 to 10', field: 'items[0].vulnerability_rating' }),
  }), { times: 1 });
  await page.locator('[data-testid=save-fema]').click();
  await page.locator('#fema-2-vulnerability_rating-err').filter({ hasText: /^must be a whole number from 1 to 10$/ }).waitFor();
  eq(await third.getAttribute('aria-invalid'), 'true', 'the field the server named is marked invalid');
  eq(await first.getAttribute('aria-invalid'), null, 'the first row is no longer marked');
  await shot(page, 'laptop-site-server-error');

  // every threat at the top of the scale: the site's worst FEMA risk becomes A x 10 x 10
  const rows = page.locator('#form-fema tbody tr');
  const n = await rows.count();
  for (let i = 0; i < n; i++) {
    await page.locator(`#form-fema input[data-field="items[${i}].threat_rating"]`).fill('10');
    await page.locator(`#form-fema input[data-field="items[${i}].vulnerability_rating"]`).fill('10');
  }
  await page.locator('[data-testid=save-fema]').click();
  await page.locator('[data-testid=status-fema]').filter({ hasText: 'rank now' }).waitFor();
  const siteAfter = (await page.locator('[data-testid=rank-fema]').textContent()).trim();
  assert(siteAfter !== siteBefore, `the site's FEMA rank changed on its page (still ${siteAfter})`);
  const afterRank = Number(siteAfter.replace('Rank ', ''));
  assert(afterRank < Number(before.rank), `the rank went up: ${siteBefore} -> ${siteAfter}`);
  await page.locator('[data-testid=standing-fema] .was').filter({ hasText: `was rank ${before.rank}` }).waitFor();
  await shot(page, 'laptop-site-after');

  // the dashboard's ranking shows the new rank and score too
  await dashboard(page, 'fema');
  const after = await rankingRow(page, OWN_SITE);
  eq(`Rank ${after.rank}`, siteAfter, 'the ranking shows the rank of the site page');
  assert(after.score !== before.score, `the FEMA score changed in the ranking (${before.score} -> ${after.score})`);
  eq(after.score, '700', `the FEMA score of ${OWN_SITE} with A=7, T=10, V=10`);
  await page.context().close();
});

test('viewer sees no edit controls and no import, then logs out', async () => {
  const page = await newPage();
  await login(page, U.viewer);
  assert(await page.locator('#mainnav').getByRole('link', { name: 'Import' }).count() === 0, 'no Import link for a viewer');
  await page.goto(`${BASE}/#/site/${OWN_SITE}`);
  await page.locator('[data-testid=rank-fema]').waitFor();
  eq(await page.locator('[data-testid=edit-state]').textContent(), 'Read only', 'edit state');
  eq(await page.locator('main input[type=number]').count(), 0, 'number inputs on the page of a viewer');
  eq(await page.locator('main button[type=submit]').count(), 0, 'save buttons on the page of a viewer');
  assert(await page.locator('#form-fema tbody tr').count() > 0, 'the viewer still reads the FEMA assessment');
  eq(await page.getByRole('button', { name: 'Change' }).count(), 0, 'threat-level Change button for a viewer');
  await shot(page, 'laptop-site-viewer');
  // log out: back to the log-in form, and a reload does not bring the session back
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.locator('#login-user').waitFor();
  await page.reload();
  await page.locator('#login-user').waitFor();
  assert(await page.locator('#topbar').isHidden(), 'the top bar is hidden after log-out');
  await page.context().close();
});

test('an AMBER+STRICT site is shown to its owner and absent for a third organisation', async () => {
  // the owner's operator sees it (so the absence below is not an accident of the page)
  const own = await newPage();
  await login(own, U.operator);
  await dashboard(own, 'quant');
  assert(await rankingRow(own, STRICT_SITE), `${STRICT_SITE} is in its owner's ranking`);
  assert(await own.locator(`#map [data-site="${STRICT_SITE}"]`).count() === 1, `${STRICT_SITE} is on its owner's map`);
  await own.context().close();

  // another operator, the owner's partner (reads its AMBER) and a government analyst (reads all
  // AMBER): none of them may see AMBER+STRICT
  for (const [who, user] of [['a third organisation', U.third], ['the partner', U.partner], ['a government analyst', U.analyst]]) {
    const page = await newPage();
    await login(page, user);
    for (const method of ['quant', 'fema', 'carver']) {
      await dashboard(page, method);
      eq(await rankingRow(page, STRICT_SITE), null, `${STRICT_SITE} row in the ${method} ranking of ${who}`);
      eq(await page.locator(`#map [data-site="${STRICT_SITE}"]`).count(), 0, `${STRICT_SITE} marker on the map of ${who} (${method})`);
      eq(await page.getByText(STRICT_NAME).count(), 0, `"${STRICT_NAME}" anywhere on the dashboard of ${who} (${method})`);
      assert(await page.locator('#map [data-site]').count() > 10, 'the map shows the sites the user may see');
    }
    await page.goto(`${BASE}/#/site/${STRICT_SITE}`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    eq(await page.getByText(STRICT_NAME).count(), 0, `the site name on its page for ${who}`);
    if (user === U.partner) {
      // the partner does read Northgate's AMBER power station (so the page is not just hiding AMBER)
      await page.goto(`${BASE}/#/site/${AMBER_SITE}`);
      await page.locator('#site-title').filter({ hasText: AMBER_NAME }).waitFor();
      await page.locator('[data-testid=rank-fema]').waitFor();
      eq(await page.locator('[data-testid=edit-state]').textContent(), 'Read only', 'a partner may not edit');
      await shot(page, 'laptop-site-partner-amber');
    }
    await page.context().close();
  }
});

test('government coordinator sets the national threat level; it shows everywhere', async () => {
  const page = await newPage();
  await login(page, U.coordinator);
  eq(await page.locator('[data-testid=threat-level]').textContent(), 'SUBSTANTIAL', 'threat level before');
  await page.getByRole('button', { name: 'Change' }).click();
  await page.locator('#tl-level').selectOption('SEVERE');
  await page.locator('#tl-rationale').fill('exercise: a raised level'); // issue 11: every change says why
  await shot(page, 'laptop-threat-dialog');
  await page.getByRole('button', { name: 'Set level' }).click();
  await page.locator('[data-testid=threat-level]').filter({ hasText: 'SEVERE' }).waitFor();
  // the dashboard is computed under the new level
  await page.locator('.card-value').filter({ hasText: 'SEVERE' }).first().waitFor();
  await page.locator('#mainnav').getByRole('link', { name: 'Audit log' }).click();
  await page.locator('[data-testid=audit] tbody tr').first().waitFor();
  await shot(page, 'laptop-audit');
  await page.context().close();

  const other = await newPage();
  await login(other, U.third);
  eq(await other.locator('[data-testid=threat-level]').textContent(), 'SEVERE', 'threat level seen by another organisation');
  eq(await other.getByRole('button', { name: 'Change' }).count(), 0, 'Change button for an operator');
  eq(await other.locator('#mainnav').getByRole('link', { name: 'Audit log' }).count(), 0, 'Audit link for an operator');
  await other.context().close();
});

test('import shows the line and field of a bad CSV row', async () => {
  const page = await newPage();
  await login(page, U.operator);
  await page.locator('#mainnav').getByRole('link', { name: 'Import' }).click();
  await page.locator('#import-what').selectOption('sites');
  const csv = 'id,name,kind,sector,owner,lat,lon,region,capacity,peak_occupancy,population_served,economic_value_eur,tlp\n' +
    'VM-901,Test Pumping Station,critical_infrastructure,drinking_water,Northgate Utilities,47.01,-11.9,Kessling,10,5,1000,100000,GREEN\n' +
    'VM-902,Test Reservoir,critical_infrastructure,drinking_water,Northgate Utilities,95.5,-11.9,Kessling,10,5,1000,100000,GREEN\n';
  await page.locator('#import-file').setInputFiles({ name: 'bad-sites.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Import' }).click();
  const err = page.locator('[data-testid=import-errors] code');
  await err.waitFor();
  const text = await err.textContent();
  assert(/^bad-sites\.csv:3: lat: 95\.5 /.test(text), `the error reads FILE:LINE: field: message (got "${text}")`);
  await shot(page, 'laptop-import-error');
  // nothing was imported: the good first row is not in the ranking either
  await dashboard(page, 'fema');
  eq(await rankingRow(page, 'VM-901'), null, 'a row of the rejected file in the ranking');
  await page.context().close();
});

test('government admin adds an organisation and names it a partner; it is kept', async () => {
  const page = await newPage('laptop');
  await login(page, U.admin);
  await page.locator('#mainnav').getByRole('link', { name: 'Users' }).click();
  await page.getByRole('heading', { name: 'Organisations' }).waitFor();
  await page.locator('#no-name').fill('Kestrel Patrol Ltd');
  await page.locator('#no-type').selectOption('private_security');
  await page.getByRole('button', { name: 'Add organisation' }).click();
  const row = page.locator('#orgs-table tbody tr', { has: page.locator('th', { hasText: 'Kestrel Patrol Ltd' }) });
  await row.waitFor();
  eq(await row.locator('select').inputValue(), 'private_security', 'new organisation type');
  // Harbourlight Group shares its AMBER with the new firm.
  const harbour = page.locator('#orgs-table tbody tr', { has: page.locator('th', { hasText: 'Harbourlight Group' }) });
  await harbour.locator('label.partner', { hasText: 'Kestrel Patrol Ltd' }).locator('input').check();
  await page.getByText('Partners of Harbourlight Group saved.').waitFor();
  await shot(page, 'laptop-organisations');
  await page.reload();
  await page.getByRole('heading', { name: 'Organisations' }).waitFor();
  const again = page.locator('#orgs-table tbody tr', { has: page.locator('th', { hasText: 'Harbourlight Group' }) });
  eq(await again.locator('label.partner', { hasText: 'Kestrel Patrol Ltd' }).locator('input').isChecked(), true, 'partner kept after reload');
  await page.context().close();
});

// issue 11: the page shows the TLP marking of every view
test('the TLP banner shows the highest label of what each view shows', async () => {
  const page = await newPage();
  await login(page, U.viewer);
  const banner = page.locator('#tlp-banner');
  const marking = await page.evaluate(async () => {
    let top = 'TLP:CLEAR';
    const order = ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED'];
    for (let offset = 0; offset !== null;) {
      const page = await (await fetch(`/api/v1/ranking/quant?limit=1000&offset=${offset}`, { credentials: 'same-origin' })).json();
      if (order.indexOf(page.tlp) > order.indexOf(top)) top = page.tlp;
      offset = page.next_offset;
    }
    return top;
  });
  eq(marking, 'TLP:AMBER+STRICT', 'the viewer\'s ranking is marked with its AMBER+STRICT site');
  await page.waitForFunction((want) => document.getElementById('tlp-banner').textContent === want, marking);
  assert(await banner.isVisible(), 'the banner is shown on the dashboard');
  eq(await banner.evaluate((b) => getComputedStyle(b).color), 'rgb(255, 192, 0)', 'TLP 2.0 amber on black');
  eq(await banner.evaluate((b) => getComputedStyle(b).backgroundColor), 'rgb(0, 0, 0)', 'the banner\'s black');
  // a view without site data: TLP:CLEAR
  await page.goto(`${BASE}/#/account`);
  await page.waitForFunction(() => document.getElementById('tlp-banner').textContent === 'TLP:CLEAR');
  assert(await banner.isVisible(), 'the banner is shown on the account view');
  // a GREEN site's own view shows at least its label
  await page.goto(`${BASE}/#/site/${OWN_SITE}`);
  await page.locator('[data-testid=rank-fema]').waitFor();
  const onSite = await banner.textContent();
  assert(['TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED'].includes(onSite), `the site view's banner: ${onSite}`);
  // issue 11 review (m4): the site's page shows the site, so its banner is the site's own label,
  // not that of the rankings it reads for the site's rank (AMBER+STRICT for this viewer);
  // issue 12: the page also names the site's providers and consumers, so the highest label of
  // those the dependencies answer marks (here the AMBER+STRICT substation VM-002 it feeds) counts too
  await page.locator('[data-testid=site-measures]').filter({ hasNotText: /Loading/ }).waitFor();
  const deps = await page.evaluate(async (id) => (await (await fetch(`/api/v1/sites/${id}/dependencies`, { credentials: 'same-origin' })).json()), OWN_SITE);
  const order = ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED'];
  const want = order[Math.max(order.indexOf('TLP:GREEN'), order.indexOf(deps.tlp))];
  assert(deps.consumers.some((d) => d.consumer_id === 'VM-002'), `${OWN_SITE} feeds VM-002 for this viewer`);
  eq(want, 'TLP:AMBER+STRICT', 'the dependencies answer is marked with VM-002\'s label');
  await page.waitForFunction((w) => document.getElementById('tlp-banner').textContent === w, want);
  eq(await banner.textContent(), want, `the GREEN site ${OWN_SITE}'s page is marked with its own label and its dependencies'`);
});

// issue 11 review (M6): every band says what it is and the threat level it was computed at
test('the register and the site page say which band and at which threat level', async () => {
  const page = await newPage();
  await login(page, U.coordinator);
  await page.goto(`${BASE}/#/register`);
  await page.locator('#register tbody tr[data-site]').first().waitFor();
  const entries = await page.evaluate(async () => (await (await fetch('/api/v1/register?limit=5', { credentials: 'same-origin' })).json()).items);
  assert(entries.length > 0 && entries.every((e) => e.threat_level), 'the register entries carry threat_level');
  for (const e of entries) {
    const cell = page.locator(`#register tbody tr[data-site="${e.site_id}"][data-threat="${e.threat_id}"] [data-testid=reg-band]`);
    eq((await cell.textContent()).trim(), `${e.risk_band} at ${e.threat_level}`, `the band of ${e.site_id} ${e.threat_id}`);
  }
  await shot(page, 'laptop-register-levels');
  const rank = await page.evaluate(async () => (await (await fetch('/api/v1/ranking/quant?limit=1', { credentials: 'same-origin' })).json()));
  await page.goto(`${BASE}/#/site/VM-029`);
  await page.locator('[data-testid=rank-fema]').waitFor();
  const level = rank.threat_level_text || rank.threat_level;
  const quant = (await page.locator('[data-testid=band-quant]').textContent()).trim();
  assert(new RegExp(`^loss band (low|medium|high|very high) at ${level.replace(/[()+.]/g, '\\$&')}$`).test(quant), `the quant chip: ${quant} (level ${level})`);
  assert(/^FEMA band (low|medium|high|very high)$/.test((await page.locator('[data-testid=band-fema]').textContent()).trim()), 'the FEMA chip says FEMA band');
  assert(/^CARVER band /.test((await page.locator('[data-testid=band-carver]').textContent()).trim()), 'the CARVER chip says CARVER band');
  await shot(page, 'laptop-site-bands');
  await page.context().close();
});

test('screenshots of every page at laptop and tablet size', async () => {
  for (const vp of Object.keys(VIEWPORTS)) {
    const page = await newPage(vp);
    await page.goto(BASE + '/');
    await page.locator('#login-user').waitFor();
    await shot(page, `${vp}-login`);
    await login(page, U.coordinator);
    for (const m of ['quant', 'fema', 'carver']) {
      await dashboard(page, m);
      await page.locator('#map [data-site]').first().waitFor();
      await shot(page, `${vp}-dashboard-${m}`);
    }
    await page.screenshot({ path: path.join(OUT, `${vp}-dashboard-carver-full.png`), fullPage: true });
    // a map marker is reachable by keyboard: focus shows its tooltip, Enter opens the site
    const marker = page.locator('#map [data-site="VM-012"]');
    await marker.focus();
    await page.locator('.leaflet-tooltip').filter({ hasText: 'Orrinford General Hospital' }).waitFor();
    await shot(page, `${vp}-map-tooltip`);
    await page.keyboard.press('Enter');
    await page.locator('#site-title').filter({ hasText: 'Orrinford General Hospital' }).waitFor();
    await page.goto(`${BASE}/#/site/VM-012`);
    await page.locator('[data-testid=rank-quant]').waitFor();
    await shot(page, `${vp}-site-readonly`);
    await page.goto(`${BASE}/#/import`);
    await page.locator('#import-file').waitFor();
    await shot(page, `${vp}-import`);
    await page.goto(`${BASE}/#/audit`);
    await page.locator('[data-testid=audit] tbody tr').first().waitFor();
    await shot(page, `${vp}-audit`);
    await page.context().close();

    const op = await newPage(vp);
    await login(op, U.operator);
    await op.goto(`${BASE}/#/site/${OWN_SITE}`);
    await op.locator('[data-testid=rank-quant]').waitFor();
    await shot(op, `${vp}-site-edit`);
    await op.screenshot({ path: path.join(OUT, `${vp}-site-edit-full.png`), fullPage: true });
    await op.context().close();

    const adm = await newPage(vp);
    await login(adm, U.admin);
    if (await adm.locator('#mainnav').getByRole('link', { name: 'Users' }).count()) {
      await adm.locator('#mainnav').getByRole('link', { name: 'Users' }).click();
      await adm.getByRole('heading', { name: 'Add a user' }).waitFor();
      await shot(adm, `${vp}-users`);
    }
    await adm.context().close();
  }
});

// axe-core (WCAG 2 A and AA rules) on every page; serious and critical findings fail.
async function axe(page, where) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`);
  });
  return result.map((x) => `${where}: ${x}`);
}

test('accessibility: no serious WCAG 2 AA finding on any page (axe-core)', async () => {
  const found = [];
  for (const vp of Object.keys(VIEWPORTS)) {
    const page = await newPage(vp, { bypassCSP: true });
    await page.goto(BASE + '/');
    await page.locator('#login-user').waitFor();
    found.push(...await axe(page, `${vp} login`));
    await login(page, U.operator);
    for (const m of ['quant', 'fema', 'carver']) {
      await dashboard(page, m);
      await page.locator('#map [data-site]').first().waitFor();
      found.push(...await axe(page, `${vp} dashboard ${m}`));
    }
    await page.goto(`${BASE}/#/site/${OWN_SITE}`);
    await page.locator('[data-testid=rank-quant]').waitFor();
    found.push(...await axe(page, `${vp} site (edit)`));
    await page.goto(`${BASE}/#/import`);
    await page.locator('#import-file').waitFor();
    found.push(...await axe(page, `${vp} import`));
    await page.context().close();
    const co = await newPage(vp, { bypassCSP: true });
    await login(co, U.coordinator);
    await co.goto(`${BASE}/#/audit`);
    await co.locator('[data-testid=audit] tbody tr').first().waitFor();
    found.push(...await axe(co, `${vp} audit`));
    await co.goto(`${BASE}/#/site/VM-012`);
    await co.locator('[data-testid=rank-quant]').waitFor();
    found.push(...await axe(co, `${vp} site (read only)`));
    await co.context().close();
  }
  assert(found.length === 0, found.slice(0, 6).join('; '));
});

/* ---- the investment plan and the risk register ---- */

async function openPlan(page) {
  await page.locator('#mainnav').getByRole('link', { name: 'Plan' }).click();
  await page.locator('[data-testid=plan-cost] .card-value').waitFor();
  await page.locator('#plan-sites tbody tr').first().waitFor();
}

test('coordinator computes the plan at 2,000,000: totals, frontier, map, reasons; saves it', async () => {
  const page = await newPage();
  await login(page, U.coordinator);
  await openPlan(page);
  eq(await page.locator('#plan-budget').inputValue(), '2000000', 'the default budget');
  await shot(page, 'laptop-plan');
  const cost = (await page.locator('[data-testid=plan-cost] .card-value').textContent()).trim();
  assert(/^€\d/.test(cost), `the plan's cost is shown (${cost})`);
  assert(/^€\d/.test((await page.locator('[data-testid=plan-reduction] .card-value').textContent()).trim()), 'risk reduction shown');
  assert(/%$/.test((await page.locator('[data-testid=plan-gap] .card-value').textContent()).trim()), 'gap to the bound shown');
  // issue 12 review (M3): a supplying site's benefit includes the sites behind it
  assert(/^A site that supplies others .* include the loss avoided at the sites that depend on it/.test((await page.locator('[data-testid=plan-downstream-note]').textContent()).trim()), 'the plan notes the downstream part');
  // the frontier is drawn: the canvas has coloured pixels
  const drawn = await page.locator('#plan-frontier').evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return { w: c.width, h: c.height, n };
  });
  assert(drawn.w > 100 && drawn.h > 100 && drawn.n > 1000, `the frontier chart is drawn: ${JSON.stringify(drawn)}`);
  // the map: funded sites as markers, the rest grey
  const funded = await page.locator('#plan-map [data-funded="1"]').count();
  eq(funded, await page.locator('#plan-sites tbody tr').count(), 'one map marker per funded site');
  assert(funded > 0, 'funded markers on the map');
  assert(await page.locator('#plan-map .unfunded').count() > 0, 'unfunded sites on the map');
  // reasons: expand the first measure of the first funded site
  const first = page.locator('[data-testid=reasons]').first();
  await first.locator('summary').click();
  await first.locator('li').first().waitFor();
  assert(/band/i.test(await first.locator('li').first().textContent()), 'the first reason names the band');
  // the rejected measures, collapsed, with reasons
  const countsLine = await page.locator('[data-testid=rej-counts]').textContent();
  assert(/benefit-cost ratio too low: \d+/.test(countsLine), `the counts by rule before the list is loaded: ${countsLine}`);
  await page.locator('#plan-rejected summary').click();
  await page.locator('#plan-rejected tbody tr').first().waitFor();
  const shown = await page.locator('#plan-rejected tbody tr').count();
  assert(shown > 0 && shown <= 100, `rejected measures listed, at most 100 at once (${shown})`);
  const site = await page.locator('#rej-site option').nth(1).getAttribute('value');
  await page.locator('#rej-site').selectOption(site);
  const rows = page.locator('#plan-rejected tbody tr');
  assert(await rows.count() > 0, 'rejected measures of one site');
  for (const id of await rows.locator('.site-id').allTextContents()) eq(id, site, 'the site filter');
  await shot(page, 'laptop-plan-rejected');
  // issue 11 review M1: admitted but not funded, separately titled, with why and the BCR
  eq(await page.locator('#plan-not-chosen-title').textContent(), 'Admitted but not funded', 'the not-funded title');
  const ncLine = await page.locator('[data-testid=not-chosen-counts]').textContent();
  assert(/bundle cap: \d+/.test(ncLine), `the not-funded counts by why: ${ncLine}`);
  await page.locator('#plan-not-chosen summary').click();
  await page.locator('#plan-not-chosen tbody tr').first().waitFor();
  const ncText = await page.locator('#plan-not-chosen tbody').textContent();
  assert(ncText.includes('plan.max_measures (4)') && ncText.includes('bundle cap'), 'a measure left out by the bundle cap, with its reason');
  // the sensitivity: six more plans, the plan itself first
  await page.locator('[data-testid=plan-sensitivity]').click();
  await page.locator('[data-testid=sens-row]').nth(5).waitFor();
  eq(await page.locator('[data-testid=sens-row]').count(), 6, 'sensitivity rows');
  const firstSens = await page.locator('[data-testid=sens-row]').first().textContent();
  const cells = await page.locator('[data-testid=sens-row]').first().locator('th, td').allTextContents();
  eq(cells[0].replace('this plan', '').trim() + ' ' + cells[1], '3% 10 years', `the plan first: ${cells}`);
  assert(/^€[\d,]+$/.test(cells[2]), `the cost in full euros: ${cells[2]}`);
  const fundedCard = (await page.locator('[data-testid=plan-funded] .card-sub').textContent()).match(/^(\d+) measures/);
  assert(fundedCard, 'the funded card names the measures');
  eq(cells[8], `${fundedCard[1]} of ${fundedCard[1]}`, 'the plan has all its own measures in common');
  const rates = await page.locator('[data-testid=sens-row] th').allTextContents();
  eq(rates.map((t) => t.replace('this plan', '').trim()).join(' '), '3% 0% 5% 7% 3% 3%', 'the rates');
  assert((await page.locator('[data-testid=plan-report]').getAttribute('href')).includes('sensitivity=1'), 'the report link carries the sensitivity');
  await page.locator('#plan-sensitivity').scrollIntoViewIfNeeded();
  await shot(page, 'laptop-plan-sensitivity');
  const href = await page.locator('[data-testid=plan-report]').getAttribute('href');
  assert(href.startsWith('/api/v1/plan/report?') && href.includes('budget=2000000'), `report link ${href}`);
  await page.locator('#plan-frontier').scrollIntoViewIfNeeded();
  await shot(page, 'laptop-plan-chart');
  await page.locator('#plan-sites').scrollIntoViewIfNeeded();
  await shot(page, 'laptop-plan-sites');
  // issue 11 item 6: priced at the planning level whatever today's (an earlier test may have
  // raised it); the surge apart, never in the budget
  await page.locator('.plan-status').filter({ hasText: /^Priced at planning level SUBSTANTIAL \(today: [A-Z]+/ }).waitFor();
  const surge = await page.locator('[data-testid=plan-surge]').textContent();
  assert(surge.includes('No surge measure') || (surge.includes('until the level returns to SUBSTANTIAL') && surge.includes('never enter the budgeted plan')), `the surge panel: ${surge}`);
  // issue 11 M5: above the planning level, the surge lines not chosen, collapsed, with reasons
  const todayRaised = !/\(today: (LOW|MODERATE|SUBSTANTIAL)\)/.test(await page.locator('.plan-status').textContent());
  const notChosen = page.locator('[data-testid=surge-rejected]');
  eq(await notChosen.count(), todayRaised ? 1 : 0, 'the surge lines not chosen (above the planning level only)');
  if (todayRaised) {
    assert(/^\d+ surge lines not chosen \(with reasons\)$/.test((await notChosen.locator('summary').textContent()).trim()), 'the not-chosen summary');
    await notChosen.locator('summary').click();
    await notChosen.locator('tbody tr').first().waitFor();
    const row = await notChosen.locator('tbody tr').first().textContent();
    assert(/Benefit-cost .* is below the minimum|Needs a legal basis|step-free|needs risk band/.test(row), `a surge line not chosen: ${row}`);
  }

  // a smaller budget: a cheaper plan
  await page.locator('#plan-budget').fill('300000');
  await page.locator('[data-testid=plan-compute]').click();
  await page.locator('[data-testid=plan-cost] .card-sub').filter({ hasText: '€300,000 budget' }).waitFor();
  const small = (await page.locator('[data-testid=plan-cost] .card-value').textContent()).trim();
  assert(small !== cost, `the cost changed with the budget (${cost} -> ${small})`);
  // a click on the frontier takes that point's budget
  await page.locator('#plan-frontier').scrollIntoViewIfNeeded();
  const box = await page.locator('#plan-frontier').boundingBox();
  await page.mouse.click(box.x + box.width * 0.7, box.y + box.height * 0.5);
  await page.waitForFunction(() => document.getElementById('plan-budget').value !== '300000');
  // save (a government coordinator may)
  await page.locator('#plan-name').fill('browser-plan');
  await page.getByRole('button', { name: 'Save plan' }).click();
  await page.locator('.save-form .form-status').filter({ hasText: 'Saved as browser-plan' }).waitFor();
  // issue 11 item 6: a saved plan says the level it was priced at
  await page.locator('#plan-saved-name option[value="browser-plan"]').waitFor({ state: 'attached' });
  await page.locator('#plan-saved-name').selectOption('browser-plan');
  await page.locator('[data-testid=saved-priced]').filter({ hasText: 'priced at planning level SUBSTANTIAL' }).waitFor();
  await page.getByRole('button', { name: 'Save plan' }).click();
  await page.locator('#plan-name-err').filter({ hasText: /exists/ }).waitFor();
  eq(await page.locator('#plan-name').getAttribute('aria-invalid'), 'true', 'a taken name is marked');
  // issue 11, item 7: the saved plan is listed as proposed, and its proposer may withdraw it
  const savedRow = page.locator('#saved-plans tbody tr[data-plan="browser-plan"]');
  await savedRow.waitFor();
  eq((await savedRow.locator('[data-testid=plan-state]').textContent()).trim(), 'proposed', 'a saved plan is proposed');
  eq(await savedRow.getByRole('button', { name: 'Withdraw' }).count(), 1, 'its proposer may withdraw it');
  // its measures are proposed at their sites: the proposer may take no step; another government admin approves
  const proposedAt = await page.evaluate(async () => {
    const r = await fetch('/api/v1/plans/browser-plan');
    const p = await r.json();
    return [p.sites[0].site_id, p.sites[0].measures[0].measure_id];
  });
  await page.goto(`${BASE}/#/site/${proposedAt[0]}`);
  const mrow = page.locator(`#site-measures tbody tr[data-measure="${proposedAt[1]}"]`);
  await mrow.waitFor();
  eq((await mrow.locator('[data-testid=measure-state]').textContent()).trim(), 'proposed', 'the measure is proposed at its site');
  eq(await mrow.locator("button[data-step]").count(), 0, 'the proposer has no step to take');
  // the register: a proposal does not count until the site's owner accepts it
  await page.locator('#mainnav').getByRole('link', { name: 'Register' }).click();
  await page.locator('#register tbody tr[data-site]').first().waitFor();
  // issue 16 item 6: the demo installed access control at VM-012 (data/demo/README.md, "History"), whose residual shows
  eq(await page.locator('#register tbody tr[data-site]:not([data-site="VM-012"]) [data-testid=reg-residual]', { hasText: '€' }).count(), 0, 'pending proposals change no residual');
  await page.context().close();
  const approver = await newPage();
  await login(approver, U.admin);
  await approver.goto(`${BASE}/#/site/${proposedAt[0]}`);
  const arow = approver.locator(`#site-measures tbody tr[data-measure="${proposedAt[1]}"]`);
  await arow.getByRole('button', { name: 'Approve' }).click();
  await approver.locator(`#site-measures tbody tr[data-measure="${proposedAt[1]}"] [data-testid=measure-state]`, { hasText: 'approved' }).waitFor();
  await approver.context().close();

  const op = await newPage();
  await login(op, U.operator);
  await openPlan(op);
  // issue 16: an operator saves plans of its own organisation's sites only (docs/access.md)
  await op.getByRole('heading', { name: 'Save this plan' }).waitFor();
  await op.locator('[data-testid=national-view]').click();
  await op.locator('[data-testid=scope]', { hasText: 'National view' }).waitFor();
  await op.locator('[data-testid=plan-cost] .card-value').waitFor();
  eq(await op.getByRole('heading', { name: 'Save this plan' }).count(), 0, 'no Save for an operator on the national view');
  await op.context().close();
});

test('operator records a treatment in the register and sees it saved', async () => {
  const page = await newPage();
  await login(page, U.operator);
  await page.locator('#mainnav').getByRole('link', { name: 'Register' }).click();
  await page.locator('#register tbody tr[data-site]').first().waitFor();
  const row = page.locator('#register tbody tr[data-site]', { has: page.locator('[data-testid=reg-edit]') }).first();
  const site = await row.getAttribute('data-site');
  const threat = await row.getAttribute('data-threat');
  await row.locator('[data-testid=reg-edit]').click();
  await page.locator('#re-treatment').selectOption('reduce');
  await page.locator('#re-review').fill('2027-06-30');
  await page.locator('#re-note').fill('Barriers ordered');
  await shot(page, 'laptop-register-edit');
  await page.getByRole('button', { name: 'Save decision' }).click();
  const saved = page.locator(`#register tbody tr[data-site="${site}"][data-threat="${threat}"]`);
  await saved.locator('[data-testid=reg-treatment]').filter({ hasText: 'reduce' }).waitFor();
  await saved.getByRole('button', { name: /History/ }).click();
  await page.locator('[data-testid=reg-history]').filter({ hasText: 'reduce' }).waitFor();
  await shot(page, 'laptop-register');
  // kept: after a reload the row still says reduce
  await page.reload();
  await page.locator(`#register tbody tr[data-site="${site}"][data-threat="${threat}"] [data-testid=reg-treatment]`).filter({ hasText: 'reduce' }).waitFor();
  // the filters
  await page.locator('#reg-treatment').selectOption('reduce');
  assert(await page.locator('#register tbody tr[data-site]:visible').count() >= 1, 'the treatment filter keeps the row');
  await page.locator('#reg-band').selectOption('very high');
  await page.locator('#reg-treatment').selectOption('');
  await page.context().close();
});

test('an operator accepts a high risk, a coordinator approves it', async () => {
  const page = await newPage();
  await login(page, U.third);
  await page.locator('#mainnav').getByRole('link', { name: 'Register' }).click();
  await page.locator('#register tbody tr[data-site]').first().waitFor();
  const row = page.locator('#register tbody tr[data-band="high"]', { has: page.locator('[data-testid=reg-edit]') }).first();
  assert(await row.count() === 1, 'the operator owns a high risk it may edit');
  const site = await row.getAttribute('data-site');
  const threat = await row.getAttribute('data-threat');
  const sel = `#register tbody tr[data-site="${site}"][data-threat="${threat}"]`;
  await row.locator('[data-testid=reg-edit]').click();
  await page.locator('#re-treatment').selectOption('accept');
  await page.locator('#re-review').fill('2027-03-31'); // issue 11: accepting needs a review date (PROTECT_NOW in run)
  await page.locator('#re-note').fill('Accepted until the new entrance opens');
  await page.getByRole('button', { name: 'Save decision' }).click();
  await page.locator('.toast').filter({ hasText: "awaits a coordinator's approval" }).waitFor();
  await page.locator(`${sel} [data-testid=reg-approval]`).filter({ hasText: 'awaiting approval' }).waitFor();
  eq(await page.locator(`${sel} [data-testid=reg-approve]`).count(), 0, 'no Approve for the operator');
  await page.context().close();

  const co = await newPage();
  await login(co, U.coordinator);
  await co.locator('#mainnav').getByRole('link', { name: 'Register' }).click();
  await co.locator(sel).waitFor();
  await co.locator('#reg-treatment').selectOption('accept');
  await co.locator(`${sel} [data-testid=reg-approve]`).click();
  await co.locator(`${sel} [data-testid=reg-approval]`).filter({ hasText: `approved by ${U.coordinator.name}` }).waitFor();
  eq(await co.locator(`${sel} [data-testid=reg-approve]`).count(), 0, 'Approve gone once approved');
  await co.locator(sel).getByRole('button', { name: /History/ }).click();
  const hist = co.locator('[data-testid=reg-history]').filter({ hasText: 'approve' });
  await hist.waitFor();
  await shot(co, 'laptop-register-approved');
  await co.reload();
  await co.locator(`${sel} [data-testid=reg-approval]`).filter({ hasText: `approved by ${U.coordinator.name}` }).waitFor();
  await co.context().close();
});

test('screenshots of the plan and the register at tablet size', async () => {
  const page = await newPage('tablet');
  await login(page, U.coordinator);
  await openPlan(page);
  await shot(page, 'tablet-plan');
  await page.screenshot({ path: path.join(OUT, 'tablet-plan-full.png'), fullPage: true });
  await page.goto(`${BASE}/#/register`);
  await page.locator('#register tbody tr[data-site]').first().waitFor();
  await shot(page, 'tablet-register');
  await page.context().close();
});

test('accessibility: the plan and the register (axe-core)', async () => {
  const found = [];
  for (const vp of Object.keys(VIEWPORTS)) {
    const page = await newPage(vp, { bypassCSP: true });
    await login(page, U.coordinator);
    await openPlan(page);
    await page.locator('[data-testid=reasons] summary').first().click();
    await page.locator('#plan-rejected summary').click();
    found.push(...await axe(page, `${vp} plan`));
    await page.goto(`${BASE}/#/register`);
    await page.locator('#register tbody tr[data-site]').first().waitFor();
    found.push(...await axe(page, `${vp} register`));
    await page.locator('[data-testid=reg-edit]').first().click();
    await page.locator('#re-treatment').waitFor();
    found.push(...await axe(page, `${vp} register edit`));
    await page.context().close();
  }
  assert(found.length === 0, found.slice(0, 6).join('; '));
});

/* ---- issue 12: the resilience view (a cascade, the single points of failure) and a site's
   dependencies, against the server's /cascade, /spof and /sites/{id}/dependencies. The operator
   of Northgate Utilities: VM-002 is its AMBER+STRICT substation, which a government coordinator
   may not see (docs/access.md), and the hospital VM-013 is GREEN. ---- */
const HOSPITAL = 'VM-013';
const HOSPITAL_NAME = 'Brackwater District Hospital';

async function resilienceRun(page, siteId) {
  await page.locator('#mainnav').getByRole('link', { name: 'Resilience' }).click();
  await page.locator('#res-search').fill(siteId);
  await page.locator(`#res-suggest button[data-site="${siteId}"]`).click();
  await page.locator(`[data-testid=res-picked] li[data-site="${siteId}"]`).waitFor();
  await page.locator('[data-testid=res-run]').click();
  await page.locator('[data-testid=res-status]').filter({ hasText: /^Cascade computed: [\d,]+ sites? affected\.$/ }).waitFor({ timeout: 60000 });
}

/** The cascade started by a click has its answer drawn (the results are busy until then). */
async function resilienceDone(page) {
  await page.locator('[data-testid=res-results]:not([aria-busy])').waitFor({ timeout: 60000 });
  assert((await page.locator('[data-testid=res-status]').textContent()).startsWith('Cascade computed'), 'the cascade is computed');
}

test('resilience: fail VM-002, the hospital fails on the map, chart and table; the slider; SPOF; the hospital\'s providers', async () => {
  const page = await newPage();
  await login(page, U.operator);
  await resilienceRun(page, STRICT_SITE);
  // the table: the hospital behind the substation, with the hour it fails
  const row = page.locator(`#res-affected tbody tr[data-site="${HOSPITAL}"]`);
  await row.waitFor();
  assert((await row.locator('th').textContent()).includes(HOSPITAL_NAME), 'the hospital is named in the affected sites');
  const failedAt = (await row.locator('[data-testid=res-failed-at]').textContent()).trim();
  assert(/^\d[\d,]*(\.\d)? h$/.test(failedAt), `the hospital has a failure time: ${failedAt}`);
  const failHour = Number(failedAt.replace(/[^\d.]/g, ''));
  // totals with their units
  assert(/person-hours$/.test((await page.locator('[data-testid=res-person-hours] .card-value').textContent()).trim()), 'person-hours lost, with the unit');
  assert(/^(after [\d,.]+ h|not within the horizon)$/.test((await page.locator('[data-testid=res-recovery] .card-value').textContent()).trim()), 'the recovery time or "not within the horizon"');
  // the map: the affected sites as markers, the substation among them
  const markers = page.locator('#res-map .res-marker');
  assert(await markers.count() >= 2, `affected markers on the map: ${await markers.count()}`);
  await page.locator(`#res-map .res-marker[data-site="${HOSPITAL}"]`).waitFor();
  // the chart is drawn: the canvas has coloured pixels
  const drawn = await page.locator('#res-chart').evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return { w: c.width, h: c.height, n };
  });
  assert(drawn.w > 100 && drawn.h > 100 && drawn.n > 1000, `the cascade chart is drawn: ${JSON.stringify(drawn)}`);
  await shot(page, 'laptop-resilience');
  // the slider: before the hospital's failure it is not failed, after it it is, on the map and in the table
  const marker = page.locator(`#res-map .res-marker[data-site="${HOSPITAL}"]`);
  const slide = async (t) => {
    await page.locator('#res-time').fill(String(t));
    await page.locator('[data-testid=res-time]').filter({ hasText: new RegExp(`^${String(t).replace('.', '\\.')} h$`) }).waitFor();
  };
  if (failHour > 0) {
    await slide(0);
    assert(await marker.getAttribute('data-state') !== 'failed', 'the hospital has not failed at 0 h');
  }
  const after = Math.min(Number(await page.locator('#res-time').getAttribute('max')), Math.ceil(failHour) + 1);
  await slide(after);
  eq(await marker.getAttribute('data-state'), 'failed', `the hospital's marker at ${after} h`);
  assert((await row.locator('[data-testid=res-now]').textContent()).startsWith('failed'), 'the table says failed at the chosen time');
  assert((await page.locator('[data-testid=res-counts]').textContent()).startsWith(`At ${after} h: `), 'the counts follow the slider');
  await page.locator('#res-time-title').evaluate((h) => h.scrollIntoView({ block: 'start' }));
  await shot(page, 'laptop-resilience-slider');
  // the single points of failure
  await page.locator('[data-testid=spof-run]').click();
  await page.locator('#spof-table tbody tr').first().waitFor({ timeout: 60000 });
  assert(await page.locator('#spof-table tbody tr').count() >= 1, 'the SPOF table has rows');
  eq((await page.locator('#spof-table tbody tr td.rank').first().textContent()).trim(), '1', 'ranked from 1');
  await page.locator('#spof-table').scrollIntoViewIfNeeded();
  await shot(page, 'laptop-resilience-spof');
  // "Fail this site" fills the cascade's picker with that site and runs it
  const first = await page.locator('#spof-table tbody tr').first().getAttribute('data-site');
  await page.locator('#spof-table tbody tr').first().locator('[data-testid=spof-fail]').click();
  await page.locator(`[data-testid=res-picked] li[data-site="${first}"]`).waitFor();
  eq(await page.locator('[data-testid=res-picked] li').count(), 1, 'the picker holds the SPOF site only');
  assert((await page.evaluate(() => location.hash)).includes(`fail=${first}`), 'the address names the SPOF site');
  await resilienceDone(page);
  // the hospital's page: the substation among its providers, and a link to simulate its failure
  await page.goto(`${BASE}/#/site/${HOSPITAL}`);
  const provider = page.locator(`#dep-providers tbody tr[data-site="${STRICT_SITE}"]`);
  await provider.waitFor();
  assert((await provider.textContent()).includes(STRICT_NAME), 'the substation is named among the providers');
  assert(/ h/.test(await provider.locator('td').nth(1).textContent()), 'the backup in hours');
  await page.locator('#site-deps-title').scrollIntoViewIfNeeded();
  await shot(page, 'laptop-site-dependencies');
  await page.locator('[data-testid=simulate-failure]').click();
  await page.locator(`[data-testid=res-picked] li[data-site="${HOSPITAL}"]`).waitFor();
  await page.locator('[data-testid=res-status]').filter({ hasText: /^Cascade computed/ }).waitFor({ timeout: 60000 });
  await resilienceDone(page);
  await page.context().close();
  // a government coordinator does not see the AMBER+STRICT substation: not offered to fail,
  // not among the hospital's providers
  const co = await newPage();
  await login(co, U.coordinator);
  await co.locator('#mainnav').getByRole('link', { name: 'Resilience' }).click();
  await co.locator('#res-search').fill(STRICT_SITE);
  await co.locator('#res-suggest').filter({ hasText: 'No site you may see matches.' }).waitFor();
  await co.goto(`${BASE}/#/site/${HOSPITAL}`);
  await co.locator('[data-testid=site-dependencies] h3').first().waitFor();
  eq(await co.locator(`#dep-providers tbody tr[data-site="${STRICT_SITE}"]`).count(), 0, 'the substation is withheld from the coordinator');
  assert(!(await co.locator('[data-testid=site-dependencies]').textContent()).includes(STRICT_NAME), 'its name is not on the page');
  await co.context().close();
  // axe-core on the view with a result and the SPOF table, and on the site's dependencies, at both sizes
  const found = [];
  for (const vp of Object.keys(VIEWPORTS)) {
    const a = await newPage(vp, { bypassCSP: true });
    await login(a, U.operator);
    await resilienceRun(a, STRICT_SITE);
    await a.locator('[data-testid=spof-run]').click();
    await a.locator('#spof-table tbody tr').first().waitFor({ timeout: 60000 });
    if (vp === 'tablet') await a.screenshot({ path: path.join(OUT, 'tablet-resilience-full.png'), fullPage: true });
    found.push(...await axe(a, `${vp} resilience`));
    await a.goto(`${BASE}/#/site/${HOSPITAL}`);
    await a.locator(`#dep-providers tbody tr[data-site="${STRICT_SITE}"]`).waitFor();
    found.push(...await axe(a, `${vp} site dependencies`));
    await a.context().close();
  }
  assert(found.length === 0, found.slice(0, 6).join('; '));
});

/* issue 12 review (B1, B2, M3, M5, m2-m4): two sites failed together, how people are counted,
   the totals over every site apart from what the reader may see, ranks one may not see, the
   own/downstream split, a consumer's other redundant providers, and the legend on a phone. */
const SUB_NORTH = 'VM-065';
const SUB_NORTH_NAME = 'Kessling North Substation';
const WATER = 'VM-016';
const WATER_NAME = 'Lake Morvane Water Treatment Works';
const GENERAL = 'VM-012';   // Orrinford General Hospital: fed by VM-002 and VM-065, group "power"

async function resiliencePick(page, siteId) {
  await page.locator('#res-search').fill(siteId);
  await page.locator(`#res-suggest button[data-site="${siteId}"]`).click();
  await page.locator(`[data-testid=res-picked] li[data-site="${siteId}"]`).waitFor();
}

test('resilience: the coordinator fails two sites together; people counted per service; totals apart; hidden ranks; downstream explained', async () => {
  const page = await newPage();
  await login(page, U.coordinator);
  // the ranking says what "Of which downstream" is
  await dashboard(page, 'quant');
  const note = (await page.locator('[data-testid=downstream-note]').textContent()).trim();
  assert(/^Of which downstream: what this site's failure costs the sites that depend on it/.test(note), `the downstream note: ${note}`);
  assert(/resilience\.value_person_hour_eur/.test(note) && /docs\/methodology\.md, section 16/.test(note), `the note names the setting and the method: ${note}`);
  // two sites: the request carries the list with a literal comma, and the server answers it
  await page.locator('#mainnav').getByRole('link', { name: 'Resilience' }).click();
  await resiliencePick(page, SUB_NORTH);
  await resiliencePick(page, WATER);
  const asked = page.waitForRequest((r) => r.url().includes('/api/v1/cascade?'));
  await page.locator('[data-testid=res-run]').click();
  const url = (await asked).url();
  assert(url.includes(`fail=${SUB_NORTH},${WATER}`), `the two ids with a literal comma: ${url}`);
  await page.locator('[data-testid=res-status]').filter({ hasText: /^Cascade computed: [\d,]+ sites? affected\.$/ }).waitFor({ timeout: 60000 });
  await resilienceDone(page);
  eq(await page.locator('#res-error').textContent(), '', 'no error under the form');
  for (const [id, name] of [[SUB_NORTH, SUB_NORTH_NAME], [WATER, WATER_NAME]]) {
    const th = (await page.locator(`#res-affected tbody tr[data-site="${id}"] th`).textContent());
    assert(th.includes(name) && th.includes('chosen to fail'), `${id} is in the table, chosen to fail: ${th}`);
  }
  assert((await page.evaluate(() => location.hash)).includes(`fail=${SUB_NORTH},${WATER}`), 'the address lists both, comma-separated');
  // how people are counted, and which figures cover every site and which the visible ones
  eq((await page.locator('#res-totals-title').textContent()).trim(), 'Totals of the run, over every site', 'the totals heading');
  assert(/every site, over 168 h/.test(await page.locator('[data-testid=res-person-hours] .card-sub').textContent()), 'person-hours over every site');
  assert(/a person who loses two services \(say power and water\) counts twice/.test(await page.locator('[data-testid=res-count-rule]').textContent()), 'the counting rule is said');
  eq((await page.locator('[data-testid=res-peak] .card-title').textContent()).trim(), 'Most people without a service', 'the peak card');
  assert(/at the sites you can see; once per lost service/.test(await page.locator('[data-testid=res-peak] .card-sub').textContent()), 'the peak is at the sites one can see, per service');
  assert(/people without a service at the sites you can see \(a person who loses two services counts twice\)/.test(await page.locator('[data-testid=res-chart-note]').textContent()), 'the chart says what its left axis counts');
  const results = await page.locator('[data-testid=res-results]').textContent();
  assert(!/null|undefined|NaN/.test(results), 'no "null", "undefined" or "NaN" in the results');
  // at 0 h the sites not yet reached say so plainly
  await page.locator('#res-time').fill('0');
  const now = await page.locator('#res-affected [data-testid=res-now]').allTextContents();
  assert(now.some((t) => /^not affected yet · 100%$/.test(t.trim())), `a site not reached yet at 0 h: ${now.join(' | ')}`);
  assert(!now.some((t) => /not yet 100%/.test(t)), 'no "not yet 100%"');
  await page.locator('#res-totals-title').evaluate((h) => h.scrollIntoView({ block: 'start' }));
  await shot(page, 'laptop-resilience-two');
  await page.locator('#res-time-title').evaluate((h) => h.scrollIntoView({ block: 'start' }));
  await page.locator('#res-time').fill('60');
  await shot(page, 'laptop-resilience-two-chart');
  // the SPOF table: the coordinator may not see the AMBER+STRICT substation, so rank 1 is a gap, said in words
  await page.locator('[data-testid=spof-run]').click();
  await page.locator('#spof-table tbody tr').first().waitFor({ timeout: 60000 });
  const ranks = (await page.locator('#spof-table tbody td.rank').allTextContents()).map(Number);
  assert(ranks[0] > 1, `the coordinator's first visible rank is after a hidden one: ${ranks.join(',')}`);
  const gaps = (await page.locator('[data-testid=spof-gaps]').textContent()).trim();
  assert(/^Ranks? 1\b.* (is a site|are sites) you may not see\. (Its|Their) owners? can share/.test(gaps), `the gaps in words: ${gaps}`);
  await page.locator('[data-testid=spof-gaps]').scrollIntoViewIfNeeded();
  await shot(page, 'laptop-resilience-spof-gaps');
  // the site page's standing: own and downstream, explained
  await page.goto(`${BASE}/#/site/${SUB_NORTH}`);
  const split = (await page.locator('[data-testid=standing-split]').textContent()).trim();
  // issue 16, item 2: loss figures for reading ("EUR 1.2 million")
  assert(/^Own EUR [\d,.]+( million| billion)? a year · downstream EUR [\d,.]+( million| billion)? a year$/.test(split), `the split on the standing card: ${split}`);
  assert(/^Downstream: what this site's failure costs the sites that depend on it .*docs\/methodology\.md, section 16\.$/.test((await page.locator('[data-testid=standing-downstream-note]').textContent()).trim()), 'the split is explained on the card');
  assert(/This method leaves out what the site's failure costs/.test(await page.locator('[data-testid=standing-fema]').textContent()), 'FEMA says it leaves dependencies out');
  await page.locator('#standing-title').scrollIntoViewIfNeeded();
  await shot(page, 'laptop-site-standing-split');
  await page.context().close();
  // the operator on its substation's page: the hospital's other feed is named
  const op = await newPage();
  await login(op, U.operator);
  await op.goto(`${BASE}/#/site/${STRICT_SITE}`);
  const consumer = op.locator(`#dep-consumers tbody tr[data-site="${GENERAL}"]`);
  await consumer.waitFor();
  const red = (await consumer.locator('td').last().textContent()).trim();
  eq(red, `redundant supply: also fed by ${SUB_NORTH_NAME} (group power)`, 'the consumer\'s other provider is named');
  await consumer.evaluate((tr) => tr.scrollIntoView({ block: 'center' }));
  await shot(op, 'laptop-site-consumers-redundant');
  await op.context().close();
  // a phone: the map's legend is under the map, not over it; and an answer whose `withheld` is
  // null (a caller who may not see hidden counts) says no count
  const ph = await newPage('phone');
  await ph.route('**/api/v1/cascade?*', async (route) => {
    const res = await route.fetch();
    const json = await res.json();
    json.withheld = null;
    await route.fulfill({ response: res, json });
  });
  await login(ph, U.operator);
  await resilienceRun(ph, SUB_NORTH);
  const phText = await ph.locator('[data-testid=res-results]').textContent();
  assert(!/withheld|null|undefined|NaN/.test(phText), 'no withheld count and no "null" when the answer has none');
  // re-check of the review (NEW-1): a caller not told hidden counts gets totals over the sites it
  // may see, so the page says so and says nothing of hidden sites
  eq(await ph.locator('[data-testid=res-hidden-note]').count(), 0, 'nothing said of hidden sites');
  eq((await ph.locator('#res-totals-title').textContent()).trim(), 'Totals of the run, at the sites you can see', 'the operator\'s totals heading');
  const legend = ph.locator('[data-testid=res-legend]');
  await legend.waitFor();
  const mapBox = await ph.locator('#res-map').boundingBox();
  const legBox = await legend.boundingBox();
  assert(legBox.y >= mapBox.y + mapBox.height - 1, `the legend (${JSON.stringify(legBox)}) is under the map (${JSON.stringify(mapBox)})`);
  await ph.locator('#res-map').scrollIntoViewIfNeeded();
  await shot(ph, 'phone-resilience-map');
  await ph.context().close();
});

/* ---- issue 13: public alerts (web/alerts.js; docs/internals/web.md "Public alerts") ----
   The pio composes an Actual armed-attack alert for a demo site in three languages and cannot
   approve it; the coordinator approves it; the public feed (no session) links its CAP; the
   coordinator cancels it and the pio approves the Cancel. */

U.pio = who('pio', 'pio');                       // Ministry of the Interior (government), pio
const ALERT_SITE = 'VM-029';                     // Orrinford National Stadium, TLP:GREEN
const ALERT_SITE_NAME = 'Orrinford National Stadium';
const ALERT_AMBER_SITE = 'VM-023';               // Ministry of the Interior Headquarters, TLP:AMBER

async function openAlerts(page) {
  await page.locator('#mainnav').getByRole('link', { name: 'Alerts' }).click();
  await page.locator('h1').filter({ hasText: 'Public alerts' }).waitFor();
  await page.locator('[data-testid=alert-chains]').waitFor();
}

/** The preview's language cards once they are drawn for `langs`: {lang: {headline, pages}}. */
async function alertPreview(page, langs) {
  await page.locator('[data-testid=al-preview][aria-busy]').waitFor({ state: 'detached' }).catch(() => {});
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=al-preview] [data-testid=al-lang]').length === n
    && !document.querySelector('[data-testid=al-preview][aria-busy]'), langs.length);
  const out = {};
  for (const l of langs) {
    const card = page.locator(`[data-testid=al-preview] [data-testid=al-lang][data-lang="${l}"]`);
    out[l] = {
      headline: (await card.locator('.al-headline').textContent()).trim(),
      pages: (await card.locator('[data-testid=al-pages]').textContent()).trim(),
    };
  }
  return out;
}

/** Scroll so that the element's top is just under the sticky top bar. */
async function scrollToTop(loc) {
  await loc.evaluate((h) => window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY - document.getElementById('topbar').offsetHeight - 8));
}

/** GET without a session (what an aggregator does). */
async function publicGet(p) {
  const r = await fetch(BASE + p);
  return { status: r.status, type: r.headers.get('content-type') || '', text: await r.text() };
}

let alertId = null;

test('alerts: pio composes an armed-attack alert in three languages; the preview counts cell-broadcast pages; pio cannot approve it', async () => {
  const page = await newPage();
  await login(page, U.pio);
  await openAlerts(page);
  await page.locator('#al-template').selectOption('armed-attack');
  await page.locator('#al-site').selectOption(ALERT_SITE);
  for (const l of ['en', 'mk', 'sq']) assert(await page.locator(`#al-lang-${l}`).isChecked(), `${l} ticked by default`);
  assert(await page.locator('#al-status-actual').isChecked(), 'Actual by default');
  eq((await page.locator('[data-testid=al-submit]').textContent()).trim(), 'Submit for approval', 'the button for an Actual alert');
  const pv = await alertPreview(page, ['en', 'mk', 'sq']);
  for (const l of ['en', 'mk', 'sq']) {
    assert(pv[l].headline.length > 0, `${l}: a headline`);
    assert(/^\d+ of \d+ pages?, (GSM-7|UCS-2)(: does not fit)?$/.test(pv[l].pages), `${l}: the page count (${pv[l].pages})`);
  }
  assert(/UCS-2/.test(pv.mk.pages), `Macedonian (Cyrillic) needs UCS-2: ${pv.mk.pages}`);
  assert(pv.en.headline.includes(ALERT_SITE_NAME) || (await page.locator('[data-testid=al-preview]').textContent()).includes(ALERT_SITE_NAME), 'the preview names the site');
  eq(await page.locator('.al-circle').count(), 1, 'the area is drawn on the map');
  await page.locator('.al-preview-title').evaluate((h) => window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY - document.getElementById('topbar').offsetHeight - 8));
  await shot(page, 'laptop-alerts-preview');
  await page.locator('[data-testid=al-submit]').click();
  await page.locator('.toast').filter({ hasText: 'awaiting approval by a second person' }).waitFor();
  const card = page.locator('[data-testid=alert-pending] .al-pending').first();
  await card.waitFor();
  alertId = await card.getAttribute('data-id');
  assert(/^PT-\d{8}T\d{6}Z-[0-9a-f]{8}$/.test(alertId), `a CAP identifier: ${alertId}`);
  eq(await card.locator('[data-testid=al-approve]').count(), 0, 'no Approve for the composer');
  await card.locator('[data-testid=al-own]').waitFor();
  eq(await card.locator('[data-testid=al-lang]').count(), 3, 'the exact text in three languages');
  await card.scrollIntoViewIfNeeded();
  await shot(page, 'laptop-alerts-pending-own');
  // the server refuses the composer too (403 same_person), whatever the page offers
  const refused = await page.evaluate(async (id) => {
    const s = await (await fetch('/api/v1/session')).json();
    const r = await fetch(`/api/v1/alerts/${id}/approve`, { method: 'POST', headers: { 'X-CSRF-Token': s.csrf_token } });
    return { status: r.status, body: await r.json().catch(() => ({})) };
  }, alertId);
  eq(refused.status, 403, 'the composer approving');
  eq(refused.body.code, 'same_person', 'the refusal code');
  const feed = await publicGet('/alerts.atom');
  eq(feed.status, 200, '/alerts.atom without a session');
  assert(!feed.text.includes(alertId), 'a pending alert is not in the public feed');
  eq((await publicGet(`/alerts/${alertId}.cap`)).status, 404, 'no public CAP for a pending alert');
  await page.context().close();
});

test('alerts: the coordinator approves; the public feed links the CAP; a Cancel approved by the pio', async () => {
  assert(alertId, 'the previous test composed an alert');
  const co = await newPage();
  await login(co, U.coordinator);
  await openAlerts(co);
  const card = co.locator(`[data-testid=alert-pending] .al-pending[data-id="${alertId}"]`);
  await card.waitFor();
  assert((await card.textContent()).includes(`Composed by ${U.pio.name}`), 'the composer is named');
  eq(await card.locator('[data-testid=al-lang]').count(), 3, 'the approver sees the exact text in three languages');
  // issue 13 review: the deadline, the hash of the text shown (the server's), a confirmation
  assert(/^Approve by \d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC/.test((await card.locator('[data-testid=al-deadline]').textContent()).trim()), 'approve by HH:MM');
  const served = await co.evaluate(async (id) => (await (await fetch(`/api/v1/alerts/${id}`)).json()).sha256, alertId);
  eq((await card.locator('[data-testid=al-sha256]').textContent()).trim(), served, 'the hash shown is the server\'s hash of the bytes');
  await card.locator('.al-pending-area').waitFor();
  await scrollToTop(card);
  await shot(co, 'laptop-alerts-approve');
  const approveBody = co.waitForRequest((r) => r.url().endsWith(`/api/v1/alerts/${alertId}/approve`));
  await card.locator('[data-testid=al-approve]').click();
  const confirm = co.locator('[data-testid=al-approve-confirm]');
  await confirm.waitFor();
  assert((await confirm.textContent()).includes('This goes to the public now'), 'the confirmation says it goes public');
  await shot(co, 'laptop-alerts-approve-confirm');
  await confirm.locator('[data-testid=al-confirm-ok]').click();
  eq(JSON.parse((await approveBody).postData() || '{}').sha256, served, 'approve sends the hash shown');
  await co.locator('.toast').filter({ hasText: 'approved and issued' }).waitFor();
  const row = co.locator(`#al-chains tbody tr[data-chain="${alertId}"]`);
  await row.locator('[data-testid=al-state]').filter({ hasText: 'issued' }).waitFor();
  eq((await row.locator('[data-testid=al-feed]').textContent()).trim(), 'in the public feed', 'in the feed');
  await row.scrollIntoViewIfNeeded();
  await shot(co, 'laptop-alerts-chains');

  const feed = await publicGet('/alerts.atom');
  eq(feed.status, 200, '/alerts.atom');
  assert(/application\/atom\+xml/.test(feed.type), `the feed's type: ${feed.type}`);
  const link = new RegExp(`<link[^>]*href="(https?://[^"]+/alerts/${alertId}\\.cap)"[^>]*>`).exec(feed.text);
  assert(link, 'the feed links the CAP with an absolute URL');
  assert(/type="application\/cap\+xml"/.test(link[0]), `the link's type: ${link[0]}`);
  const cap = await publicGet(`/alerts/${alertId}.cap`);
  eq(cap.status, 200, `/alerts/${alertId}.cap without a session`);
  assert(/application\/cap\+xml/.test(cap.type), `the CAP's type: ${cap.type}`);
  assert(cap.text.includes(`<identifier>${alertId}</identifier>`) && cap.text.includes('<status>Actual</status>'), 'the CAP message');
  for (const l of ['en', 'mk', 'sq']) assert(cap.text.includes(`<language>${l}</language>`), `an info block in ${l}`);

  await row.locator('[data-testid=al-cancel]').click();
  assert((await co.getByRole('dialog').textContent()).includes('public feed'), 'the Cancel dialog says the reason is published');
  eq((await co.locator('label[for=al-cancel-note]').textContent()).trim(), 'Reason (optional, recommended)', 'the reason is optional');
  await co.locator('#al-cancel-note').fill('The police have the situation under control.');
  await co.getByRole('button', { name: 'Send the Cancel' }).click();
  await co.locator('.toast').filter({ hasText: 'awaiting approval by a second person' }).waitFor();
  const cancel = co.locator('[data-testid=alert-pending] .al-pending').first();
  await cancel.waitFor();
  const cancelId = await cancel.getAttribute('data-id');
  eq(await cancel.locator('[data-testid=al-approve]').count(), 0, 'no Approve for the Cancel\'s composer');
  await co.context().close();

  const pio = await newPage();
  await login(pio, U.pio);
  await openAlerts(pio);
  const pc = pio.locator(`[data-testid=alert-pending] .al-pending[data-id="${cancelId}"]`);
  await pc.waitFor();
  assert((await pc.textContent()).includes('The police have the situation under control.'), 'the Cancel\'s note is shown');
  assert((await pc.locator('[data-testid=al-diff]').textContent()).includes(`Cancels ${alertId}`), 'the Cancel names what it cancels');
  await pc.locator('[data-testid=al-approve]').click();
  await pio.locator('[data-testid=al-approve-confirm] [data-testid=al-confirm-ok]').click();
  await pio.locator('.toast').filter({ hasText: 'approved and issued' }).waitFor();
  const crow = pio.locator(`#al-chains tbody tr[data-chain="${alertId}"]`);
  await crow.filter({ hasText: 'Cancel' }).waitFor();
  eq(await crow.locator('[data-testid=al-cancel]').count(), 0, 'a cancelled chain offers no more actions');
  await crow.scrollIntoViewIfNeeded();
  await shot(pio, 'laptop-alerts-cancelled');
  const after = await publicGet('/alerts.atom');
  assert(after.text.includes(cancelId), 'the Cancel is in the feed (until the alert would have expired)');
  await pio.context().close();
});

test('alerts: the composer withdraws its pending alert', async () => {
  const page = await newPage();
  await login(page, U.pio);
  await openAlerts(page);
  // issue 13 review: the map follows the site; a failed preview shows the server's words and no area
  await page.locator('#al-site').selectOption(ALERT_SITE);
  await alertPreview(page, ['en', 'mk', 'sq']);
  await page.locator('#al-site').selectOption('VM-031');   // Kessling Town Football Ground, TLP:CLEAR
  await page.locator('#al-radius').fill('0');
  const perr = page.locator('[data-testid=al-preview-error]');
  await perr.waitFor();
  assert(/radius/.test(await perr.textContent()), `the server's message: ${await perr.textContent()}`);
  assert((await page.locator('#al-radius-err').textContent()).length > 0, 'the message next to the radius');
  eq(await page.locator('.al-circle').count(), 0, 'no area on the map after a failed preview');
  const cap0 = await page.locator('[data-testid=al-map-caption]').textContent();
  assert(cap0.includes('VM-031') && !cap0.includes('as composed'), `the caption follows the chosen site: ${cap0}`);
  await shot(page, 'laptop-alerts-preview-error');
  await page.locator('#al-radius').fill('1');
  await alertPreview(page, ['en', 'mk', 'sq']);
  await page.locator('.al-circle').waitFor();
  await page.locator('[data-testid=al-submit]').click();
  await page.locator('.toast').filter({ hasText: 'awaiting approval by a second person' }).waitFor();
  const card = page.locator('[data-testid=alert-pending] .al-pending').first();
  await card.waitFor();
  const id = await card.getAttribute('data-id');
  await card.locator('[data-testid=al-withdraw]').click();
  await page.getByRole('dialog').getByRole('button', { name: 'Withdraw' }).click();   // no reason: optional
  await page.locator('.toast').filter({ hasText: `${id} withdrawn` }).waitFor();
  await page.locator(`#al-chains tbody tr[data-chain="${id}"] [data-testid=al-state]`).filter({ hasText: 'rejected' }).waitFor();
  eq(await page.locator(`[data-testid=alert-pending] .al-pending[data-id="${id}"]`).count(), 0, 'no longer awaiting approval');
  await page.context().close();
});

test('alerts: an exercise issues at once; All clear updates it from the previous message', async () => {
  const page = await newPage();
  await login(page, U.coordinator);
  await openAlerts(page);
  await page.locator('#al-site').selectOption('VM-030');   // Brackwater Harbour Arena, TLP:CLEAR
  await page.locator('#al-status-exercise').check();
  await page.locator('#al-lang-sq').uncheck();
  await alertPreview(page, ['en', 'mk']);
  await page.locator('[data-testid=al-submit]').filter({ hasText: 'Issue exercise' }).click();
  await page.locator('.toast').filter({ hasText: /^Exercise message PT-\S+ issued\.$/ }).waitFor();
  const row = page.locator('#al-chains tbody tr[data-chain]').filter({ hasText: 'Brackwater Harbour Arena' }).first();
  await row.locator('[data-testid=al-state]').filter({ hasText: 'issued' }).waitFor();
  eq((await row.locator('[data-testid=al-feed]').textContent()).trim(), 'not in the feed', 'an exercise is never in the public feed');
  const chain = await row.getAttribute('data-chain');
  await row.locator('[data-testid=al-allclear]').click();
  assert(/^All clear for /.test((await page.locator('[data-testid=al-mode]').textContent()).trim()), 'the composer says it is an all clear');
  eq(await page.locator('#al-template').inputValue(), 'all-clear', 'the all-clear template');
  assert(await page.locator('#al-status-exercise').isChecked() && !(await page.locator('#al-lang-sq').isChecked()), 'status and languages from the previous message');
  const pv = await alertPreview(page, ['en', 'mk']);
  assert(pv.en.headline.startsWith('EXERCISE'), `the all clear of an exercise is an exercise: ${pv.en.headline}`);
  await shot(page, 'laptop-alerts-allclear');
  await page.locator('[data-testid=al-submit]').click();
  await page.locator('.toast').filter({ hasText: 'issued' }).waitFor();
  const after = page.locator(`#al-chains tbody tr[data-chain="${chain}"]`);
  await after.locator('[data-testid=al-kind]').filter({ hasText: 'All clear' }).waitFor();
  eq(await after.locator('[data-testid=al-allclear]').count(), 1, 'the update is the chain\'s latest issued message now');
  // a second all clear is asked about first
  await after.locator('[data-testid=al-allclear]').click();
  const again = page.locator('[data-testid=al-again-confirm]');
  await again.waitFor();
  await shot(page, 'laptop-alerts-allclear-again');
  await again.getByRole('button', { name: 'Back' }).click();
  await again.waitFor({ state: 'detached' });
  assert(await page.locator('[data-testid=al-mode]').isHidden(), 'Back composes nothing');
  await page.context().close();
});

test('alerts: an AMBER site is offered the generic area; an exercise says EXERCISE; others read only', async () => {
  const page = await newPage('tablet');
  await login(page, U.pio);
  await openAlerts(page);
  await page.locator('#al-site').selectOption(ALERT_AMBER_SITE);
  await page.locator('[data-testid=al-warnings] [data-code=reveals_site]').waitFor();
  assert(await page.locator('[data-testid=al-generic-box].al-offer').count() === 1, 'the generic area is offered');
  await page.locator('#al-status-exercise').check();
  eq((await page.locator('[data-testid=al-submit]').textContent()).trim(), 'Issue exercise', 'the button for an exercise');
  await page.locator('#al-generic').check();
  // the preview is asked again after the change: every headline then begins with EXERCISE
  await page.waitForFunction(() => {
    const h = [...document.querySelectorAll('[data-testid=al-preview] [data-testid=al-lang] .al-headline')].map((x) => x.textContent);
    return h.length === 3 && h.every((t) => t.startsWith('EXERCISE')) && !document.querySelector('[data-testid=al-preview][aria-busy]');
  });
  const pv = await alertPreview(page, ['en', 'mk', 'sq']);
  assert(!pv.en.headline.includes('Ministry of the Interior Headquarters'), `the generic area does not name the site: ${pv.en.headline}`);
  const gh = await page.locator('#al-generic-help').textContent();
  assert(/coarsened/.test(gh) && /grid/.test(gh) && /name/.test(gh), `the notice says the circle is coarsened and the name not given: ${gh}`);
  assert(/local time/.test(await page.locator('[data-testid=al-expiry]').textContent()), 'the expiry says the texts use local time');
  await scrollToTop(page.locator('[data-testid=al-generic-box]'));
  await shot(page, 'tablet-alerts-compose');
  await page.locator('.al-preview-title').evaluate((h) => window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY - document.getElementById('topbar').offsetHeight - 8));
  await shot(page, 'tablet-alerts-preview');
  await page.context().close();

  const op = await newPage();
  await login(op, U.operator);
  await openAlerts(op);
  eq(await op.locator('#al-template').count(), 0, 'no composer for an operator');
  eq(await op.locator('[data-testid=alert-pending]').count(), 0, 'no approval step for an operator');
  if (alertId) await op.locator(`#al-chains tbody tr[data-chain="${alertId}"]`).waitFor();
  eq(await op.locator('[data-testid=al-cancel]').count(), 0, 'no actions for an operator');
  await shot(op, 'laptop-alerts-reader');
  await op.context().close();
});

/** As USER through the API: compose (body) and approve it as APPROVER; the issued id. */
async function issueAlertApi(body, composer, approver) {
  const ctxFor = async (u) => { const p = await newPage(); await login(p, u); return p; };
  const a = await ctxFor(composer);
  const id = await a.evaluate(async (b) => {
    const s = await (await fetch('/api/v1/session')).json();
    const r = await fetch('/api/v1/alerts', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token }, body: JSON.stringify(b) });
    return (await r.json()).identifier;
  }, body);
  await a.context().close();
  const b = await ctxFor(approver);
  const st = await b.evaluate(async (i) => {
    const s = await (await fetch('/api/v1/session')).json();
    const m = await (await fetch(`/api/v1/alerts/${i}`)).json();
    const r = await fetch(`/api/v1/alerts/${i}/approve`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token }, body: JSON.stringify({ sha256: m.sha256 }) });
    return r.status;
  }, id);
  await b.context().close();
  eq(st, 200, `approving ${id}`);
  return id;
}

test('alerts: the approver sees what an Update changes and its area; an all clear keeps the warned area', async () => {
  const chain = await issueAlertApi({ template: 'armed-attack', site_id: 'VM-045' }, U.pio, U.coordinator);
  // the pio updates it: 3 km for 3 hours
  const pio = await newPage();
  await login(pio, U.pio);
  await openAlerts(pio);
  await pio.locator(`#al-chains tbody tr[data-chain="${chain}"] [data-testid=al-update]`).click();
  await pio.locator('[data-testid=al-mode]').filter({ hasText: `Update of ${chain}` }).waitFor();
  await pio.locator('#al-radius').fill('3');
  await pio.locator('#al-duration').fill('3');
  await alertPreview(pio, ['en', 'mk', 'sq']);
  await pio.locator('[data-testid=al-submit]').click();
  await pio.locator('.toast').filter({ hasText: 'awaiting approval by a second person' }).waitFor();
  await pio.context().close();

  const co = await newPage();
  await login(co, U.coordinator);
  await openAlerts(co);
  const card = co.locator('[data-testid=alert-pending] .al-pending').filter({ hasText: 'Update' }).first();
  await card.waitFor();
  const diff = card.locator('[data-testid=al-diff]');
  assert((await diff.textContent()).includes(`changes from ${chain}`), 'the changes name the message updated');
  const area = diff.locator('tr[data-field="Area"]');
  assert(/ 1 km /.test(await area.locator('.al-was').textContent()) && / 3 km /.test(await area.locator('.al-now').textContent()), `area was/now: ${await area.textContent()}`);
  eq((await diff.locator('tr[data-field="Duration"] .al-now').textContent()).trim(), '3 h', 'the duration now');
  assert(await diff.locator('tr[data-field="Description (en)"]').count() === 1, 'the English description changes (it names the radius)');
  assert(await diff.locator('tr[data-field="Template"]').count() === 0 && (await diff.textContent()).includes('Unchanged: Template'), 'unchanged fields are named, not listed');
  await card.locator('.al-pending-area').waitFor();
  await card.locator('.al-prev-area').waitFor();
  await scrollToTop(card);
  await shot(co, 'laptop-alerts-approve-update');
  await card.locator('[data-testid=al-approve]').click();
  await co.locator('[data-testid=al-approve-confirm] [data-testid=al-confirm-ok]').click();
  await co.locator('.toast').filter({ hasText: 'approved and issued' }).waitFor();

  // All clear: the warned area (3 km) and duration (2 h), not the template's 1 km / 1 h
  const row = co.locator(`#al-chains tbody tr[data-chain="${chain}"]`);
  await row.locator('[data-testid=al-allclear]').click();
  await co.locator('[data-testid=al-mode]').filter({ hasText: 'All clear for' }).waitFor();
  eq(await co.locator('#al-template').inputValue(), 'all-clear', 'the all-clear template');
  eq(await co.locator('#al-radius').inputValue(), '3', 'the radius of the message cleared');
  eq(await co.locator('#al-duration').inputValue(), '3', 'the duration of the message cleared');
  await alertPreview(co, ['en', 'mk', 'sq']);
  await co.waitForFunction(() => /a circle of 3 km .*as composed/.test(document.querySelector('[data-testid=al-map-caption]').textContent));
  await shot(co, 'laptop-alerts-allclear-area');
  await co.locator('#al-radius').fill('1');
  await co.locator('[data-testid=al-submit]').click();
  assert(/at least the area that was warned/.test(await co.locator('#al-radius-err').textContent()), 'a smaller all clear is refused on the page');
  await co.locator('#al-radius').fill('3');
  await alertPreview(co, ['en', 'mk', 'sq']);
  const sent = co.waitForRequest((r) => /\/api\/v1\/alerts\/[^/]+\/update$/.test(r.url()));
  await co.locator('[data-testid=al-submit]').click();
  const ub = JSON.parse((await sent).postData());
  assert(!('radius_km' in ub) && !('duration_h' in ub), `the unchanged area and duration are left to the previous message: ${JSON.stringify(ub)}`);
  await co.locator('.toast').filter({ hasText: 'awaiting approval by a second person' }).waitFor();
  const pending = co.locator('[data-testid=alert-pending] .al-pending').filter({ hasText: 'all clear changes' }).first();
  await pending.waitFor();
  eq(await pending.locator('tr[data-field="Area"]').count(), 0, 'the all clear covers the same area');
  const capXml = await co.evaluate(async (id) => (await (await fetch(`/api/v1/alerts/${id}`)).json()).xml, await pending.getAttribute('data-id'));
  assert(/<circle>[^<]+ 3<\/circle>/.test(capXml), 'the all clear\'s circle is 3 km');
  await co.context().close();
});

test('alerts: an unreadable message is not offered for approval; not_appointed; a withheld site (staged)', async () => {
  const co = await newPage();
  await login(co, U.coordinator);
  const BAD = 'PT-20261201T000000Z-0000dead';
  const NA = 'PT-20261201T000000Z-0000beef';
  const HID = 'PT-20261201T000000Z-0000cafe';
  const base = { chain: null, references: null, msg_type: 'Alert', status: 'Actual', state: 'pending', site_id: 'VM-029', site_name: ALERT_SITE_NAME, template: 'armed-attack', languages: ['en'], radius_km: 1, polygon: false, generic_area: false, sent: '2026-12-01T00:00:00-00:00', expires: '2026-12-01T01:00:00-00:00', composer: 'someone', approver: null, composed_at: '2026-12-01T00:00:00Z', decided_at: null, reason: null, latest: true, in_feed: false, sha256: 'ab'.repeat(32), cb: [], warnings: [] };
  const good = '<?xml version="1.0" encoding="UTF-8"?>\n<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>' + NA + '</identifier><info><language>en</language><headline>Staged headline</headline><area><areaDesc>Staged</areaDesc><circle>47.1,-12.0 1</circle></area></info></alert>';
  const goodHash = (await import('node:crypto')).createHash('sha256').update(good).digest('hex');
  const fakes = {
    [BAD]: { ...base, identifier: BAD, chain: BAD, xml: '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><headline>broken \uFFFE</headline' },
    [NA]: { ...base, identifier: NA, chain: NA, xml: good, sha256: goodHash },
    [HID]: { ...base, identifier: HID, chain: HID, state: 'issued', site_withheld: true, site_id: null, site_name: null, approver: 'another', in_feed: true },
  };
  await co.route('**/api/v1/alerts', async (route) => {
    if (route.request().method() !== 'GET') return route.continue();
    const r = await route.fetch();
    const j = await r.json();
    j.alerts = [...Object.values(fakes).map(({ xml, ...x }) => x), ...j.alerts];
    await route.fulfill({ response: r, json: j });
  });
  await co.route(/\/api\/v1\/alerts\/PT-20261201T000000Z-0000(dead|beef|cafe)(\/approve)?$/, async (route) => {
    const id = /PT-[^/]+/.exec(route.request().url())[0];
    if (route.request().method() === 'POST') return route.fulfill({ status: 403, json: { error: 'your role was not granted by the system administrator', code: 'not_appointed' } });
    return route.fulfill({ json: fakes[id] });
  });
  await openAlerts(co);
  const bad = co.locator(`.al-pending[data-id="${BAD}"]`);
  await bad.locator('[data-testid=al-unreadable]').waitFor();
  assert(/does not parse/.test(await bad.locator('[data-testid=al-unreadable]').textContent()), 'says the XML does not parse');
  eq(await bad.locator('[data-testid=al-approve]').count(), 0, 'no Approve for an unreadable message');
  eq(await bad.locator('[data-testid=al-reject]').count(), 1, 'Reject is still offered');
  assert(!/This page contains/.test(await bad.locator('[data-testid=al-unreadable]').textContent()), 'the parser\'s own words only');
  await scrollToTop(bad);
  await shot(co, 'laptop-alerts-unreadable');
  const na = co.locator(`.al-pending[data-id="${NA}"]`);
  eq((await na.locator('[data-testid=al-sha256]').textContent()).trim(), goodHash, 'the hash of the text shown');
  await na.locator('[data-testid=al-approve]').click();
  await co.locator('[data-testid=al-approve-confirm] [data-testid=al-confirm-ok]').click();
  await na.locator('[data-testid=al-approve-error]').filter({ hasText: 'you may compose but not approve' }).waitFor();
  assert(await na.locator('[data-testid=al-approve]').isDisabled(), 'Approve stays off');
  const hid = co.locator(`#al-chains tbody tr[data-chain="${HID}"]`);
  assert((await hid.textContent()).includes('a site you may not see'), 'a withheld site is named as such');
  eq(await hid.locator('[data-testid=al-cancel]').count(), 0, 'no actions on a withheld site');
  assert(!/null|undefined/.test(await hid.textContent()), 'no null in the row');
  await scrollToTop(hid);
  await shot(co, 'laptop-alerts-withheld');
  await co.context().close();
});

test('alerts: accessibility of the composer, the approval step and the list (axe-core)', async () => {
  const found = [];
  for (const vp of Object.keys(VIEWPORTS)) {
    const page = await newPage(vp, { bypassCSP: true });
    await login(page, U.coordinator);
    await openAlerts(page);
    await page.locator('#al-site').selectOption(ALERT_SITE);
    await alertPreview(page, ['en', 'mk', 'sq']);
    found.push(...await axe(page, `${vp} alerts (composer)`));
    await page.context().close();
    const op = await newPage(vp, { bypassCSP: true });
    await login(op, U.operator);
    await openAlerts(op);
    found.push(...await axe(op, `${vp} alerts (reader)`));
    await op.context().close();
  }
  assert(found.length === 0, found.slice(0, 6).join('; '));
});

test('alerts: no script errors (so far; BROWSER_ONLY=alerts: runs no other check of them)', async () => {
  assert(problems.length === 0, problems.slice(0, 5).join('; '));
});

/* ---- issue 14: the simulation view (web/simulate.js; docs/internals/web.md "Simulation") ----
   A coordinator opens it from a hospital's page and sweeps the ambulances; the trend must hold
   (checked with the CLI: `protect scenario from-site VM-013 --threat armed_assault_team --as
   coordinator | protect simulate --scenario - --replications 50 --seed 1 --sweep
   response.ambulances=2,10,40` gives mean deaths 60.08, 57.1, 55 with 95% intervals 58.3-61.8
   and 53.1-56.9 at 2 and 40). A viewer is offered no simulation. */

const SIM_HOSPITAL = 'VM-013';                       // Brackwater District Hospital, TLP:GREEN
const SIM_HOSPITAL_NAME = 'Brackwater District Hospital';
const SIM_OTHER_HOSPITAL = 'Orrinford General Hospital'; // VM-012, GREEN, 20 km away: a receiving hospital
U.facilitator = who('facilitator', 'facilitator'); // Vellmark National Police, facilitator
U.police = who('police', 'police');                // Vellmark National Police, viewer

/** Run the form and wait for its answer; returns the request's body and the JSON answer. */
async function simulateRun(page) {
  const asked = page.waitForRequest((r) => r.url().endsWith('/api/v1/simulations') && r.method() === 'POST');
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/simulations'), { timeout: 60000 });
  await page.locator('[data-testid=sim-run]').click();
  const req = await asked;
  const res = await answered;
  await page.locator('[data-testid=sim-results]:not([aria-busy])').waitFor({ timeout: 60000 });
  return { body: req.postDataJSON(), status: res.status(), json: await res.json() };
}

/** How many pixels of a canvas are drawn. */
async function canvasInk(page, sel) {
  return page.locator(sel).evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return { w: c.width, h: c.height, n };
  });
}

/** Scroll an element to just under the sticky top bar (for a screenshot). */
async function underBar(page, sel) {
  await page.locator(sel).evaluate((e) => {
    const bar = document.getElementById('topbar');
    const t = e.tagName === 'H2' ? (e.closest('section') || e) : e;   // a heading: its whole panel
    window.scrollTo(0, t.getBoundingClientRect().top + window.scrollY - (bar ? bar.offsetHeight : 0) - 8);
  });
}

const oneDecimal = (x) => x.toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

test('simulate: a coordinator sweeps the ambulances at a hospital from its page; trend with interval, hospital load, deaths by place; a threat error', async () => {
  const page = await newPage();
  await login(page, U.coordinator);
  assert(await page.locator('#mainnav').getByRole('link', { name: 'Simulate' }).count() === 1, 'the coordinator has the Simulate link');
  await page.goto(`${BASE}/#/site/${SIM_HOSPITAL}`);
  const link = page.locator('[data-testid=simulate-attack]');
  eq((await link.textContent()).trim(), 'Simulate an attack here', 'the site page offers a simulation');
  await page.locator('[data-testid=rank-quant]').waitFor();
  await shot(page, 'laptop-site-simulate-link');
  await link.click();
  await page.locator('#sim-site').waitFor();
  eq(await page.locator('#sim-site').inputValue(), SIM_HOSPITAL, 'the site is chosen from the site page');
  assert((await page.evaluate(() => location.hash)) === `#/simulate?site=${SIM_HOSPITAL}`, 'the address names the site');
  eq(await page.locator('#sim-key').inputValue(), 'response.ambulances', 'the ambulances are swept by default');
  eq(await page.locator('#sim-values').inputValue(), '2,5,10,20,40', 'the ambulance values are pre-filled');
  eq(await page.locator('#sim-reps').inputValue(), '200', 'replications default to 200 on the page');
  assert(/200 by default here so that the page answers quickly/.test(await page.locator('#sim-reps-help').textContent()), 'the page says why 200');
  eq(await page.locator('#sim-threat').inputValue(), 'armed_assault_team', 'the reference attack is chosen');
  await shot(page, 'laptop-simulate-form');
  await page.locator('#sim-values').fill('2,10,40');
  await page.locator('#sim-reps').fill('50');
  await page.locator('#sim-seed').fill('1');
  const { body, status, json } = await simulateRun(page);
  eq(status, 200, 'the simulation answers');
  eq(JSON.stringify(body), JSON.stringify({ site_id: SIM_HOSPITAL, threat: 'armed_assault_team', replications: 50, seed: 1, sweep: { key: 'response.ambulances', values: [2, 10, 40] } }), 'the request');
  assert(/^Simulated: 3 values × 50 replications\.$/.test((await page.locator('[data-testid=sim-status]').textContent()).trim()), 'the status says what was run');
  // the table: one row per swept value, the server's means and intervals
  const rows = page.locator('#sim-table tbody tr');
  eq(await rows.count(), 3, 'one table row per swept value');
  eq(JSON.stringify(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.value))), JSON.stringify(['2', '10', '40']), 'the swept values');
  eq(JSON.stringify((await page.locator('#sim-table [data-testid=sim-value]').allTextContents()).map((t) => t.trim())), JSON.stringify(['2 ambulances', '10 ambulances', '40 ambulances']), 'the values as read');
  const means = (await page.locator('#sim-table [data-testid=sim-deaths-mean]').allTextContents()).map((t) => Number(t.replace(/,/g, '')));
  json.rows.forEach((row, i) => eq(means[i], Number(oneDecimal(row.outputs.deaths.mean).replace(/,/g, '')), `mean deaths shown for ${row.value}`));
  assert(means[0] > means[2], `more deaths with 2 ambulances than with 40: ${means.join(', ')}`);
  const ci = (await page.locator('#sim-table [data-testid=sim-deaths-ci]').first().textContent()).trim();
  eq(ci, `${oneDecimal(json.rows[0].outputs.deaths.lo)}–${oneDecimal(json.rows[0].outputs.deaths.hi)}`, 'the 95% interval of the first row');
  const heads = (await page.locator('#sim-table thead tr').first().locator('th').allTextContents()).map((t) => t.trim());
  // the main outputs the answer has (later deaths once the model gives them), transport deaths and surgery time among them
  const heading = { deaths: 'Deaths', later_deaths: 'Later deaths', deaths_transport: 'Deaths in transport', critical_mortality: 'Critical mortality (%)', first_treatment_min: 'Time to first treatment (min)', surgery_min: 'Time to surgery (min)' };
  eq(JSON.stringify(heads), JSON.stringify(['Ambulances'].concat(Object.keys(heading).filter((k) => k in json.rows[0].outputs).map((k) => heading[k]))), 'the outputs with their units');
  eq((await page.locator('#sim-table [data-testid=sim-deaths_transport-mean]').first().textContent()).trim(), oneDecimal(json.rows[0].outputs.deaths_transport.mean), 'transport deaths in the table');
  // the paired difference from the first value (2 ambulances), with its interval and what it says
  const diffs = page.locator('#sim-diff-table tbody tr');
  eq(await diffs.count(), 3, 'a difference row per value');
  const d40 = json.rows[2].outputs.deaths.diff;
  assert(d40 && d40.n === 50 && d40.lo <= d40.mean && d40.mean <= d40.hi, `the answer's paired difference: ${JSON.stringify(d40)}`);
  assert(/^difference from 2 ambulances/.test((await page.locator('#sim-diff-table thead th').nth(2).textContent()).trim()), 'the difference column names the first value');
  const verdict40 = (await diffs.nth(2).locator('[data-testid=sim-diff-verdict]').textContent()).trim();
  eq(verdict40, d40.lo <= 0 && d40.hi >= 0 ? 'no difference we can tell apart from chance at 95%' : `${d40.mean < 0 ? 'lower' : 'higher'} than with 2 ambulances, beyond chance at 95%`, 'what the difference says');
  eq((await diffs.nth(0).locator('[data-testid=sim-diff]').textContent()).trim(), '—', 'no difference for the first value');
  // only the attack types with a casualty mix are offered
  const offered = await page.locator('#sim-threat option').evaluateAll((os) => os.map((o) => o.value));
  assert(!offered.includes('arson') && offered.includes('pbied') && offered.includes('armed_assault_team'), `the attack types offered: ${offered.join(', ')}`);
  eq((await page.locator('#sim-table [data-testid=sim-critical_mortality-mean]').first().textContent()).trim(), oneDecimal(json.rows[0].outputs.critical_mortality.mean * 100), 'critical mortality in percent');
  eq((await page.locator('#sim-table [data-testid=sim-surgery_min-mean]').first().textContent()).trim(), oneDecimal(json.rows[0].outputs.surgery_min.mean), 'time to surgery in minutes');
  const note = await page.locator('[data-testid=sim-interval-note]').textContent();
  assert(/95% confidence interval, t-based/.test(note) && /over 50 replications/.test(note), `the interval is explained: ${note}`);
  const summary = (await page.locator('[data-testid=sim-summary]').textContent()).trim();
  assert(/^150 victims \(the attack type's default\), 2 receiving hospitals, the number of ambulances swept over 2, 10, 40; 50 replications per value, seed 1\.$/.test(summary), `the summary: ${summary}`);
  // marked with the labels of the sites it is computed from (two GREEN hospitals)
  eq((await page.locator('.sim-head .tlp').textContent()).trim(), 'TLP:GREEN', 'the result\'s marking');
  // the view lists every site the coordinator may read in its picker, so its banner is their highest label
  const listed = await page.evaluate(async () => (await (await fetch('/api/v1/sites?limit=1000', { credentials: 'same-origin' })).json()).tlp);
  eq(await page.locator('#tlp-banner').textContent(), listed, 'the view\'s banner: the highest label of the sites it lists');
  const results = await page.locator('[data-testid=sim-results]').textContent();
  assert(!/null|undefined|NaN/.test(results), 'no "null", "undefined" or "NaN" in the results');
  // the three charts are drawn
  for (const c of ['#sim-trend', '#sim-load', '#sim-places']) {
    const ink = await canvasInk(page, c);
    assert(ink.w > 200 && ink.h > 200 && ink.n > 1000, `${c} is drawn: ${JSON.stringify(ink)}`);
  }
  // the load chart's hospitals, with their peaks, for the chosen row (the first by default)
  eq(await page.locator('#sim-load-row').inputValue(), '0', 'the load of the first value at first');
  const hospitals = (await page.locator('#sim-hospitals tbody th').allTextContents()).map((t) => t.trim());
  eq(JSON.stringify(hospitals), JSON.stringify(json.rows[0].hospitals.map((h) => h.name)), 'the receiving hospitals listed under the load chart');
  assert(hospitals.includes(SIM_HOSPITAL_NAME) && hospitals.includes(SIM_OTHER_HOSPITAL), `both hospitals: ${hospitals.join(', ')}`);
  const peak = async () => (await page.locator('#sim-hospitals tbody tr').filter({ hasText: SIM_OTHER_HOSPITAL }).locator('td').textContent()).trim();
  eq(await peak(), `${oneDecimal(json.rows[0].hospitals.find((h) => h.name === SIM_OTHER_HOSPITAL).peak_mean)} patients`, 'the peak load with 2 ambulances');
  eq((await page.locator('#sim-hospitals tbody tr').filter({ hasText: SIM_HOSPITAL_NAME }).locator('td').textContent()).trim(), 'received none', 'the attacked hospital, locked down, receives nobody');
  // a coordinator is told how many it may not read were left out (none here), not the generic note
  eq(await page.locator('[data-testid=sim-receiving] [data-testid=sim-hosp-pick]').count(), json.receiving_hospitals.length, 'a checkbox per receiving hospital');
  await page.locator('#sim-load-row').selectOption('2');
  eq(await peak(), `${oneDecimal(json.rows[2].hospitals.find((h) => h.name === SIM_OTHER_HOSPITAL).peak_mean)} patients`, 'the peak load with 40 ambulances');
  // deaths by place: the scene, transport and hospital means per value
  eq(await page.locator('#sim-places-table tbody tr').count(), 3, 'deaths by place for each value');
  const place = (await page.locator('#sim-places-table tbody tr').first().locator('td').allTextContents()).map((t) => t.trim());
  eq(JSON.stringify(place), JSON.stringify(['deaths_scene', 'deaths_transport', 'deaths_hospital', 'deaths'].map((k) => oneDecimal(json.rows[0].outputs[k].mean))), 'deaths by place with 2 ambulances');
  await underBar(page, '#sim-what-title');
  await shot(page, 'laptop-simulate-trend');
  await underBar(page, '#sim-load-title');
  await shot(page, 'laptop-simulate-load');
  // another output on the trend
  await page.locator('#sim-output').selectOption('critical_mortality');
  assert(/^Critical mortality per ambulances: 2 ambulances: [\d.]+%/.test(await page.locator('#sim-trend').getAttribute('aria-label')), 'the trend shows critical mortality');
  await underBar(page, '#sim-trend-title');
  await shot(page, 'laptop-simulate-mortality');
  // a categorical decision: the triage method, drawn as interval bars
  await underBar(page, '#sim-form-title');
  await page.locator('#sim-key').selectOption('response.triage');
  eq(await page.locator('#sim-values').inputValue(), 'START,SALT', 'the triage methods are pre-filled');
  const tri = await simulateRun(page);
  eq(JSON.stringify(tri.body.sweep), JSON.stringify({ key: 'response.triage', values: ['START', 'SALT'] }), 'the triage sweep');
  const dTri = tri.json.rows[1].outputs.deaths.diff;
  eq((await page.locator('#sim-diff-table tbody tr').nth(1).locator('[data-testid=sim-diff-verdict]').textContent()).trim(), dTri.lo <= 0 && dTri.hi >= 0 ? 'no difference we can tell apart from chance at 95%' : `${dTri.mean < 0 ? 'lower' : 'higher'} than with START, beyond chance at 95%`, 'SALT against START, paired');
  eq(JSON.stringify((await page.locator('#sim-table [data-testid=sim-value]').allTextContents()).map((t) => t.trim())), JSON.stringify(['START', 'SALT']), 'a row per triage method');
  const inkTri = await canvasInk(page, '#sim-trend');
  assert(inkTri.n > 1000, `the categorical trend is drawn: ${JSON.stringify(inkTri)}`);
  await underBar(page, '#sim-trend-title');
  await shot(page, 'laptop-simulate-triage');
  // the police entry time, in minutes: later entry, more deaths (CLI, 20 replications: 51.65, 56.85, 60.3)
  await page.locator('#sim-key').selectOption('attack.sites.0.secure_min');
  eq(await page.locator('#sim-values').inputValue(), '10,30,60,90,120', 'the police entry times are pre-filled');
  await page.locator('#sim-values').fill('10,60,120');
  await page.locator('#sim-reps').fill('20');
  const police = await simulateRun(page);
  eq(JSON.stringify(police.body.sweep), JSON.stringify({ key: 'attack.sites.0.secure_min', values: [10, 60, 120] }), 'the police sweep, in numbers');
  eq(JSON.stringify((await page.locator('#sim-table [data-testid=sim-value]').allTextContents()).map((t) => t.trim())), JSON.stringify(['10 min', '60 min', '120 min']), 'a row per entry time');
  const policeDeaths = (await page.locator('#sim-table [data-testid=sim-deaths-mean]').allTextContents()).map(Number);
  assert(policeDeaths[0] < policeDeaths[2], `fewer deaths when the police enter at 10 min than at 120: ${policeDeaths.join(', ')}`);
  await underBar(page, '#sim-trend-title');
  await shot(page, 'laptop-simulate-police');
  await underBar(page, '#sim-form-title');
  // a value the page refuses before asking, next to its field
  await page.locator('#sim-key').selectOption('response.ambulances');
  await page.locator('#sim-values').fill('2,ten');
  await page.locator('[data-testid=sim-run]').click();
  eq((await page.locator('#sim-values-err').textContent()).trim(), '"ten" is not a whole number of ambulances, 0 or more.', 'a bad value, next to the field');
  // too many replications for the role: 413 naming replications, next to the field
  await page.locator('#sim-values').fill('2,10');
  await page.locator('#sim-reps').fill('9000');
  const big = await simulateRun(page);
  eq(big.status, 413, 'replications beyond the role\'s limit');
  assert(/^Too much for one request: .*10000/.test((await page.locator('#sim-reps-err').textContent()).trim()), 'the limit, next to the replications');
  eq(await page.locator('#sim-values-err').textContent(), '', 'the values field has no error now');
  assert(/^The figures below are those of the previous run/.test((await page.locator('[data-testid=sim-stale]').textContent()).trim()), 'the previous figures are said to be the previous run\'s');
  await underBar(page, '#sim-form-title');
  await shot(page, 'laptop-simulate-limit-error');
  await page.context().close();
});

test('simulate: the result is marked with the labels of its receiving hospitals too', async () => {
  // VM-014 (Kessling Community Hospital, CLEAR): the GREEN Orrinford General Hospital VM-012 is
  // within 30 km, so it receives casualties and raises the result to GREEN. Issue 16: the AMBER
  // reference laboratory VM-015, 3 km away, has no emergency department and receives none.
  const page = await newPage();
  await login(page, U.analyst);
  await page.goto(`${BASE}/#/simulate?site=VM-014`);
  await page.locator('#sim-values').fill('10');
  await page.locator('#sim-reps').fill('10');
  const { json } = await simulateRun(page);
  const names = json.rows[0].hospitals.map((h) => h.name);
  assert(names.includes('Orrinford General Hospital'), `the GREEN hospital receives: ${names.join(', ')}`);
  assert(!names.includes('Vellmark Public Health Reference Laboratory'), `the laboratory receives no casualties: ${names.join(', ')}`);
  eq((await page.locator('.sim-head .tlp').textContent()).trim(), 'TLP:GREEN', 'the result\'s marking');
  eq((await page.locator('#sim-hospitals tbody tr').count()), names.length, 'every receiving hospital listed');
  // untick one hospital and run again (review 4)
  await underBar(page, '[data-testid=sim-receiving]');
  await shot(page, 'laptop-simulate-receiving');
  await page.locator('[data-testid=sim-hosp-pick][value="VM-012"]').uncheck();
  const asked = page.waitForRequest((r) => r.url().endsWith('/api/v1/simulations') && r.method() === 'POST');
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/simulations'));
  await page.locator('[data-testid=sim-rerun]').click();
  eq(JSON.stringify((await asked).postDataJSON().exclude), JSON.stringify(['VM-012']), 'the rerun leaves the general hospital out');
  const again = await (await answered).json();
  await page.locator('[data-testid=sim-results]:not([aria-busy])').waitFor();
  assert(!again.receiving_hospitals.some((h) => h.id === 'VM-012'), 'the answer has no general hospital');
  eq(await page.locator('#sim-hospitals tbody tr').filter({ hasText: 'Orrinford General Hospital' }).count(), 0, 'the general hospital is no longer listed');
  assert(/^Left out: VM-012/.test((await page.locator('[data-testid=sim-excluded]').textContent()).trim()), 'the page says what was left out');
  await page.context().close();
  // a facilitator, who may not be told of hospitals it cannot read, is told only readable ones are included
  const fa = await newPage();
  await login(fa, U.facilitator);
  await fa.goto(`${BASE}/#/simulate?site=VM-012`);
  await fa.locator('#sim-values').fill('10');
  await fa.locator('#sim-reps').fill('10');
  const r2 = await simulateRun(fa);
  eq(r2.status, 200, 'the facilitator\'s run');
  eq((await fa.locator('[data-testid=sim-hidden-note]').textContent()).trim(), 'Only the hospitals you may read are included: another role may see more, and get other figures.', 'the facilitator is told');
  await fa.context().close();
});

test('simulate: Stop aborts a run under way, and the page says so', async () => {
  const page = await newPage();
  await login(page, U.analyst);
  // the answer is held back (staged), so the run is still under way when Stop is pressed
  let held = null;
  await page.route('**/api/v1/simulations', (route) => { held = route; });
  await page.goto(`${BASE}/#/simulate?site=${SIM_HOSPITAL}`);
  await page.locator('#sim-site').waitFor();
  await page.locator('[data-testid=sim-run]').click();
  await page.locator('[data-testid=sim-status]').filter({ hasText: /^Simulating 5 values × 200 replications…$/ }).waitFor();
  assert(await page.locator('[data-testid=sim-run]').isDisabled(), 'Run is disabled while it runs');
  eq(await page.locator('[data-testid=sim-results]').getAttribute('aria-busy'), 'true', 'the results are busy');
  await page.locator('[data-testid=sim-stop]').click();
  await page.locator('[data-testid=sim-error]').filter({ hasText: /^Stopped: the server stopped the run too; nothing was kept\.$/ }).waitFor();
  assert(!(await page.locator('[data-testid=sim-run]').isDisabled()), 'Run is enabled again');
  assert(await page.locator('[data-testid=sim-stop]').isHidden(), 'Stop is hidden again');
  assert(held !== null, 'the request was sent');
  await page.context().close();
});

test('simulate: a viewer is offered no simulation; a facilitator is', async () => {
  const page = await newPage();
  await login(page, U.police);
  eq(await page.locator('#mainnav').getByRole('link', { name: 'Simulate' }).count(), 0, 'no Simulate link for a viewer');
  await page.goto(`${BASE}/#/site/${SIM_HOSPITAL}`);
  await page.locator('[data-testid=rank-quant]').waitFor();
  eq(await page.locator('[data-testid=simulate-attack]').count(), 0, 'no "Simulate an attack here" on the site page');
  await page.goto(`${BASE}/#/simulate?site=${SIM_HOSPITAL}`);
  const denied = page.locator('[data-testid=sim-denied]');
  await denied.waitFor();
  assert(/Not allowed/.test(await denied.textContent()) && /Your role may not run simulations/.test(await denied.textContent()), 'the view says the role may not');
  eq(await page.locator('#sim-site').count(), 0, 'no form');
  await shot(page, 'laptop-simulate-denied');
  await page.context().close();
  // a site the coordinator may not see (the operator's AMBER+STRICT substation) is not chosen from the address
  const co = await newPage();
  await login(co, U.coordinator);
  await co.goto(`${BASE}/#/simulate?site=${STRICT_SITE}`);
  await co.locator('#sim-site-err').filter({ hasText: `${STRICT_SITE}: no such site, or one you may not see.` }).waitFor();
  eq(await co.locator('#sim-site').inputValue(), '', 'no site chosen');
  eq(await co.locator(`#sim-site option[value="${STRICT_SITE}"]`).count(), 0, 'the hidden site is not offered');
  await co.context().close();
  const fa = await newPage();
  await login(fa, U.facilitator);
  await fa.locator('#mainnav').getByRole('link', { name: 'Simulate' }).click();
  await fa.locator('#sim-site').waitFor();
  await fa.context().close();
});

test('simulate: accessibility at both sizes (axe-core), the tablet layout', async () => {
  const found = [];
  for (const vp of Object.keys(VIEWPORTS)) {
    const page = await newPage(vp, { bypassCSP: true });
    await login(page, U.analyst);
    await page.goto(`${BASE}/#/simulate?site=${SIM_HOSPITAL}`);
    await page.locator('#sim-values').fill('2,10,40');
    await page.locator('#sim-reps').fill('20');
    await simulateRun(page);
    await page.locator('#sim-table tbody tr').first().waitFor();
    if (vp === 'tablet') {
      await page.screenshot({ path: path.join(OUT, 'tablet-simulate-full.png'), fullPage: true });
      await underBar(page, '#sim-trend-title');
      await shot(page, 'tablet-simulate-trend');
      await underBar(page, '#sim-table');
      await shot(page, 'tablet-simulate-table');
      // the figures fit a tablet's width: no sideways scrolling
      const fits = await page.locator('#sim-table').evaluate((t) => t.parentElement.scrollWidth <= t.parentElement.clientWidth + 1);
      assert(fits, 'the figures table fits the tablet\'s width');
    }
    found.push(...await axe(page, `${vp} simulate`));
    await page.context().close();
  }
  assert(found.length === 0, found.slice(0, 6).join('; '));
});

test('simulate: no script errors (so far; BROWSER_ONLY=simulate: runs no other check of them)', async () => {
  assert(problems.length === 0, problems.slice(0, 5).join('; '));
});

test('no script errors on any page', async () => {
  assert(problems.length === 0, problems.slice(0, 5).join('; '));
});

/* ---- busy registry: the page sends a 503 again, says so, and says when it gives up ----
   Its own context, without the console check of newPage: the staged 503s are logged by the
   browser as failed loads, which is what they are. */

const BUSY_MESSAGE = 'the registry is busy with another write; nothing was changed, so it is safe to try again in a moment';

async function busyPage() {
  const context = await browser.newContext({ viewport: VIEWPORTS.laptop, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.scriptErrors = [];
  page.on('pageerror', (e) => page.scriptErrors.push(e.message));
  return page;
}

/** Answer the first `busy` log-ins 503 as the server does (Retry-After 0: the page's own backoff). */
async function stageBusyLogin(page, busy) {
  const seen = { sent: 0 };
  await page.route('**/api/v1/session', (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    seen.sent++;
    if (seen.sent > busy) return route.continue();
    return route.fulfill({
      status: 503, contentType: 'application/json', headers: { 'Retry-After': '0' },
      body: JSON.stringify({ error: BUSY_MESSAGE }),
    });
  });
  return seen;
}

async function submitLogin(page, user) {
  await page.goto(BASE + '/');
  await page.locator('#login-user').fill(user.name);
  await page.locator('#login-password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

test('a busy registry: the page retries a 503 twice, says so, and logs in', async () => {
  const page = await busyPage();
  const seen = await stageBusyLogin(page, 2);
  await submitLogin(page, U.operator);
  const notice = page.locator('#busy');
  await notice.filter({ hasText: 'The registry is busy, retrying (1/3)…' }).waitFor();
  await notice.filter({ hasText: 'The registry is busy, retrying (2/3)…' }).waitFor();
  await shot(page, 'laptop-busy-retrying');
  await page.locator('[data-testid=user-name]').waitFor();
  eq(await page.locator('[data-testid=user-name]').textContent(), U.operator.name, 'logged in after the retries');
  eq(seen.sent, 3, 'log-ins sent: two answered busy, the third by the server');
  await notice.waitFor({ state: 'hidden' });
  eq(page.scriptErrors.join('; '), '', 'script errors');
  await page.context().close();
});

test('a busy registry: three retries answered 503, the page gives up and says so', async () => {
  const page = await busyPage();
  const seen = await stageBusyLogin(page, 1000);
  await submitLogin(page, U.operator);
  const notice = page.locator('#busy');
  await notice.filter({ hasText: 'retrying (3/3)' }).waitFor();
  await notice.filter({ hasText: 'The registry is still busy with another write: nothing was changed. Please try again in a minute.' }).waitFor();
  await page.locator('#login-error').filter({ hasText: BUSY_MESSAGE }).waitFor();
  eq(seen.sent, 4, 'log-ins sent: the first and three retries, then no more');
  assert(await page.locator('#topbar').isHidden(), 'not logged in');
  await shot(page, 'laptop-busy-gave-up');
  eq(page.scriptErrors.join('; '), '', 'script errors');
  await page.context().close();
});

/* ---- issue 10: the second factor, set up from the page (the "auth" block) ---- */

// A TOTP code from Debian's oathtool (liboath), as an authenticator app would show it.
function totpCode(secret, when = 'now') {
  return require('node:child_process').execFileSync('oathtool', ['--totp', '-b', '-N', when, secret]).toString().trim();
}

test('a user sets up a second factor from the page: QR code shown, code accepted, asked at the next log-in', async () => {
  const user = who('second', 'evaluator');   // a demo user no other test logs in as
  const page = await newPage();
  const logIn = async () => {
    await page.goto(BASE + '/');
    await page.locator('#login-user').fill(user.name);
    await page.locator('#login-password').fill(user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
  };
  await logIn();
  await page.locator('[data-testid=user-name]').waitFor();
  await page.locator('[data-testid=account]').click();
  await page.locator('[data-testid=enrol-start]').click();
  await page.locator('[data-testid=qr]').waitFor();
  eq(await page.locator('[data-testid=qr] path').count(), 1, 'the QR code is drawn');
  const box = await page.locator('[data-testid=qr]').boundingBox();
  assert(box && box.width >= 150 && box.height >= 150, `the QR code is large enough to scan: ${JSON.stringify(box)}`);
  const secret = (await page.locator('[data-testid=totp-secret]').textContent()).trim();
  eq(secret.length, 32, 'the key for typing by hand');
  await shot(page, 'laptop-second-factor-qr');
  await page.locator('#login-code').fill(totpCode(secret));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.locator('[data-testid=enrol-done]').waitFor();
  eq(await page.locator('[data-testid=recovery-codes] li').count(), 10, 'ten recovery codes shown once');
  // Each code on its own line with its number, nothing overlapping (the codes once ran into the
  // second column's numbers), every code shown whole; Copy and Download as text.
  const parts = page.locator('[data-testid=recovery-codes] .recovery-n, [data-testid=recovery-codes] .recovery-code');
  const boxes = [];
  for (let i = 0; i < await parts.count(); i++) boxes.push(await parts.nth(i).boundingBox());
  const overlap = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  for (let i = 0; i < boxes.length; i++) {
    assert(boxes[i] && boxes[i].width > 0, `recovery code part ${i} is shown`);
    for (let k = i + 1; k < boxes.length; k++)
      assert(!overlap(boxes[i], boxes[k]), `recovery code parts ${i} and ${k} overlap: ${JSON.stringify([boxes[i], boxes[k]])}`);
  }
  const codeEls = page.locator('[data-testid=recovery-codes] .recovery-code');
  const codes = await codeEls.allTextContents();
  for (let i = 1; i < codes.length; i++) {
    const [a, b] = [await codeEls.nth(i - 1).boundingBox(), await codeEls.nth(i).boundingBox()];
    assert(b.y >= a.y + a.height - 0.5, `code ${i + 1} is on a line below code ${i}: ${JSON.stringify([a, b])}`);
  }
  assert(await codeEls.evaluateAll((els) => els.every((e) => e.scrollWidth <= e.clientWidth + 1)), 'every code shown whole');
  eq(await page.locator('[data-testid=recovery-codes] .recovery-n').first().textContent(), '1.', 'the codes are numbered');
  await shot(page, 'laptop-second-factor-recovery-codes');
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.locator('[data-testid=recovery-download]').click()]);
  eq(download.suggestedFilename(), 'protect-recovery-codes.txt', 'the download\'s file name');
  const saved = fs.readFileSync(await download.path(), 'utf8');
  eq(saved.trim().split('\n').length, 10, 'the text file: ten lines');
  assert(codes.every((c, i) => saved.includes(`${i + 1}. ${c}`)), `the text file holds every code: ${saved}`);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
  await page.locator('[data-testid=recovery-copy]').click();
  await page.locator('[data-testid=recovery-copied]', { hasText: 'Copied.' }).waitFor();
  eq(await page.evaluate(() => navigator.clipboard.readText()), saved, 'Copy puts the same text on the clipboard');
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('button', { name: 'Log out' }).click();
  // The next log-in asks for a code after the password (a later code: the first is used).
  await logIn();
  await page.locator('[data-testid=second-step]').waitFor();
  assert(await page.locator('#topbar').isHidden(), 'no session before the code');
  await page.locator('#login-code').fill(totpCode(secret, 'now + 30 seconds'));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.locator('[data-testid=user-name]').waitFor();
  eq(await page.locator('[data-testid=user-name]').textContent(), user.name, 'logged in with the code');
  await page.context().close();
});

/* ---- issue 11: threat-level governance; an accepted risk that grows goes back for approval ---- */
test('a raised threat level re-opens the winter market accepted at medium; the register lists it first', async () => {
  const page = await newPage();
  await login(page, U.coordinator);
  // an earlier test left the level raised: back to SUBSTANTIAL, where the market's ramming risk is medium
  await page.locator('#threat').getByRole('button', { name: 'Change' }).click();
  await page.locator('#tl-level').selectOption('SUBSTANTIAL');
  await page.locator('#tl-rationale').fill('back to the assessed level');
  await page.getByRole('button', { name: 'Set level' }).click();
  await page.locator('[data-testid=threat-level]').filter({ hasText: 'SUBSTANTIAL' }).waitFor();
  await page.locator('#mainnav').getByRole('link', { name: 'Register' }).click();
  const sel = '#register tbody tr[data-site="VM-060"][data-threat="vehicle_ramming"]';
  await page.locator(sel).waitFor();
  eq(await page.locator(sel).getAttribute('data-band'), 'medium', 'the market\'s ramming risk before');
  await page.locator(`${sel} [data-testid=reg-edit]`).click();
  await page.locator('#re-treatment').selectOption('accept');
  await page.locator('#re-review').fill('2027-03-01');
  await page.getByRole('button', { name: 'Save decision' }).click();
  await page.locator(`${sel} [data-testid=reg-treatment]`).filter({ hasText: 'accept' }).waitFor();
  await page.locator('#threat').getByRole('button', { name: 'Change' }).click();
  await page.locator('#tl-threat').selectOption('');
  await page.locator('#tl-level').selectOption('CRITICAL');
  await page.locator('#tl-rationale').fill('an attack is expected imminently');
  await page.getByRole('button', { name: 'Set level' }).click();
  await page.locator('.toast').filter({ hasText: 're-opened for approval' }).waitFor();
  await page.locator('#mainnav').getByRole('link', { name: 'Register' }).click();
  await page.locator(`${sel} [data-testid=reg-approval]`).filter({ hasText: 're-opened (medium → high)' }).waitFor();
  eq(await page.locator('#register tbody tr[data-site]').first().getAttribute('data-site'), 'VM-060', 're-opened first');
  await shot(page, 'laptop-register-reopened');
  await page.locator('#threat').getByRole('button', { name: 'Change' }).click();
  await page.locator('#tl-level').selectOption('SUBSTANTIAL');
  await page.locator('#tl-rationale').fill('back to normal');
  await page.getByRole('button', { name: 'Set level' }).click();
  await page.locator('[data-testid=threat-level]').filter({ hasText: 'SUBSTANTIAL' }).waitFor();
  await page.context().close();
});

/* ---- issue 15: an exercise run from the page (the group "exercise:") ----
   A facilitator, two players and an evaluator, each in a browser context of its own, run the
   hospital attack exercise (data/scenarios/hospital-attack-exercise.json) on a fresh demo
   database: the run is created and staffed from the page, the clock is driven from the console,
   the players receive injects live over Server-Sent Events. What is not under test (two more
   users) is set up through the API. The steps share the pages (X) and run in order. */

const X = {};
const EX_PLAYER2 = { name: 'player2', password: 'Exercise-player-two-Vellmark' };
const EX_EVALUATOR = { name: 'evaluator2', password: 'Exercise-evaluator-two-Vellmark' };

/** A logged-in API client (node's fetch with the session cookie and the CSRF token). */
async function apiClient(user) {
  const r = await fetch(BASE + '/api/v1/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: user.name, password: user.password }) });
  eq(r.status, 200, `API log-in of ${user.name}`);
  const cookie = (r.headers.get('set-cookie') || '').split(';')[0];
  const { csrf_token: csrf } = await r.json();
  return async (method, p, body) => {
    const res = await fetch(BASE + '/api/v1' + p, { method, headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json', Accept: 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = text; }
    return { status: res.status, body: json, headers: res.headers };
  };
}

async function exPage(user) {
  const page = await newPage('laptop', { bypassCSP: true });   // bypassCSP: for axe-core only
  await login(page, user);
  return page;
}

const exClock = (page) => page.locator('[data-testid=run-clock-time]').getAttribute('data-min').then(Number);
const exRow = (page, seq) => page.locator(`#msel tbody tr[data-seq="${seq}"]`);

test('exercise: a facilitator creates a run from a built-in exercise and assigns players and an evaluator on the page', async () => {
  const admin = await apiClient(U.admin);
  const orgs = await admin('GET', '/organisations?limit=1000');
  const orgId = (name) => orgs.body.items.find((o) => o.name === name).id;
  for (const [u, role, org] of [[EX_PLAYER2, 'player', 'Vellmark National Police'], [EX_EVALUATOR, 'evaluator', 'Vellmark Ministry of the Interior']]) {
    const r = await admin('POST', '/users', { name: u.name, password: u.password, role, organisation_id: orgId(org) });
    assert(r.status === 201 || r.status === 400, `user ${u.name}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const fac = X.fac = await exPage(who('facilitator', 'facilitator'));
  await fac.locator('#mainnav').getByRole('link', { name: 'Exercises' }).click();
  await fac.locator('[data-testid=ex-new]').waitFor();
  eq(await fac.locator('#ex-builtin').inputValue(), 'hospital-attack-exercise', 'the built-in exercise offered');
  await fac.locator('#ex-title').fill('Browser drill');
  await fac.locator('#ex-seed').fill('7');
  await shot(fac, 'exercise-new-run');
  const found = await axe(fac, 'exercises (new run)');
  assert(found.length === 0, found.join('\n'));
  await fac.locator('[data-testid=ex-create]').click();
  await fac.waitForURL(/#\/runs\/\d+$/);
  X.run = Number(fac.url().match(/#\/runs\/(\d+)$/)[1]);
  await fac.locator('#run-title').filter({ hasText: 'Browser drill' }).waitFor();
  eq((await fac.locator('[data-testid=run-clock-state]').textContent()).trim(), 'Ready', 'a new run\'s clock');
  eq(await fac.locator('#msel tbody tr').count(), 31, 'the MSEL\'s injects');
  // an unknown user is refused next to the field
  await fac.locator('#run-as-user').fill('nobody-here');
  await fac.locator('[data-testid=run-assign]').click();
  await fac.locator('#run-as-user-err').filter({ hasText: /\S/ }).waitFor();
  eq(await fac.locator('#run-as-user').getAttribute('aria-invalid'), 'true', 'the user field is marked');
  for (const [user, member, role] of [['player', 'player', 'ems_commander'], ['player', 'player', 'pio'],
    [EX_PLAYER2.name, 'player', 'police_commander'], [EX_EVALUATOR.name, 'evaluator', null]]) {
    await fac.locator('#run-as-user').fill(user);
    await fac.locator('#run-as-member').selectOption(member);
    if (role) await fac.locator('#run-as-role').selectOption(role);
    await fac.locator('[data-testid=run-assign]').click();
    await fac.locator(`[data-testid=run-participants] tbody tr[data-user="${user}"]`, { hasText: role ? (role === 'pio' ? 'Public information officer' : '') : 'evaluator' }).first().waitFor();
  }
  eq(await fac.locator('[data-testid=run-participants] tbody tr').count(), 5, 'participants: the lead facilitator, three player roles, an evaluator');
  eq(await fac.locator('#run-as-user-err').textContent(), '', 'the refusal is gone after an assignment');
  await shot(fac, 'exercise-facilitator-ready');
});

test('exercise: the players open the run from the list and see their roles, the clock and the live stream', async () => {
  assert(X.run, 'no run (the first step failed)');
  const pl = X.pl = await exPage(who('player', 'player'));
  await pl.locator('#mainnav').getByRole('link', { name: 'Exercises' }).click();
  await pl.locator(`#runs tbody tr[data-run="${X.run}"]`).waitFor();
  await shot(pl, 'exercise-player-runs');
  eq((await pl.locator('#tlp-banner').textContent()).trim(), 'TLP:AMBER', 'the list is marked with its runs\' labels');
  const found = await axe(pl, 'exercises (a player\'s runs)');
  assert(found.length === 0, found.join('\n'));
  await pl.locator(`#runs tbody tr[data-run="${X.run}"] a`).click();
  await pl.locator('[data-testid=run-live][data-state=live]').waitFor();
  eq((await pl.locator('[data-testid=run-roles]').textContent()).trim(), 'EMS commander, Public information officer', 'the player\'s roles');
  eq((await pl.locator('[data-testid=run-clock-state]').textContent()).trim(), 'Ready', 'the clock before the start');
  assert(await pl.locator('#msel').count() === 0, 'a player sees no MSEL');
  assert(await pl.locator('[data-testid=run-controls]').count() === 0, 'a player has no clock controls');
  const p2 = X.p2 = await exPage(EX_PLAYER2);
  await p2.goto(`${BASE}/#/runs/${X.run}`);
  await p2.locator('[data-testid=run-live][data-state=live]').waitFor();
  eq((await p2.locator('[data-testid=run-roles]').textContent()).trim(), 'Police commander', 'the second player\'s role');
  await shot(pl, 'exercise-player-ready');
});

test('exercise: the facilitator starts and triggers an inject; the player sees it arrive over SSE without reloading and answers it; the facilitator sees the answer, skips one and marks one done', async () => {
  const { fac, pl, p2 } = X;
  assert(fac && pl && p2, 'no pages (an earlier step failed)');
  await pl.evaluate(() => { window.__sameDocument = 'yes'; });
  await fac.locator('[data-testid=run-start]').click();
  await fac.locator('[data-testid=run-clock-state]', { hasText: 'Running' }).waitFor();
  await pl.locator('[data-testid=run-clock-state]', { hasText: 'Running' }).waitFor();
  await exRow(fac, 7).locator('[data-testid=msel-trigger]').click();
  await exRow(fac, 7).locator('[data-testid=msel-status]', { hasText: 'delivered' }).waitFor();
  const item = pl.locator('[data-testid=run-inbox] li[data-seq="7"]');
  await item.filter({ hasText: 'A nurse calls 112' }).waitFor();
  await p2.locator('[data-testid=run-inbox] li[data-seq="7"]').filter({ hasText: 'A nurse calls 112' }).waitFor();
  eq((await item.locator('[data-testid=run-msg-to]').textContent()).trim(), 'to Police commander, EMS commander',
    'the player sees every recipient of the inject (review finding 10)');
  eq(await pl.evaluate(() => window.__sameDocument), 'yes', 'the page was not reloaded');
  eq(await pl.locator('[data-testid=run-inbox] li[data-seq="1"]').count(), 0, 'an inject to other roles is not in the inbox');
  await shot(pl, 'exercise-player-inject');
  const answer = 'Ambulances to the rendezvous point at the Kessling Road bus depot; major incident declared.';
  await item.locator('textarea').fill(answer);
  await item.getByRole('button', { name: 'Send response' }).click();
  await item.locator('[data-testid=run-answers] li', { hasText: answer }).waitFor();
  await fac.locator('[data-testid=run-responses] li', { hasText: answer }).waitFor();
  await exRow(fac, 7).locator('[data-testid=msel-answers]', { hasText: '1 response' }).waitFor();
  // Skip drops an inject; Mark done on inject 3 cancels its contingency, inject 5
  await exRow(fac, 2).locator('[data-testid=msel-skip]').click();
  await exRow(fac, 2).locator('[data-testid=msel-status]', { hasText: 'skipped' }).waitFor();
  await exRow(fac, 3).getByRole('button', { name: /^Mark done/ }).click();
  await exRow(fac, 3).locator('[data-testid=msel-done]', { hasText: 'done at' }).waitFor();
  await exRow(fac, 5).locator('[data-testid=msel-status]', { hasText: 'cancelled' }).waitFor();
  eq(await exRow(fac, 5).locator('[data-testid=msel-trigger]').count(), 0, 'no Trigger now on a cancelled inject');
  await fac.evaluate(() => window.scrollTo(0, 0));
  await shot(fac, 'exercise-facilitator-running');
});

test('exercise: a stream that cannot connect says reconnecting, and once it connects the inbox catches up', async () => {
  const { fac } = X;
  assert(fac, 'no pages (an earlier step failed)');
  // its own context without the console check: the refused streams are logged as failed loads
  const context = await browser.newContext({ viewport: VIEWPORTS.laptop, deviceScaleFactor: 1 });
  const pg = await context.newPage();
  pg.setDefaultTimeout(15000);
  const scriptErrors = [];
  pg.on('pageerror', (e) => scriptErrors.push(e.message));
  let refused = 0;
  await pg.route('**/api/v1/runs/*/events*', (route) => { refused++; return route.abort('connectionreset'); });
  await login(pg, EX_PLAYER2);
  await pg.goto(`${BASE}/#/runs/${X.run}`);
  await pg.locator('[data-testid=run-live][data-state=reconnecting]').waitFor();
  // the injects delivered so far come with the run itself, stream or no stream
  await pg.locator('[data-testid=run-inbox] li[data-seq="7"]', { hasText: 'A nurse calls 112' }).waitFor();
  await shot(pg, 'exercise-player-reconnecting');
  await exRow(fac, 4).locator('[data-testid=msel-trigger]').click();   // to the police commander, meanwhile
  await exRow(fac, 4).locator('[data-testid=msel-status]', { hasText: 'delivered' }).waitFor();
  await pg.unroute('**/api/v1/runs/*/events*');
  await pg.locator('[data-testid=run-live][data-state=live]').waitFor({ timeout: 30000 });
  await pg.locator('[data-testid=run-inbox] li[data-seq="4"]', { hasText: 'stolen in Brackwater' }).waitFor();
  eq(await pg.locator('[data-testid=run-inbox] li[data-seq="7"]').count(), 1, 'inject 7 once');
  assert(refused >= 1, 'the stream was refused at least once');
  eq(scriptErrors.join('; '), '', 'script errors');
  await context.close();
  // the second player's page, connected all along, got inject 4 live
  await X.p2.locator('[data-testid=run-inbox] li[data-seq="4"]').waitFor();
});

test('exercise: a decision is refused next to its field, then accepted; the simulation reruns and its figures change', async () => {
  const { fac, pl } = X;
  assert(fac && pl, 'no pages (an earlier step failed)');
  const form = pl.locator('[data-testid=dec-ambulances_dispatched]');
  await form.locator('input').fill('99');
  await form.getByRole('button', { name: /Decide/ }).click();
  await pl.locator('#dec-ambulances_dispatched-err').filter({ hasText: /60/ }).waitFor();
  eq(await form.locator('input').getAttribute('aria-invalid'), 'true', 'the refused field is marked');
  await shot(pl, 'exercise-player-decision-refused');
  const committed = pl.locator('[data-testid=run-sim] [data-testid=sit-amb_committed]');
  await form.locator('input').fill('2');
  await form.getByRole('button', { name: /Decide/ }).click();
  await form.locator('[data-testid=dec-made]', { hasText: 'Decided at' }).waitFor();
  eq(await pl.locator('#dec-ambulances_dispatched-err').textContent(), '', 'no error after an accepted decision');
  await fac.locator('[data-testid=run-decisions-made] tr[data-decision=ambulances_dispatched]').first().waitFor();
  // review 3: the rerun reaches the EMS commander as the situation now, in whole numbers ("Simulation cell")
  await pl.locator('[data-testid=run-inbox] li[data-kind=sim]', { hasText: '2 committed in all' }).waitFor({ timeout: 60000 });
  await pl.locator('[data-testid=run-sim] [data-testid=sit-amb_committed]', { hasText: /^2$/ }).waitFor();
  await form.locator('input').fill('40');
  await form.getByRole('button', { name: /Decide/ }).click();
  await pl.locator('[data-testid=run-inbox] li[data-kind=sim]', { hasText: '40 committed in all' }).waitFor({ timeout: 60000 });
  await pl.locator('[data-testid=run-sim] [data-testid=sit-amb_committed]', { hasText: /^40$/ }).waitFor();
  eq((await committed.locator('xpath=..').locator('td').nth(1).textContent()).trim(), '2', 'before the last decision: 2 ambulances');
  assert(/^Situation at \d\d:\d\d, \d+ minutes after the attack/.test(await pl.locator('[data-testid=run-situation] caption').textContent()), 'the situation says when');
  // the projected end state with intervals is the controllers' view, not the players'
  eq(await pl.locator('[data-testid=run-outcome]').count(), 0, 'the player sees no projected outcome');
  eq(await pl.locator('[data-testid=run-inbox] li[data-kind=outcome]').count(), 0, 'no outcome in the inbox');
  await fac.locator('[data-testid=run-outcome] [data-testid=sim-deaths]').waitFor({ timeout: 60000 });
  // the value in force decided again: refused, saying so (review finding 10); the error stays until another form is sent
  await form.getByRole('button', { name: /Decide/ }).click();
  await pl.locator('#dec-ambulances_dispatched-err').filter({ hasText: /is 40 already \(decided at \d\d:\d\d/ }).waitFor();
  // review 15C item B: the walking wounded are not known while the dead are not (nobody inside yet)
  const sitText = async (k) => (await pl.locator(`[data-testid=run-sim] [data-testid=sit-${k}]`).textContent()).trim();
  eq((await sitText('walking')) === 'not known yet', (await sitText('dead')) === 'not known yet', 'walking wounded known only with the dead');
  // review 15C item D: one "Simulated figures" line per scenario minute in the timeline
  const simTimes = await fac.locator('[data-testid=run-timeline] tr[data-kind=sim] td:first-child').allTextContents();
  assert(simTimes.length >= 1, 'the timeline has the simulated figures');
  eq(new Set(simTimes).size, simTimes.length, `one Simulated figures line per minute: ${simTimes.join(', ')}`);
  await fac.locator('[data-testid=run-sim] summary', { hasText: 'Every rerun' }).click();
  await fac.locator('[data-testid=run-reruns] tbody tr').nth(1).waitFor();
  eq(await fac.locator('[data-testid=run-reruns] tbody tr').count(), 2, 'the console lists both reruns');
  await pl.locator('[data-testid=run-sim]').scrollIntoViewIfNeeded();
  await shot(pl, 'exercise-player-figures');
  await fac.locator('[data-testid=run-sim]').scrollIntoViewIfNeeded();
  await shot(fac, 'exercise-facilitator-figures');
});

test('exercise: pause freezes the player\'s clock; a shift into the past is refused next to the field, a shift forward moves the pending injects', async () => {
  const { fac, pl } = X;
  assert(fac && pl, 'no pages (an earlier step failed)');
  await fac.locator('[data-testid=run-pause]').click();
  await pl.locator('[data-testid=run-clock-state]', { hasText: 'Paused' }).waitFor();
  const a = await exClock(pl);
  await pl.waitForTimeout(1500);
  eq(await exClock(pl), a, 'the player\'s clock while paused');
  const due = async () => (await exRow(fac, 1).locator('td').nth(1).textContent()).slice(0, 5);
  eq(await due(), '00:05', 'inject 1 due at its file time');
  await fac.locator('#run-shift').fill('-30');
  await fac.locator('[data-testid=run-shift-go]').click();
  await fac.locator('#run-shift-err').filter({ hasText: /\S/ }).waitFor();
  eq(await fac.locator('#run-shift').getAttribute('aria-invalid'), 'true', 'the shift field is marked');
  eq(await due(), '00:05', 'a refused shift moves nothing');
  await shot(fac, 'exercise-facilitator-shift-refused');
  await fac.locator('#run-shift').fill('10');
  await fac.locator('[data-testid=run-shift-go]').click();
  await exRow(fac, 1).locator('td').nth(1).filter({ hasText: '00:15' }).waitFor();
  eq(await fac.locator('#run-shift-err').textContent(), '', 'no error after the shift');
  eq(await exClock(pl), a, 'the player\'s clock is still frozen');
  await fac.locator('[data-testid=run-resume]').click();
  await pl.locator('[data-testid=run-clock-state]', { hasText: 'Running' }).waitFor();
  await pl.waitForFunction((v) => Number(document.querySelector('[data-testid=run-clock-time]').dataset.min) > v, a);
});

test('exercise: the evaluator sees the timeline, records an observation and rates; the facilitator sets the final rating; the report opens', async () => {
  const { fac } = X;
  assert(fac, 'no pages (an earlier step failed)');
  const ev = X.ev = await exPage(EX_EVALUATOR);
  await ev.goto(`${BASE}/#/runs/${X.run}`);
  await ev.locator('[data-testid=run-live][data-state=live]').waitFor();
  await ev.locator('[data-testid=run-timeline] tr[data-kind=inject]', { hasText: 'A nurse calls 112' }).waitFor();
  await ev.locator('[data-testid=run-timeline] tr[data-kind=response]').first().waitFor();
  // review 15C item 10: #15 from "Armed response unit Tango-3" begins "Tango-3: ": the sender once
  await exRow(fac, 15).locator('[data-testid=msel-trigger]').click();
  const t15 = ev.locator('[data-testid=run-timeline] tr[data-kind=inject]', { hasText: 'Attacker down' });
  await t15.waitFor();
  eq((await t15.locator('td').nth(2).textContent()).slice(0, 18), 'Tango-3: "Attacker', 'the sender is not doubled');
  await ev.locator('[data-testid=run-timeline] tr[data-kind=inject]', { hasText: 'A nurse calls 112' }).locator('td', { hasText: '112 emergency call centre: A nurse' }).waitFor();
  await ev.locator('#obs-kind').selectOption('strength');
  await ev.locator('#obs-target').selectOption('t_lockdown');
  await ev.locator('#obs-text').fill('The EMS commander sent ambulances to a safe rendezvous point within a minute.');
  await ev.locator('[data-testid=obs-add]').click();
  await ev.locator('[data-testid=run-observations] tr[data-kind=strength]', { hasText: 'safe rendezvous point' }).waitFor();
  const row = ev.locator('[data-testid=run-ratings] tr[data-target=t_lockdown]');
  await row.locator('select').selectOption('S');
  await row.locator('[data-testid=rate-save]').click();
  await row.locator('[data-testid=ratings-by]', { hasText: `S ${EX_EVALUATOR.name}` }).waitFor();
  const frow = fac.locator('[data-testid=run-ratings] tr[data-target=t_lockdown]');
  await fac.locator('[data-testid=run-reload]').click();   // ratings are no events: read the run again
  await fac.locator('[data-testid=run-observations] tr[data-kind=strength]', { hasText: 'safe rendezvous point' }).waitFor();
  await frow.locator('[data-testid=ratings-by]', { hasText: 'S' }).waitFor();
  await frow.locator('select').selectOption('P');
  await frow.locator('[data-testid=rate-save]').click();
  await frow.locator('[data-testid=rating-final]', { hasText: 'P' }).waitFor();
  await ev.locator('[data-testid=run-reload]').click();
  await ev.locator('[data-testid=run-ratings] tr[data-target=t_lockdown] [data-testid=rating-final]', { hasText: 'P' }).waitFor();
  await shot(ev, 'exercise-evaluator');
  const href = await ev.locator('[data-testid=run-report-html]').getAttribute('href');
  eq(await ev.locator('[data-testid=run-report-html]').getAttribute('target'), '_blank', 'the report opens in a new tab');
  const [tab] = await Promise.all([ev.context().waitForEvent('page'), ev.locator('[data-testid=run-report-html]').click()]);
  await tab.waitForLoadState();
  assert((await tab.content()).includes('Browser drill'), `the report (${href}) names the run`);
  await tab.screenshot({ path: path.join(OUT, 'exercise-report.png') });
  await tab.close();
  const csv = await ev.context().request.get(BASE + await ev.locator('[data-testid=run-report-csv]').getAttribute('href'));
  eq(csv.status(), 200, 'the improvement plan CSV');
  assert((await csv.text()).startsWith('# TLP:AMBER'), 'the CSV is marked');
});

test('exercise: a government coordinator observes the run, read only', async () => {
  assert(X.run, 'no run (the first step failed)');
  const co = await newPage();
  await login(co, U.coordinator);
  await co.locator('#mainnav').getByRole('link', { name: 'Exercises' }).click();
  await co.locator(`#runs tbody tr[data-run="${X.run}"]`, { hasText: 'Observer' }).locator('a').click();
  await co.locator('[data-testid=run-part]', { hasText: 'Observer (read only)' }).waitFor();
  await co.locator('[data-testid=run-timeline] tr[data-kind=inject]').first().waitFor();
  await co.locator('[data-testid=run-ratings] tr[data-target=t_lockdown] [data-testid=rating-final]', { hasText: 'P' }).waitFor();
  eq(await co.locator('main textarea, main [data-testid=rate-save], main [data-testid=run-controls]').count(), 0, 'an observer has no forms');
  await co.locator('[data-testid=run-report-html]').waitFor();
  await shot(co, 'exercise-observer');
  await co.context().close();
});

test('exercise: the PIO issues an exercise alert from within the run; the player keeps its ICS 214 activity log', async () => {
  const { pl } = X;
  assert(pl, 'no pages (an earlier step failed)');
  // review finding 10: an open form, with its disclosure marker, on the exercise's own site
  eq(await pl.locator('[data-testid=run-pio] details.run-alert').getAttribute('open'), '', 'the alert form is open');
  eq(await pl.locator('[data-testid=run-pio] summary').evaluate((e) => getComputedStyle(e).display), 'list-item', 'the summary keeps its disclosure marker');
  await pl.locator('#xa-site option[value="VM-012"]').waitFor({ state: 'attached' });
  eq(await pl.locator('#xa-site').inputValue(), 'VM-012', 'the scenario\'s site is preselected');
  // review 15b item 10: selected in the markup too, and the template that fits an armed attack at a hospital
  eq(await pl.locator('#xa-site option[value="VM-012"]').getAttribute('selected'), '', 'the site option carries selected');
  eq(await pl.locator('#xa-template').inputValue(), 'armed-attack-hospital', 'the template that best fits the exercise is preselected');
  await pl.locator('[data-testid=xa-sent-empty]').waitFor();
  await pl.locator('[data-testid=xa-issue]').click();
  await pl.locator('[data-testid=xa-done]', { hasText: 'Exercise alert issued' }).waitFor();
  await pl.locator('[data-testid=xa-sent] li', { hasText: 'EXERCISE alert' }).waitFor();
  assert(await pl.locator('[data-testid=xa-sent-empty]').isHidden(), 'the list of alerts issued is no longer empty');
  eq((await pl.locator('#tlp-banner').textContent()).trim(), 'TLP:AMBER', 'the view\'s marking stays the run\'s (the sites offered are at most AMBER)');
  await pl.locator('[data-testid=run-inbox] li[data-kind=alert]').first().waitFor();
  await shot(pl, 'exercise-player-alert');
  // the ICS 214 activity log: a time that is not HH:MM is refused next to its field, then an entry
  await pl.locator('#log-activity').fill('Asked Brackwater District Hospital for its free resuscitation bays.');
  await pl.locator('#log-time').fill('soon');
  await pl.locator('[data-testid=log-add]').click();
  await pl.locator('#log-t_min-err', { hasText: 'HH:MM' }).waitFor();
  eq(await pl.locator('#dec-ambulances_dispatched-err').textContent(), '', 'another form sent clears the decision\'s old error');
  // a time later than the clock is refused in HH:MM, not in minutes
  await pl.locator('#log-time').fill('99:00');
  await pl.locator('[data-testid=log-add]').click();
  await pl.locator('#log-t_min-err', { hasText: /later than the exercise clock \(\d\d:\d\d\)/ }).waitFor();
  await pl.locator('#log-time').fill('');
  await pl.locator('#log-role').selectOption('ems_commander');
  await pl.locator('[data-testid=log-add]').click();
  const entry = pl.locator('[data-testid=run-log] tbody tr', { hasText: 'free resuscitation bays' });
  await entry.waitFor();
  assert((await entry.textContent()).includes('EMS commander, Harbourlight Group'), `the entry's position and agency: ${await entry.textContent()}`);
  await pl.locator('[data-testid=run-ics214]').scrollIntoViewIfNeeded();
  await shot(pl, 'exercise-player-ics214');
});

test('exercise: the run comes with its newest entries; "Show older" brings the older ones and a re-read keeps them', async () => {
  const { fac } = X;
  assert(fac, 'no pages (an earlier step failed)');
  // a first page of one entry (the server's default is 200): the player's log entry, the newest
  const firstPage = (u) => u.pathname === `/api/v1/runs/${X.run}` && !u.search;
  await fac.route(firstPage, async (route) => {
    const resp = await route.fetch({ url: `${route.request().url()}?limit=1` });
    await route.fulfill({ response: resp });
  });
  try {
    await fac.locator('[data-testid=run-reload]').click();
    const older = fac.locator('[data-testid=run-older]');
    await older.waitFor();
    eq(await fac.locator('[data-testid=run-responses] li').count(), 0, 'the first page holds no response');
    await older.click();
    const answer = fac.locator('[data-testid=run-responses] li', { hasText: 'Kessling Road bus depot' });
    await answer.waitFor();
    await older.waitFor({ state: 'detached' });
    const reread = fac.waitForResponse((r) => firstPage(new URL(r.url())));
    await fac.locator('[data-testid=run-reload]').click();
    await reread;
    await answer.waitFor();
    eq(await fac.locator('[data-testid=run-older]').count(), 0, 'nothing older left after a re-read');
  } finally {
    await fac.unroute(firstPage);
  }
});

test('exercise: the evaluator sees the Exercise Evaluation Guide, the critical tasks and the players\' logs; the facilitator adds an HSEEP improvement item', async () => {
  const { fac, ev } = X;
  assert(fac && ev, 'no pages (an earlier step failed)');
  await ev.locator('[data-testid=run-reload]').click();
  // the EEG: per target its critical tasks and the injects that test it, with their status
  const eeg = ev.locator('[data-testid=run-eeg] [data-objective=obj_lockdown]');
  await eeg.locator('li', { hasText: 'Activate the lockdown code over the public address' }).waitFor();
  eq(await eeg.locator('tr[data-seq="3"]').count(), 0, 'an inject of another capability does not test obj_lockdown');
  const lock = ev.locator('[data-testid=run-eeg] [data-objective=obj_lockdown] [data-testid=eeg-injects] tr[data-seq="8"]');
  await lock.waitFor();
  assert(/^\d\d:\d\d$/.test(await lock.locator('td').nth(2).textContent()), 'inject 8 has its deadline');
  // injects of a capability no objective names: #3 ("Cordon the van"), marked done on time; #2 skipped
  const other = ev.locator('[data-testid=run-eeg] [data-objective=""]');
  await other.locator('tr[data-seq="3"]', { hasText: 'Cordon the van' }).waitFor();
  assert(/^done \d\d:\d\d$/.test(await other.locator('tr[data-seq="3"] [data-testid=eeg-status]').textContent()), 'inject 3 done on time');
  eq(await other.locator('tr[data-seq="2"] [data-testid=eeg-status]').textContent(), 'skipped', 'inject 2 skipped');
  // review 15b item 7: a delivered action not done turns "overdue" once the clock passes its deadline
  // (00:40 for inject 4): the page's clock moved on an hour in a context of its own
  {
    const e2 = await exPage(EX_EVALUATOR);
    await e2.goto(`${BASE}/#/runs/${X.run}`);
    const st4 = e2.locator('[data-testid=run-eeg] tr[data-seq="4"] [data-testid=eeg-status]');
    await st4.filter({ hasText: /^delivered$/ }).waitFor();
    eq(await e2.locator('[data-testid=run-eeg] .eeg-overdue').count(), 0, 'nothing overdue at the start');
    await e2.clock.setFixedTime(Date.now() + 60 * 60000);
    await st4.filter({ hasText: /^overdue/ }).waitFor();
    eq(await st4.getAttribute('class'), 'eeg-overdue', 'an overdue action has its own style');
    assert(await st4.evaluate((x) => getComputedStyle(x).fontWeight === '700'), 'overdue stands out (bold, red)');
    eq(await e2.locator('[data-testid=run-eeg] tr[data-seq="3"] [data-testid=eeg-status]').textContent(), (await other.locator('tr[data-seq="3"] [data-testid=eeg-status]').textContent()), 'an action done stays done');
    await st4.scrollIntoViewIfNeeded();
    await shot(e2, 'exercise-evaluator-overdue');
    await e2.context().close();
  }
  // the rating table names the critical tasks
  await ev.locator('[data-testid=run-ratings] tr[data-target=t_lockdown] [data-testid=rating-tasks] li', { hasText: 'Activate the lockdown code' }).waitFor();
  // the players' ICS 214 entries and responses
  await ev.locator('[data-testid=run-players-log] li', { hasText: 'free resuscitation bays' }).waitFor();
  await ev.locator('[data-testid=run-responses] li').first().waitFor();
  await fac.locator('[data-testid=run-reload]').click();
  await fac.locator('[data-testid=run-players-log] li', { hasText: 'free resuscitation bays' }).waitFor();
  // an improvement item: the start date is required, named next to its field; then added
  await fac.locator('#imp-issue').fill('Lockdown code announced late');
  await fac.locator('#imp-action').fill('Drill the lockdown announcement monthly');
  await fac.locator('#imp-responsible').fill('Orrinford General Hospital');
  await fac.locator('#imp-target').selectOption('t_lockdown');
  await fac.locator('#imp-analysis').fill('The switchboard has no script for the code');
  await fac.locator('#imp-poc').fill('Head of security');
  await fac.locator('#imp-due').fill('2027-03-31');
  await fac.locator('[data-testid=imp-add]').click();
  await fac.locator('#imp-start-err', { hasText: 'start date is required' }).waitFor();
  eq(await fac.locator('#imp-start').getAttribute('aria-invalid'), 'true', 'the start field is marked invalid');
  await fac.locator('#imp-start').fill('2027-04-01');
  await fac.locator('[data-testid=imp-add]').click();
  await fac.locator('#imp-due-err', { hasText: 'before the start date' }).waitFor();
  await fac.locator('#imp-start').fill('2027-01-04');
  await fac.locator('[data-testid=imp-add]').click();
  const item = fac.locator('[data-testid=run-improvements] tbody tr', { hasText: 'Drill the lockdown announcement monthly' });
  await item.waitFor();
  assert((await item.textContent()).includes('2027-01-04'), `the item shows its start: ${await item.textContent()}`);
  // review 15b item 10: the capability of an item tied to a target is its objective's
  eq((await item.locator('[data-testid=imp-capability]').textContent()).trim(), 'Access Control and Identity Verification', 'the item\'s capability');
  // an area for improvement offered whole, with its capability; an item tied to it shows the capability
  const afiText = 'The lockdown code was announced over the public address eleven minutes after the first shot, after the 10-minute target.';
  await ev.locator('#obs-kind').selectOption('improvement');
  await ev.locator('#obs-target').selectOption('t_lockdown');
  await ev.locator('#obs-text').fill(afiText);
  await ev.locator('[data-testid=obs-add]').click();
  await ev.locator('[data-testid=run-observations] tr[data-kind=improvement]', { hasText: 'eleven minutes' }).waitFor();
  await fac.locator('[data-testid=run-reload]').click();
  const afiOpt = fac.locator('#imp-afi option', { hasText: 'eleven minutes' });
  await afiOpt.waitFor({ state: 'attached' });
  const afiLabel = await afiOpt.textContent();
  assert(afiLabel.includes(afiText) && afiLabel.includes('Access Control and Identity Verification'), `the AFI's whole label and capability: ${afiLabel}`);
  eq(await afiOpt.getAttribute('title'), afiLabel, 'the label as a title too');
  await fac.locator('#imp-afi').selectOption(await afiOpt.getAttribute('value'));
  eq((await fac.locator('[data-testid=imp-afi-shown]').textContent()).trim(), `Access Control and Identity Verification · t_lockdown: ${afiText}`, 'the chosen AFI written out in full');
  await fac.locator('#imp-target').selectOption('');   // tied to the area for improvement alone
  await fac.locator('#imp-issue').fill('Lockdown code late on the public address');
  await fac.locator('#imp-action').fill('Give the switchboard a script for the lockdown code');
  await fac.locator('[data-testid=imp-add]').click();
  const afiItem = fac.locator('[data-testid=run-improvements] tbody tr', { hasText: 'script for the lockdown code' });
  await afiItem.waitFor();
  eq((await afiItem.locator('[data-testid=imp-capability]').textContent()).trim(), 'Access Control and Identity Verification', 'an item tied to an AFI shows its capability');
  await fac.locator('[data-testid=run-improvements]').scrollIntoViewIfNeeded();
  await shot(fac, 'exercise-facilitator-improvement-plan');
  await shot(ev, 'exercise-evaluator-eeg');
  // the item made a measure at the hospital by an observing coordinator: the site's page names it
  const itemId = await item.getAttribute('data-item');
  const co = await apiClient(U.coordinator);
  const link = await co('POST', `/runs/${X.run}/improvements/${itemId}/measure`, { site_id: 'VM-012', measure_id: 'cctv' });
  eq(link.status, 201, `the coordinator links the item: ${JSON.stringify(link.body)}`);
  const cp = await newPage();
  await login(cp, U.coordinator);
  await cp.goto(`${BASE}/#/site/VM-012`);
  const from = cp.locator('#site-measures tr[data-measure=cctv] [data-testid=measure-from-exercise]');
  await from.waitFor();
  eq((await from.textContent()).trim(), `from exercise run ${X.run}, item ${itemId}`, 'the measure names the run and the item');
  eq(await from.getAttribute('href'), `#/runs/${X.run}`, 'a link to the run');
  await cp.context().close();
});

test('exercise: accessibility of the console, the player view and the evaluator view (axe-core)', async () => {
  assert(X.fac && X.pl && X.ev, 'no pages (an earlier step failed)');
  const found = [];
  found.push(...await axe(X.fac, 'facilitator console'));
  found.push(...await axe(X.pl, 'player view'));
  found.push(...await axe(X.ev, 'evaluator view'));
  // the same at tablet size (one column), with screenshots
  for (const [k, name] of [['fac', 'facilitator'], ['pl', 'player'], ['ev', 'evaluator']]) {
    await X[k].setViewportSize(VIEWPORTS.tablet);
    await X[k].evaluate(() => window.scrollTo(0, 0));
    await shot(X[k], `exercise-tablet-${name}`);
    found.push(...await axe(X[k], `tablet ${name}`));
    await X[k].setViewportSize(VIEWPORTS.laptop);
  }
  assert(found.length === 0, found.join('\n'));
});

test('exercise: a suspension for a real-world emergency covers the players\' screens at once, and resuming uncovers them', async () => {
  const { fac, pl, p2 } = X;
  assert(fac && pl && p2, 'no pages (an earlier step failed)');
  await fac.locator('[data-testid=run-suspend]').click();
  const dlg = fac.locator('[data-testid=run-suspend-dialog]');
  await dlg.waitFor();
  await fac.locator('#run-suspend-msg').fill('A real patient emergency in the emergency department: staff to their posts.');
  await dlg.locator('[data-testid=al-confirm-ok]').click();
  for (const p of [pl, p2]) {
    const o = p.locator('[data-testid=suspend-overlay]');
    await o.waitFor();
    eq((await o.locator('h1').textContent()).trim(), 'REAL-WORLD EMERGENCY', 'the cover\'s title');
    await o.locator('[data-testid=suspend-text]', { hasText: 'EXERCISE SUSPENDED: A real patient emergency' }).waitFor();
    await p.locator('[data-testid=run-clock-state]', { hasText: 'Paused' }).waitFor();
  }
  await shot(pl, 'exercise-player-suspended');
  // review 15b item 10: an evaluator is not covered: a red banner, and observations still go in
  const { ev } = X;
  const banner = ev.locator('[data-testid=suspend-banner]');
  await banner.waitFor();
  eq(await ev.locator('[data-testid=suspend-overlay]').count(), 0, 'the evaluator\'s screen is not covered');
  await banner.locator('[data-testid=suspend-banner-text]', { hasText: 'EXERCISE SUSPENDED: A real patient emergency' }).waitFor();
  eq(await banner.evaluate((x) => getComputedStyle(x).backgroundColor), 'rgb(179, 38, 30)', 'the banner is red');
  await ev.locator('#obs-kind').selectOption('observation');
  await ev.locator('#obs-text').fill('Players stopped at once and went to their posts.');
  await ev.locator('[data-testid=obs-add]').click();
  await ev.locator('[data-testid=run-observations] tr[data-kind=observation]', { hasText: 'went to their posts' }).waitFor();
  await ev.evaluate(() => window.scrollTo(0, 0));
  await shot(ev, 'exercise-evaluator-suspended');
  await fac.locator('[data-testid=run-suspended]', { hasText: 'A real patient emergency' }).waitFor();
  eq(await fac.locator('[data-testid=suspend-overlay]').count(), 0, 'the facilitator\'s console stays usable');
  assert(await fac.locator('[data-testid=run-suspend]').isHidden(), 'no second suspension');
  await shot(fac, 'exercise-facilitator-suspended');
  // opened again while suspended: still covered
  await p2.reload();
  await p2.locator('[data-testid=suspend-overlay]').waitFor();
  // a player's response refused during the suspension says so on the cover, and next to its field after it
  await p2.locator('#resp-4').evaluate((t) => { t.value = 'Armed response unit on its way.'; t.form.requestSubmit(); });
  await p2.locator('[data-testid=suspend-overlay] [data-testid=suspend-refused]', { hasText: /Your action was not recorded: .*suspended/ }).waitFor();
  await shot(p2, 'exercise-player-refused-suspended');
  await fac.locator('[data-testid=run-resume]', { hasText: 'emergency is over' }).click();
  for (const p of [pl, p2]) {
    await p.locator('[data-testid=suspend-overlay]').waitFor({ state: 'detached' });
    await p.locator('[data-testid=run-clock-state]', { hasText: 'Running' }).waitFor();
  }
  await fac.locator('[data-testid=run-suspended]').waitFor({ state: 'hidden' });
  await X.ev.locator('[data-testid=suspend-banner]').waitFor({ state: 'detached' });
  assert(/suspended/.test(await p2.locator('#resp-4-err').textContent()), 'the refusal stays next to its field after the cover lifts');
  eq(await p2.locator('[data-testid=run-inbox] li[data-seq="4"] [data-testid=run-answers] li', { hasText: 'Armed response unit' }).count(), 0, 'the refused response is not stored');
});

test('exercise: a real-world emergency ENDEX reaches the players\' screens at once', async () => {
  const { fac, pl, p2 } = X;
  assert(fac && pl && p2, 'no pages (an earlier step failed)');
  await fac.locator('[data-testid=run-endex]').click();
  const dlg = fac.locator('[data-testid=run-endex-dialog]');
  await dlg.waitFor();
  await fac.locator('#run-endex-msg').fill('Fire alarm in the building: leave by the stairs now.');
  await fac.locator('#run-endex-real').check();
  await shot(fac, 'exercise-facilitator-endex-confirm');
  await dlg.locator('[data-testid=al-confirm-ok]').click();
  for (const p of [pl, p2]) {
    const o = p.locator('[data-testid=endex-overlay]');
    await o.waitFor();
    eq((await o.locator('h1').textContent()).trim(), 'REAL-WORLD EMERGENCY', 'the banner\'s title');
    await o.locator('[data-testid=endex-text]', { hasText: 'Fire alarm in the building: leave by the stairs now.' }).waitFor();
    await p.locator('[data-testid=run-clock-state]', { hasText: 'Ended' }).waitFor();
  }
  await shot(pl, 'exercise-player-endex');
  await fac.locator('[data-testid=run-clock-state]', { hasText: 'Ended' }).waitFor();
  await fac.locator('[data-testid=run-live][data-state=ended]').waitFor();
  await pl.locator('[data-testid=run-live][data-state=ended]').waitFor();
  assert(await fac.locator('[data-testid=run-start], [data-testid=run-resume], #run-shift').evaluateAll((els) => els.every((e) => !e.offsetParent)), 'no clock controls after ENDEX');
  // review 15b item 10: nor ENDEX, Suspend and their help
  for (const sel of ['[data-testid=run-endex]', '[data-testid=run-suspend]']) assert(await fac.locator(sel).isHidden(), `${sel} hidden after ENDEX`);
  assert(!(await fac.locator('[data-testid=run-controls]').innerText()).includes('Stops the clock'), 'no orphaned suspend help after ENDEX');
  await shot(fac, 'exercise-facilitator-ended');
  // opened again later: the run says it has ended, without covering the screen, and the stream stops
  await p2.reload();
  await p2.locator('[data-testid=run-ended]').waitFor();
  await p2.locator('[data-testid=run-inbox] li[data-kind=endex]', { hasText: 'Fire alarm' }).waitFor();
  await p2.locator('[data-testid=run-live][data-state=ended]').waitFor();
  eq(await p2.locator('[data-testid=endex-overlay]').count(), 0, 'no banner for an ENDEX of the past');
});

test('exercise: no script errors', async () => {
  for (const k of ['fac', 'pl', 'p2', 'ev']) if (X[k]) await X[k].context().close();
  assert(problems.length === 0, problems.slice(0, 5).join('; '));
});

/* ---- issue 16, item 8: critical entities under the CER Directive ---- */

test('cer: the coordinator sees which entities lack their assessment or plan; the trust\'s admin records its plan', async () => {
  const co = await newPage('laptop', { bypassCSP: true });
  await login(co, U.coordinator);
  await co.locator('#mainnav').getByRole('link', { name: 'CER' }).click();
  const summary = co.locator('[data-testid=cer-summary]');
  await summary.waitFor();
  const text = await summary.innerText();
  assert(/4 designated entities/.test(text) && /2 without a current risk assessment/.test(text) && /3 without a resilience plan/.test(text), `summary: ${text}`);
  const trustRow = co.locator('[data-testid=cer-table] tbody tr', { hasText: 'Vellmark Hospitals Trust' });
  const trustText = await trustRow.innerText();
  assert(/overdue/.test(trustText) && /due 2026-10-26/.test(trustText) && /VM-012/.test(trustText), `trust row: ${trustText}`);
  const north = await co.locator('[data-testid=cer-table] tbody tr', { hasText: 'Northgate Utilities' }).innerText();
  assert(/and 2 you may not read/.test(north) && !/VM-002|VM-004/.test(north), `Northgate row withholds its hidden sites: ${north}`);
  await shot(co, 'cer-coordinator');
  const found = await axe(co, 'cer');
  assert(found.length === 0, found.slice(0, 4).join('; '));
  await co.context().close();

  const ta = await newPage();
  await login(ta, who('trust-admin', 'trust-admin'));
  await ta.locator('#mainnav').getByRole('link', { name: 'CER' }).click();
  await ta.locator('[data-testid=cer-table]').waitFor();
  eq(await ta.locator('[data-testid=cer-table] tbody tr').count(), 1, 'the trust\'s admin sees its own designation only');
  const orgId = await ta.locator('[data-testid=cer-table] tbody tr').first().getAttribute('data-org');
  await ta.locator('[data-testid=cer-record]').click();
  const plan = ta.locator('[data-testid=cer-form] input[id^=cer-rp-]');
  await plan.fill('2026-12-24');
  await ta.locator('[data-testid=cer-form]').getByRole('button', { name: 'Save' }).click();
  const err = ta.locator('[data-testid=cer-form] .field-error', { hasText: 'after today' });
  await err.waitFor();
  await shot(ta, 'cer-trust-admin-error');
  await plan.fill('2026-11-30');
  await ta.locator('[data-testid=cer-form]').getByRole('button', { name: 'Save' }).click();
  await ta.locator('[data-testid=cer-table] tbody tr', { hasText: 'dated 2026-11-30' }).waitFor();
  eq(await ta.locator('[data-testid=cer-designate]').count(), 0, 'an entity\'s admin is offered no designation form');
  await shot(ta, 'cer-trust-admin');
  // put the demo back as it was for the tests that follow
  await ta.evaluate(async (id) => {
    const s = await (await fetch('/api/v1/session')).json();
    await fetch(`/api/v1/organisations/${id}/cer`, { method: 'PATCH', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token }, body: JSON.stringify({ resilience_plan_on: '' }) });
  }, orgId);
  await ta.context().close();
  assert(problems.length === 0, problems.slice(0, 5).join('; '));
});

test('withheld: the coordinator\'s national plan says what it leaves out, small counts withheld', async () => {
  const page = await newPage();
  await login(page, U.coordinator);
  await openPlan(page);
  const funded = await page.locator('[data-testid=plan-funded]').innerText();
  assert(/\d+ sites you may not see left out/.test(funded), `the plan says it leaves sites out: ${funded}`);
  await page.locator('[data-testid=plan-withheld] summary').click();
  const text = page.locator('[data-testid=plan-withheld]');
  await text.getByText('sites across the registry you may not read').waitFor();
  const all = await text.innerText();
  assert(/By risk band/.test(all) && /fewer than 3/.test(all), `the breakdown: ${all}`);
  assert(!/VM-\d/.test(all), 'no site named');
  await shot(page, 'plan-withheld');
  await page.context().close();
  assert(problems.length === 0, problems.slice(0, 5).join('; '));
});

/* ---- issue 16, item 7: peers and what-if ---- */

test('peers: the trust operator compares its hospital with its peers and asks what a measure would change', async () => {
  const page = await newPage('laptop', { bypassCSP: true });
  await login(page, who('trust', 'trust'));
  await page.goto(`${BASE}/#/site/VM-012`);
  const table = page.locator('[data-testid=peers-table]');
  await table.waitFor();
  const intro = await page.locator('[data-testid=peers] > p').first().innerText();
  assert(/its kind \(critical_infrastructure\)/.test(intro) && /sector health has fewer than 5/.test(intro), `peer group said: ${intro}`);
  const risk = await table.locator('tbody tr[data-factor=risk]').innerText();
  assert(/percentile \d+/.test(risk), `risk row: ${risk}`);
  await page.selectOption('#whatif-measure', 'hvm_bollards');
  await page.selectOption('#whatif-method', 'quant');
  await page.locator('[data-testid=what-if-run]').click();
  const change = page.locator('[data-testid=what-if-change]');
  await change.waitFor();
  assert(/lower the risk by €[0-9,]+/.test(await change.innerText()), `what-if said: ${await change.innerText()}`);
  assert(/does not mean/.test(await page.locator('[data-testid=what-if]').innerText()), 'the misfit is said');
  await page.locator('#peers-title').scrollIntoViewIfNeeded();
  await shot(page, 'peers-trust');
  const found = await axe(page, 'site peers');
  assert(found.length === 0, found.slice(0, 4).join('; '));
  await page.context().close();
  assert(problems.length === 0, problems.slice(0, 5).join('; '));
});

/* ---- issue 16 item 6: history and comparison ---- */
// The hospital trust's operator (owns VM-012..VM-015) opens the comparison of the demo's "2025
// baseline" with now and sees Orrinford General Hospital's risk fall by the measure installed
// since (data/demo/README.md, "History").
test('history: the trust sees VM-012\'s risk fall since the 2025 baseline, by installed measures', async () => {
  const trust = who('trust', 'trust');
  const page = await newPage('laptop', { bypassCSP: true });   // bypassCSP for axe-core only
  await page.goto(BASE + '/');
  await page.locator('#login-user').fill(trust.name);
  await page.locator('#login-password').fill(trust.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('[data-testid=user-name]').waitFor();
  await page.locator('#mainnav').getByRole('link', { name: 'History' }).click();
  await page.locator('#hist-list tbody tr', { hasText: '2025 baseline' }).waitFor();
  eq(await page.locator('[data-testid=hist-take]').count(), 0, 'an operator is offered no Take snapshot');
  eq(await page.locator('[data-testid=hist-delete]').count(), 0, 'nor Delete');
  await page.locator('#hist-from').selectOption({ label: '2025 baseline (2025-12-01)' });
  await page.locator('#hist-to').selectOption('now');
  await page.locator('[data-testid=hist-compare]').click();
  const row = page.locator('#hist-rows tbody tr[data-site="VM-012"]');
  await row.waitFor();
  const change = (await row.locator('[data-testid=hist-change]').textContent()).trim();
  assert(/^−EUR|^−/.test(change), `VM-012's risk fell: ${change}`);
  eq((await row.locator('[data-testid=hist-cause]').textContent()).trim(), 'measures committed or installed', 'the cause of VM-012\'s fall');
  eq((await page.locator('#hist-rows tbody tr[data-site="VM-036"] [data-testid=hist-cause]').textContent()).trim(), 'reassessments', 'the mosque was reassessed');
  eq((await page.locator('#hist-rows tbody tr[data-site="VM-067"] [data-testid=hist-cause]').textContent()).trim(), 'new sites', 'the guesthouse is new');
  eq(await page.locator('#hist-rows tbody tr[data-site="VM-001"]').count(), 0, 'Northgate\'s AMBER power station is not the trust\'s to read');
  assert(/measures committed or installed/.test(await page.locator('[data-testid=hist-nation]').textContent()), 'the totals show the measures\' part');
  assert(/from=\d+&to=now/.test(page.url()), `the comparison is in the page's URL: ${page.url()}`);
  eq(await page.locator('[data-testid=hist-csv]').textContent(), 'Download CSV (TLP:AMBER)', 'the CSV is marked');
  await page.locator('#hist-result').scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'history-trust-compare');
  await page.locator('#hist-rows').evaluate((t) => t.scrollIntoView({ block: 'start' }));
  await shot(page, 'history-trust-compare-rows');
  const found = await axe(page, 'history comparison');
  assert(found.length === 0, found.slice(0, 6).join('; '));
  assert(problems.length === 0, problems.slice(0, 5).join('; '));
  await page.context().close();
});

// A government coordinator takes a snapshot from the page; the server's error shows next to the name.
test('history: a coordinator takes a snapshot, a bad name refused next to its field', async () => {
  const page = await newPage();
  await login(page, U.coordinator);
  await page.locator('#mainnav').getByRole('link', { name: 'History' }).click();
  await page.locator('[data-testid=hist-take]').waitFor();
  await page.locator('#hist-name').fill('2025 baseline');
  await page.locator('[data-testid=hist-take]').click();
  await page.locator('#hist-name-err', { hasText: 'exists already' }).waitFor();
  eq(await page.locator('#hist-name').getAttribute('aria-invalid'), 'true', 'the name is marked invalid');
  await shot(page, 'history-coordinator-name-taken');
  await page.locator('#hist-name').fill('Browser review 2026');
  await page.locator('[data-testid=hist-take]').click();
  await page.locator('#hist-list tbody tr', { hasText: 'Browser review 2026' }).waitFor();
  eq(await page.locator('#hist-list tbody tr', { hasText: 'Browser review 2026' }).locator('td').nth(1).textContent(), 'coordinator', 'taken by the coordinator');
  eq(await page.locator('[data-testid=hist-delete]').count(), 0, 'a coordinator may not delete');
  assert(problems.length === 0, problems.slice(0, 5).join('; '));
  await page.context().close();
});

test('lifecycle: the trust commits and installs a measure at VM-012, a government analyst verifies it by inspection', async () => {
  const SITE = 'VM-012';   // Orrinford General Hospital, the hospital trust's (TLP:GREEN)
  const M = 'security_guards';
  const trust = await newPage();
  await login(trust, who('trust', 'trust'));
  await trust.goto(`${BASE}/#/site/${SITE}`);
  const form = trust.locator('[data-testid=measure-commit-form]');
  await form.locator(`#ms-commit-measure option[value=${M}]`).waitFor({ state: 'attached' });
  await form.locator('#ms-commit-measure').selectOption(M);
  await form.locator('#ms-commit-note').fill('Funded by the trust itself');
  await form.locator('[data-testid=measure-commit]').click();
  const row = (page) => page.locator(`#site-measures tbody tr[data-measure=${M}]`);
  await row(trust).locator('[data-testid=measure-state]', { hasText: 'accepted' }).waitFor();
  eq((await row(trust).locator('td').nth(2).textContent()).trim(), 'own (no plan)', 'committed outside a plan');
  // committed -> installed, dated before today
  await row(trust).getByRole('button', { name: 'Mark installed' }).click();
  const inst = trust.locator('.measure-step-form');
  await inst.locator('input[name=on_date]').fill('2026-11-20');
  await inst.locator('textarea[name=note]').fill('Two guards at the main entrance');
  await inst.locator('[data-testid=measure-install-save]').click();
  await row(trust).locator('[data-testid=measure-state]', { hasText: 'installed 2026-11-20' }).waitFor();
  eq(await row(trust).locator('button[data-step]').count(), 0, 'the installer has no further step (it may not verify)');
  await row(trust).scrollIntoViewIfNeeded();
  await shot(trust, 'lifecycle-trust-installed');
  // the register's link form offers the measures that reduce the risk: staff training for arson
  // (not at the site: saving commits it), never CCTV for cyber-physical sabotage
  await trust.locator('#mainnav').getByRole('link', { name: 'Register' }).click();
  const regRow = (threat) => trust.locator(`#register tbody tr[data-site=${SITE}][data-threat=${threat}]`);
  await regRow('cyber_physical').locator('[data-testid=reg-edit]').click();
  await trust.locator('dialog .measures-set').waitFor();
  const offered = await trust.locator('dialog .measures-set input[type=checkbox]').evaluateAll((xs) => xs.map((x) => x.value));
  assert(!offered.includes('cctv') && offered.includes('cyber_hardening'), `cyber-physical offers what reduces it: ${offered}`);
  await trust.locator('dialog').getByRole('button', { name: 'Cancel' }).click();
  await regRow('arson').locator('[data-testid=reg-edit]').click();
  const staff = trust.locator('dialog .measures-set label', { hasText: 'Staff counter-terrorism awareness training' });
  eq((await staff.textContent()).trim(), 'Staff counter-terrorism awareness training (not at the site: saving commits it)', 'staff training offered for arson');
  await staff.locator('input').check();
  await trust.locator('#re-treatment').selectOption('reduce');
  await shot(trust, 'lifecycle-trust-register-link');
  await trust.locator('dialog').getByRole('button', { name: 'Save decision' }).click();
  await regRow('arson').locator('[data-testid=reg-treatment]', { hasText: 'reduce' }).waitFor();
  assert((await regRow('arson').textContent()).includes('staff_awareness_training'), 'the decision links staff training');
  await trust.context().close();

  const an = await newPage('laptop', { bypassCSP: true });   // axe-core below
  await login(an, U.analyst);
  await an.goto(`${BASE}/#/site/${SITE}`);
  await row(an).getByRole('button', { name: 'Verify' }).click();
  const ver = an.locator('.measure-step-form');
  await ver.waitFor();
  const findings = await axe(an, 'site page, verify form open');
  eq(findings.length, 0, `no serious WCAG finding: ${findings.join('; ')}`);
  await ver.locator('select[name=method]').selectOption('inspection');
  // a re-verification date beyond five years: the server's error next to its field
  await ver.locator('input[name=reverify_by]').fill('2032-12-01');
  await ver.locator('[data-testid=measure-verify-save]').click();
  const err = ver.locator('[id$=-reverify_by-err]');
  await err.filter({ hasText: 'more than 5 years' }).waitFor();
  eq(await ver.locator('input[name=reverify_by]').getAttribute('aria-invalid'), 'true', 'the field is marked');
  await ver.scrollIntoViewIfNeeded();
  await shot(an, 'lifecycle-analyst-verify-form');
  await ver.locator('input[name=reverify_by]').fill('2028-12-01');
  await ver.locator('textarea[name=note]').fill('Both posts staffed, logbook kept');
  await ver.locator('[data-testid=measure-verify-save]').click();
  await row(an).locator('[data-testid=measure-verification]').waitFor();
  eq((await row(an).locator('[data-testid=measure-verification]').textContent()).trim(),
    'inspection 2026-12-01 by analyst; again by 2028-12-01', 'the verification shown');
  eq((await row(an).locator('[data-testid=measure-state] .pill').textContent()).trim(), 'verified', 'verified');
  // every step with its date and who
  await row(an).locator('[data-testid=measure-history-toggle]').click();
  const hist = an.locator('[data-testid=measure-history] li');
  await hist.first().waitFor();
  const steps = await hist.allTextContents();
  eq(steps.length, 3, `three steps: ${steps.join(' | ')}`);
  assert(/committed by trust.*Funded by the trust itself/.test(steps[0]), `the commitment: ${steps[0]}`);
  assert(/installed by trust, installed on 2026-11-20/.test(steps[1]), `the installation: ${steps[1]}`);
  assert(/verified by analyst, by inspection on 2026-12-01, again by 2028-12-01/.test(steps[2]), `the verification: ${steps[2]}`);
  await an.locator('#site-measures').scrollIntoViewIfNeeded();
  await shot(an, 'lifecycle-analyst-verified');
  await an.context().close();
});

/* ---- issue 16 item 3: attachments (photos and documents of a site) ---- */

// The hospital trust's operator photographs the north gate of its hospital VM-012 (the
// fictional test photo with GPS and camera data), uploads it marked as showing people, and
// downloads it: the file it gets is the photo without that data; a program renamed .jpg is
// refused next to the file field.
test('attachments: the trust uploads a photo to VM-012 and downloads it without its GPS data', async () => {
  const data = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'cli', 'data', 'attach');
  const before = problems.length;
  const page = await newPage('laptop');
  await login(page, who('trust', 'trust'));
  await page.goto(`${BASE}/#/site/VM-012`);
  const box = page.locator('[data-testid=site-attachments]');
  await box.locator('#attach-file').waitFor();
  // refused by its bytes, whatever its name says
  await box.locator('#attach-file').setInputFiles({ name: 'north-gate.jpg', mimeType: 'image/jpeg', buffer: fs.readFileSync(path.join(data, 'program.jpg')) });
  await box.locator('[data-testid=attachment-upload]').click();
  await page.locator('#attach-file-error', { hasText: 'not a JPEG, PNG or PDF' }).waitFor();
  eq(await box.locator('#attachments-table').count(), 0, 'nothing stored');
  await box.locator('#attach-file').scrollIntoViewIfNeeded();
  await shot(page, 'attachments-refused');
  // the photo with GPS and camera data
  await box.locator('#attach-file').setInputFiles(path.join(data, 'gps.jpg'));
  await box.locator('#attach-caption').fill('North gate, bollards seen from the car park');
  await box.locator('#attach-people').check();
  await box.locator('[data-testid=attachment-upload]').click();
  const row = box.locator('#attachments-table tbody tr', { hasText: 'gps.jpg' });
  await row.waitFor();
  eq((await row.locator('td').nth(1).textContent()).trim(), 'North gate, bollards seen from the car park', 'the caption');
  assert((await row.locator('[data-testid=attachment-retain]').textContent()).includes('shows people'), 'kept until a date: it shows people');
  eq((await page.locator('#site-attachments-title').locator('..').locator('.tlp').textContent()).trim(), 'TLP:AMBER', 'labelled AMBER although the site is GREEN');
  await page.locator('#site-attachments-title').scrollIntoViewIfNeeded();
  await shot(page, 'attachments-site');
  const [download] = await Promise.all([page.waitForEvent('download'), row.locator('[data-testid=attachment-download]').click()]);
  eq(download.suggestedFilename(), 'gps.jpg', 'the download\'s name');
  const saved = path.join(OUT, 'attachments-download.jpg');
  await download.saveAs(saved);
  const got = fs.readFileSync(saved);
  assert(got.equals(fs.readFileSync(path.join(data, 'photo.jpg'))), 'the download is the photo without its Exif, GPS, XMP, IPTC and comment');
  for (const m of ['Exif', 'GPS', 'Fictocam']) assert(!got.includes(m), `no ${m} in the download`);
  await page.context().close();
  // the refused upload's 415 is an expected answer, shown next to the field
  const mine = problems.slice(before).filter((p) => !/status of 415/.test(p));
  assert(mine.length === 0, mine.slice(0, 5).join('; '));
});

/* ---- issue 16 item 3: surveys. The trust's operator records a visit of its hospital VM-012,
   answers the questionnaire, sees the proposed ratings and rates; its admin, a second person,
   confirms it and the site's rating changes. ---- */

test('survey: the trust operator records a visit, a second user confirms', async () => {
  const trust = who('trust', 'trust');
  const page = await newPage('laptop');
  await login(page, trust);
  await page.goto(BASE + '/#/site/VM-012');
  const section = page.locator('[data-testid=site-surveys]');
  await section.locator('#site-surveys tbody tr').first().waitFor();
  assert((await section.locator('#site-surveys').innerText()).includes('import'), 'the demo import is a visit');
  await section.locator('#survey-method').selectOption('fema');
  await section.locator('[data-testid=survey-start]').click();
  await page.locator('[data-testid=survey-view]').waitFor();
  eq((await page.locator('[data-testid=survey-state]').textContent()).trim(), 'draft', 'a new visit is a draft');
  // cyber-physical sabotage: 6 questions; 5 answered (83 %): restricted areas yes (w 3), control
  // systems partly (w 3), fail-safe no (w 2), vetting yes (w 3), own power yes (w 2):
  // deficiency 3.5 / 13 = 0.27, V = round(1 + 2.42) = 3
  for (const [q, a] of [['ci-restricted', 'yes'], ['ci-control-systems', 'partly'], ['ci-fail-safe', 'no'],
    ['ci-vetting', 'yes'], ['ci-power', 'yes'],
    // drone attack: all 3 answered (recon yes w 2, exposure no w 2, air intakes partly w 1): V 6
    ['ci-recon', 'yes'], ['ci-drone-exposure', 'no'], ['ci-air-intakes', 'partly']]) {
    await page.locator(`.survey-q[data-question=${q}] input[value=${a}]`).check();
  }
  await page.locator('[data-testid=answers-save]').click();
  const row = page.locator('#survey-proposals tr[data-threat=cyber_physical]');
  await row.locator('[data-testid=proposed]', { hasText: 'V 3' }).waitFor();
  eq((await row.locator('td').nth(0).textContent()).trim(), '5 of 6', 'answered');
  const findings = page.locator('[data-testid=findings]');
  assert((await findings.innerText()).includes('cyber_hardening'), 'a finding names the measure that answers it');
  // a threat none of whose questions is answered has no deficiency (not 0.00, "no weakness")
  const blade = (await page.locator('#survey-proposals tr[data-threat=bladed_weapon] [data-testid=deficiency]').innerText()).trim();
  assert(blade.startsWith('—') && blade.includes('no question answered'), `bladed weapon: ${blade}`);
  // drone attack has a proposal but the site no current asset value or threat rating: not ticked
  const drone = page.locator('#survey-proposals tr[data-threat=drone_uas]');
  await drone.locator('[data-testid=proposed]', { hasText: 'V 6' }).waitFor();
  eq(await drone.locator('input[type=checkbox]').isChecked(), false, 'a threat with nothing to keep starts unticked');
  eq(await row.locator('input[type=checkbox]').isChecked(), true, 'a proposal with the site\'s ratings to keep is ticked');
  // ticked anyway: the server's error is shown next to the field it names, with the threat's name
  await drone.locator('input[type=checkbox]').check();
  await page.locator('[data-testid=ratings-save]').click();
  const fieldError = drone.locator('input[aria-label="Asset value"] + .field-error');
  await fieldError.filter({ hasText: 'give asset_value' }).waitFor();
  eq((await fieldError.textContent()).trim(), 'no current rating of Drone (UAS) (drone_uas): give asset_value', 'the error next to the asset value');
  eq(await drone.locator('input[aria-label="Asset value"]').getAttribute('aria-invalid'), 'true', 'the field is marked invalid');
  eq((await page.locator('[data-testid=ratings-error]').textContent()).trim(), 'Not saved: see Drone (UAS).', 'the summary under the button');
  await drone.scrollIntoViewIfNeeded();
  await shot(page, 'laptop-survey-field-error');
  // only cyber-physical sabotage: untick the others
  for (const box of await page.locator('#survey-proposals tbody tr:not([data-threat=cyber_physical]) input[type=checkbox]').all()) {
    if (await box.isChecked()) await box.uncheck();
  }
  await page.locator('[data-testid=ratings-save]').click();
  await page.locator('#toast', { hasText: 'Ratings saved.' }).waitFor();
  eq(await row.locator('input[type=number]').first().inputValue(), '3', 'the rating kept is the proposal');
  eq(await page.locator('[data-testid=survey-confirm]').count(), 0, 'the assessor may not confirm');
  assert(await page.getByText('A second person confirms the visit once it is rated').isVisible(), 'the assessor is told a second person confirms');
  await row.scrollIntoViewIfNeeded();
  await shot(page, 'laptop-survey-proposed');
  const url = page.url();
  await page.context().close();
  // the trust's admin confirms
  const admin = await newPage('laptop');
  await login(admin, who('trust-admin', 'trust-admin'));
  await admin.goto(url);
  await admin.locator('[data-testid=survey-confirm]').click();
  await admin.locator('[data-testid=survey-state]', { hasText: 'confirmed' }).waitFor();
  eq((await admin.locator('#survey-proposals tr[data-threat=cyber_physical] [data-testid=rated]').textContent()).trim(),
    'V 3 (asset 8, threat 5)', 'the confirmed visit shows its rating');
  await shot(admin, 'laptop-survey-confirmed');
  await admin.goto(BASE + '/#/site/VM-012');
  await admin.locator('#site-surveys tbody tr').first().waitFor();
  const first = (await admin.locator('#site-surveys tbody tr').first().innerText());
  assert(first.includes('confirmed') && first.includes('trust-admin'), `the newest visit, confirmed: ${first}`);
  await admin.locator('[data-testid=site-surveys]').scrollIntoViewIfNeeded();
  await shot(admin, 'laptop-site-surveys');
  const ass = await admin.evaluate(async () => (await fetch('/api/v1/sites/VM-012/assessments/fema')).json());
  eq(ass.items.find((r) => r.threat_id === 'cyber_physical').vulnerability_rating, 3, 'the confirmed rating counts');
  await admin.context().close();
  assert(problems.length === 0, problems.slice(0, 5).join('; '));
});

/* ---- issue 16, items 5 and 1 (page): filters in the URL, My sites, CSV with its marking, a matrix cell's pairs ---- */

if (!U.trust) U.trust = who('trust', 'trust');   // Vellmark Hospitals Trust (operator), operator: owns VM-012..VM-015
const TRUST_SITES = ['VM-012', 'VM-013', 'VM-014', 'VM-015'];

/* The demo's sites (data/demo/sites.csv) whose columns have the values given. */
function demoSites(where) {
  const text = fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), '../../data/demo/sites.csv'), 'utf8');
  const [head, ...lines] = text.trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])))
    .filter((s) => Object.entries(where).every(([k, v]) => s[k] === v));
}

/* The site ids of the rows of a table (data-site), in order. */
async function rowSites(page, table) {
  return page.locator(`${table} tbody tr[data-site]`).evaluateAll((trs) => trs.filter((t) => !t.hidden).map((t) => t.dataset.site));
}

/* Choose one value of a dimension of the filter bar (the view is drawn again). */
async function chooseFilter(page, key, label) {
  const dim = page.locator(`.filter-dim[data-key=${key}]`);
  if (!(await dim.evaluate((d) => d.open))) await dim.locator('summary').click();
  await dim.getByLabel(label, { exact: true }).check();
  await page.locator(`.filter-dim[data-key=${key}] summary .filter-value`, { hasText: label }).waitFor();
}

test('filter: the analyst filters the ranking to places of worship in Old Town and downloads it marked', async () => {
  const page = await newPage('laptop', { bypassCSP: true });
  await login(page, U.analyst);
  await dashboard(page, 'fema');
  eq((await page.locator('[data-testid=scope]').textContent()).trim(), 'National view', 'an analyst opens on the national view');
  const all = (await rowSites(page, '#ranking')).length;
  await chooseFilter(page, 'sector', 'Place of worship');
  // the region by keyboard: open it, Tab to Old Town, Space; the view is drawn again with the
  // list open and the focus on the box just checked; Escape closes it onto its summary
  await page.locator('[data-testid=filter-region]').focus();
  await page.keyboard.press('Enter');
  const boxes = page.locator('.filter-dim[data-key=region] input[type=checkbox]');
  const regions = await boxes.evaluateAll((b) => b.map((x) => x.value));
  for (let i = 0; i <= regions.indexOf('Old Town'); i++) await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  await page.locator('[data-testid=filter-region] .filter-value', { hasText: 'Old Town' }).waitFor();
  await page.waitForFunction(() => document.activeElement && document.activeElement.value === 'Old Town' && document.activeElement.checked);
  await page.keyboard.press('Escape');
  eq(await page.evaluate(() => document.activeElement.dataset.testid), 'filter-region', 'Escape gives the focus back to the summary');
  const want = demoSites({ sector: 'place_of_worship', region: 'Old Town' }).map((s) => s.id).sort();
  assert(want.length >= 2, 'the demo has places of worship in Old Town');
  await page.waitForFunction((n) => document.querySelectorAll('#ranking tbody tr[data-site]').length === n, want.length);
  const shown = await rowSites(page, '#ranking');
  eq(JSON.stringify([...shown].sort()), JSON.stringify(want), 'the ranking lists exactly the places of worship in Old Town');
  assert(shown.length < all, 'fewer rows than the national ranking');
  eq(JSON.stringify(await page.locator('#ranking [data-testid=rank]').allTextContents()), JSON.stringify(want.map((_, i) => String(i + 1))), 'ranked among the filtered sites: 1..n');
  assert(/sector=place_of_worship/.test(page.url()) && /region=Old%20Town/.test(page.url()), `the filter is in the URL: ${page.url()}`);
  // the map shows the same sites, the matrix counts their risks
  await page.waitForFunction((n) => document.querySelectorAll('#map [data-site]').length === n, want.length);
  // the marking next to the button is the highest label of the sites shown, and the file says it
  const labels = demoSites({ sector: 'place_of_worship', region: 'Old Town' }).map((s) => s.tlp);
  const highest = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'].filter((t) => labels.includes(t)).pop();
  const csv = page.locator('[data-testid=ranking-csv]');
  eq((await csv.locator('xpath=..').locator('.tlp').textContent()).trim(), `TLP:${highest}`, 'the marking next to the download');
  eq((await page.locator('#tlp-banner').textContent()).trim(), `TLP:${highest}`, 'the banner of the filtered view');
  await shot(page, 'laptop-filter-ranking');
  const [download] = await Promise.all([page.waitForEvent('download'), csv.click()]);
  const text = fs.readFileSync(await download.path(), 'utf8');
  const lines = text.trim().split(/\r?\n/);
  eq(lines[0], `# TLP:${highest}`, 'the file\'s first line is its marking');
  const column = lines[1].split(',').indexOf('site_id');   // rank,site_id,name,...: before any quoted name
  assert(column >= 0, `the file has a site_id column: ${lines[1]}`);
  eq(JSON.stringify(lines.slice(2).map((l) => l.split(',')[column])), JSON.stringify(shown), 'the file\'s rows are the sites shown, in their order');
  // accessibility of the filtered view with a dimension open
  await page.locator('.filter-dim[data-key=sector] summary').click();
  const found = await axe(page, 'laptop dashboard filtered');
  assert(found.length === 0, found.slice(0, 4).join('; '));
  await page.context().close();
});

test('filter: a matrix cell lists its site-threat pairs, each a link to its site', async () => {
  const page = await newPage();
  await login(page, U.analyst);
  await page.goto(`${BASE}/#/?method=fema&sector=health&owner=any`);
  await page.locator('[data-testid=matrix] button.cell-open').first().waitFor();
  const cell = page.locator('[data-testid=matrix] button.cell-open').first();
  const count = Number((await cell.locator('.count').textContent()).trim());
  await cell.click();
  await page.locator('#cell-pairs tbody tr').first().waitFor();
  eq(await page.locator('#cell-pairs tbody tr').count(), count, 'the list has as many pairs as the cell counts');
  const health = new Set(demoSites({ sector: 'health' }).map((s) => s.id));
  for (const id of await page.locator('#cell-pairs tbody tr').evaluateAll((tr) => tr.map((x) => x.dataset.site))) assert(health.has(id), `${id} is a health site`);
  await page.locator('#cell-pairs h3').scrollIntoViewIfNeeded();
  await shot(page, 'laptop-filter-matrix-cell');
  const first = page.locator('#cell-pairs tbody tr a').first();
  const site = await first.evaluate((a) => a.closest('tr').dataset.site);
  await first.click();
  await page.waitForURL(new RegExp(`#/site/${site}$`));
  await page.context().close();
});

test('filter: the trust operator opens on its own sites; one click shows the national view with its sites marked', async () => {
  const page = await newPage('laptop', { bypassCSP: true });
  await login(page, U.trust);
  eq((await page.locator('[data-testid=scope]').textContent()).trim(), 'My sites', 'the dashboard opens on My sites');
  const own = await rowSites(page, '#ranking');
  assert(own.length > 0 && own.every((id) => TRUST_SITES.includes(id)), `only the trust's sites: ${own}`);
  await shot(page, 'laptop-my-sites');
  await page.locator('[data-testid=national-view]').click();
  await page.locator('[data-testid=scope]', { hasText: 'National view' }).waitFor();
  await page.waitForFunction((n) => document.querySelectorAll('#ranking tbody tr[data-site]').length > n, own.length);
  const marked = await page.locator('#ranking tbody tr:has([data-testid=mine])').evaluateAll((t) => t.map((x) => x.dataset.site));
  eq(JSON.stringify(marked.sort()), JSON.stringify([...own].sort()), 'the national view marks the trust\'s sites, and only them');
  eq(await page.locator('#map .site-mine').count(), own.length, 'its sites ringed on the map');
  await shot(page, 'laptop-my-sites-national');
  // the register and the plan open on the trust's sites too (the nav link keeps the national view
  // just chosen: the default is for a view opened afresh)
  await page.goto(`${BASE}/#/register`);
  await page.locator('[data-testid=scope]', { hasText: 'My sites' }).waitFor();
  await page.locator('#register tbody tr[data-site]').first().waitFor();
  for (const id of await rowSites(page, '#register')) assert(TRUST_SITES.includes(id), `register row ${id} is the trust's`);
  const found16 = await axe(page, 'laptop register (my sites)');
  await page.goto(`${BASE}/#/plan?budget=300000`);
  await page.locator('[data-testid=plan-scope]', { hasText: 'my organisation (Vellmark Hospitals Trust)' }).waitFor();
  await page.locator('[data-testid=plan-cost] .card-value').waitFor();
  for (const id of await rowSites(page, '#plan-sites')) assert(TRUST_SITES.includes(id), `funded ${id} is the trust's`);
  eq(await page.locator('#plan-budget').inputValue(), '300000', 'the budget from the URL');
  await shot(page, 'laptop-my-sites-plan');
  found16.push(...await axe(page, 'laptop plan (my organisation)'));
  assert(found16.length === 0, found16.slice(0, 4).join('; '));
  await page.context().close();
});

test('filter: a shared URL restores the filter; a bad value is shown next to the filter; an empty result says so', async () => {
  const page = await newPage();
  await login(page, U.coordinator);
  const url = `${BASE}/#/register?sector=health&tlp=GREEN,AMBER&owner=any`;
  const want = new Set(demoSites({ sector: 'health' }).filter((s) => ['GREEN', 'AMBER'].includes(s.tlp)).map((s) => s.id));
  for (const round of ['opened', 'reloaded']) {
    if (round === 'opened') await page.goto(url); else await page.reload();
    await page.locator('#register tbody tr[data-site]').first().waitFor();
    eq((await page.locator('[data-testid=filter-sector] .filter-value').textContent()).trim(), 'Health', `${round}: the sector shown`);
    eq((await page.locator('[data-testid=filter-tlp] .filter-value').textContent()).trim(), '2 chosen', `${round}: two labels`);
    const rows = await rowSites(page, '#register');
    assert(rows.length > 0 && rows.every((id) => want.has(id)), `${round}: register rows are health sites labelled GREEN or AMBER: ${rows}`);
  }
  await page.locator('.filter-dim[data-key=tlp] summary').click();
  assert(await page.locator('.filter-dim[data-key=tlp]').getByLabel('TLP:AMBER', { exact: true }).isChecked(), 'TLP:AMBER checked');
  await shot(page, 'laptop-filter-register-shared');
  // the register's CSV: the marking shown beside the button on its first line, the rows shown
  await page.keyboard.press('Escape');
  const regCsv = page.locator('[data-testid=register-csv]');
  const mark = (await regCsv.locator('xpath=..').locator('.tlp').textContent()).trim();
  const [dl] = await Promise.all([page.waitForEvent('download'), regCsv.click()]);
  const regLines = fs.readFileSync(await dl.path(), 'utf8').trim().split(/\r?\n/);
  eq(regLines[0], `# ${mark}`, 'the register file carries the marking shown');
  const siteCol = regLines[1].split(',').indexOf('site_id');
  eq(JSON.stringify(regLines.slice(2).map((l) => l.split(',')[siteCol]).sort()), JSON.stringify([...await rowSites(page, '#register')].sort()),
    'the register file\'s rows are the rows shown');
  // the navigation carries the filter to the other views
  await page.locator('#mainnav').getByRole('link', { name: 'Dashboard' }).click();
  await page.locator('[data-testid=filter-sector] .filter-value', { hasText: 'Health' }).waitFor();
  // a value the server does not take: its message next to the filter, no table
  await page.goto(`${BASE}/#/?method=fema&region=Atlantis&owner=any`);
  await page.locator('[data-testid=filter-error]', { hasText: 'Atlantis' }).waitFor();
  assert((await page.locator('[data-testid=filter-error]').textContent()).startsWith('Region:'), 'the error names the region');
  eq(await page.locator('#ranking').count(), 0, 'no ranking under a refused filter');
  assert(await page.locator('.filter-dim[data-key=region].invalid').count() === 1, 'the region marked');
  await shot(page, 'laptop-filter-error');
  // a filter no site matches
  await page.goto(`${BASE}/#/?method=fema&sector=place_of_worship&tlp=RED&owner=any`);
  await page.locator('[data-testid=filter-empty]').waitFor();
  eq(await page.locator('[data-testid=ranking-csv]').count(), 0, 'no CSV of nothing');
  await shot(page, 'laptop-filter-empty');
  await page.context().close();
});

test('filter: the coordinator saves a plan scoped to the trust; the saved plans say the trust\'s admin approves it', async () => {
  const page = await newPage();
  await login(page, U.coordinator);
  await page.goto(`${BASE}/#/plan?budget=300000`);
  await page.locator('[data-testid=plan-cost] .card-value').waitFor();
  await chooseFilter(page, 'owner', 'Vellmark Hospitals Trust');
  await page.locator('[data-testid=plan-scope]', { hasText: 'Scope: Vellmark Hospitals Trust' }).waitFor();
  await page.locator('#plan-sites tbody tr').first().waitFor();
  for (const id of await rowSites(page, '#plan-sites')) assert(TRUST_SITES.includes(id), `funded ${id} is the trust's`);
  eq(await page.locator('#plan-budget').inputValue(), '300000', 'the budget kept with the scope');
  await page.locator('#plan-name').fill('trust-scope');
  await page.getByRole('button', { name: 'Save plan' }).click();
  await page.locator('.save-form .form-status').filter({ hasText: 'Saved as trust-scope' }).waitFor();
  await page.locator('#saved-plans tr[data-plan="trust-scope"] [data-testid=plan-scope-org]', { hasText: 'Vellmark Hospitals Trust (its admin approves)' }).waitFor();
  await page.locator('#saved-plans tr[data-plan="trust-scope"]').scrollIntoViewIfNeeded();
  await shot(page, 'laptop-plan-scope-saved');
  await page.context().close();
});

/* ---- issue 16, item 2: edit a site on the page ---- */

test('site edit: the trust operator edits VM-012\'s occupancy and location, sees a server error next to a bad field, and the change persists', async () => {
  const trust = who('trust', 'trust');   // Vellmark Hospitals Trust, operator: owns VM-012 to VM-015
  const page = await newPage();
  await login(page, trust);
  await page.goto(BASE + '/#/site/VM-012');
  const form = page.locator('#form-site');
  await form.waitFor();
  // figures for reading on the site view
  eq((await page.locator('[data-testid=fact-peak]').textContent()).trim(), '3,000 people', 'the occupancy for reading');
  eq((await page.locator('[data-testid=fact-value]').textContent()).trim(), 'EUR 520 million', 'the economic value for reading');
  eq(await page.locator('#site-edit-emergency-department').inputValue(), 'yes', 'the hospital has an emergency department');
  const peak = page.locator('#site-edit-peak-occupancy');
  eq(await peak.inputValue(), '3000', 'the form holds the stored occupancy');
  await peak.fill('3250');
  await page.locator('[data-testid=reading-peak_occupancy]').filter({ hasText: /^3,250 people$/ }).waitFor();
  // the location: a click on the map moves the marker and fills the coordinates
  const lat0 = await page.locator('#site-edit-lat').inputValue();
  const lon0 = await page.locator('#site-edit-lon').inputValue();
  await page.locator('.site-edit-pin').waitFor();
  const box = await page.locator('[data-testid=site-edit-map]').boundingBox();
  await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.3);
  const lat1 = await page.locator('#site-edit-lat').inputValue();
  const lon1 = await page.locator('#site-edit-lon').inputValue();
  assert(Number(lat1) > Number(lat0) && Number(lon1) < Number(lon0), `the click moved the site north-west: ${lat0},${lon0} -> ${lat1},${lon1}`);
  // a name the server refuses (a right-to-left override cannot reach a public alert): its error
  // is shown next to the name, and nothing of the change is written
  const name = page.locator('#site-edit-name');
  await name.fill('Orrinford General Hospital\u202e');
  await page.locator('[data-testid=site-edit-save]').click();
  await page.locator('[data-testid=err-name]').filter({ hasText: /public alert/ }).waitFor();
  eq(await name.getAttribute('aria-invalid'), 'true', 'the name the server named is marked invalid');
  assert(/The server refused the change: Name:/.test(await page.locator('[data-testid=site-edit-error]').textContent()), 'the form says the server refused the name');
  eq((await page.locator('[data-testid=fact-peak]').textContent()).trim(), '3,000 people', 'nothing written');
  await shot(page, 'laptop-site-edit-server-error');
  await name.fill('Orrinford General Hospital');
  await page.locator('[data-testid=site-edit-save]').click();
  await page.locator('[data-testid=site-edit-status]').filter({ hasText: /^Saved: peak occupancy, lat, lon\.$/ }).waitFor();
  eq(await name.getAttribute('aria-invalid'), null, 'the name is no longer marked');
  eq((await page.locator('[data-testid=fact-peak]').textContent()).trim(), '3,250 people', 'the facts follow the change');
  await shot(page, 'laptop-site-edit-saved');
  await page.locator('[data-testid=site-facts]').scrollIntoViewIfNeeded();
  await shot(page, 'laptop-site-edit-facts');
  // after a reload the change is there, read from the server
  await page.reload();
  await page.locator('#form-site').waitFor();
  eq((await page.locator('[data-testid=fact-peak]').textContent()).trim(), '3,250 people', 'the occupancy persists');
  eq(await page.locator('#site-edit-peak-occupancy').inputValue(), '3250', 'the form reads the stored occupancy');
  eq((await page.locator('[data-testid=fact-location]').textContent()).trim(), `${Number(lat1).toFixed(4)}, ${Number(lon1).toFixed(4)}`, 'the location persists');
  await page.locator('[data-testid=site-readers]').waitFor();
  await page.locator('[data-testid=site-edit]').scrollIntoViewIfNeeded();
  await shot(page, 'laptop-site-edit-reloaded');
  // the form at tablet size: one column, the map under the figures
  await page.setViewportSize(VIEWPORTS.tablet);
  await page.locator('[data-testid=site-edit]').scrollIntoViewIfNeeded();
  await shot(page, 'tablet-site-edit');
  assert(problems.length === 0, problems.slice(0, 5).join('; '));
  await page.context().close();
});

/* ---- main ---- */

// review fix (issue 16 item 1): an organisation plans and saves its own budget
test('plan-own: the trust saves a plan of its own organisation; a wider scope offers no Save', async () => {
  const page = await newPage();
  await login(page, U.trust);
  await page.goto(`${BASE}/#/plan?budget=300000`);
  await page.locator('[data-testid=plan-scope]', { hasText: 'my organisation (Vellmark Hospitals Trust)' }).waitFor();
  await page.locator('[data-testid=plan-cost] .card-value').waitFor();
  await page.locator('#plan-name').fill('trust-own');
  await page.getByRole('button', { name: 'Save plan' }).click();
  await page.locator('.save-form .form-status').filter({ hasText: 'Saved as trust-own' }).waitFor();
  await page.locator('#saved-plans tr[data-plan="trust-own"] [data-testid=plan-scope-org]', { hasText: 'Vellmark Hospitals Trust (its admin approves)' }).waitFor();
  await page.locator('#saved-plans tr[data-plan="trust-own"]').scrollIntoViewIfNeeded();
  await shot(page, 'laptop-plan-own-saved');
  await page.goto(`${BASE}/#/plan?budget=300000&sector=health`);
  await page.locator('[data-testid=plan-scope]').filter({ hasNotText: 'my organisation' }).waitFor();
  await page.locator('[data-testid=plan-cost] .card-value').waitFor();
  eq(await page.locator('#plan-name').count(), 0, 'no Save for a scope wider than the trust');
  await page.context().close();
});

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  let srv = null;
  let passed = 0;
  let failed = 0;
  try {
    if (args.url) BASE = args.url.replace(/\/$/, '');
    else { srv = await startServer(); BASE = srv.url; }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    const from = FROM ? tests.findIndex((t) => t.name.startsWith(FROM)) : 0;
    const until = UNTIL ? tests.findIndex((t) => t.name.startsWith(UNTIL)) : -1;
    if (from < 0) throw new Error(`BROWSER_FROM: no test's name starts with ${JSON.stringify(FROM)}`);
    for (const [i, t] of tests.entries()) {
      if (i < from || (until >= 0 && i >= until)) continue;
      if (ONLY && !t.name.includes(ONLY)) continue;
      const t0 = Date.now();
      try {
        await t.fn();
        passed++;
        console.log(`ok   ${t.name} (${Date.now() - t0} ms)`);
      } catch (e) {
        failed++;
        console.log(`FAIL ${t.name}: ${String(e && e.message || e).split('\n')[0]}`);
        if (process.env.BROWSER_VERBOSE) console.log(e && e.stack);
      }
    }
    // a lane ends with the check the whole run ends with: no script error on any of its pages
    if ((FROM || UNTIL) && !ONLY) {
      if (problems.length === 0) { passed++; console.log(`ok   no script errors in lane ${LANE} (0 ms)`); }
      else { failed++; console.log(`FAIL no script errors in lane ${LANE}: ${problems.slice(0, 5).join('; ')}`); }
    }
  } catch (e) {
    failed++;
    console.log(`FAIL set-up: ${e && e.message || e}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    await stopServer(srv).catch(() => {});
  }
  console.log(`screenshots in ${OUT}`);
  console.log(`browser: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
