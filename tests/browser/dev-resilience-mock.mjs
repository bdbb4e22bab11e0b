// dev-resilience-mock.mjs - a development tool, NOT a test (make check never runs it): the
// resilience view and a site's dependencies against fixture answers staged with page.route()
// for GET /api/v1/cascade, /api/v1/spof and /api/v1/sites/*/dependencies, for working on the
// page before (or without) the server's endpoints. Screenshots go to tests/browser/out/dev-*.png.
//
// node tests/browser/dev-resilience-mock.mjs --protect ./protect [--chromium /usr/bin/chromium]
//   [--busy] (the first cascade is answered 429, as a full compute pool does)

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const argv = process.argv.slice(2);
const opt = (k, d) => { const i = argv.indexOf('--' + k); return i >= 0 ? argv[i + 1] : d; };
const PROTECT = path.resolve(opt('protect', './protect'));
const CHROMIUM = opt('chromium', '/usr/bin/chromium');
const OUT = path.join(path.dirname(new URL(import.meta.url).pathname), 'out');
const BUSY = argv.includes('--busy');

/* ---- fixtures (the demo's Brackwater district) ---- */

const SITES = {
  'VM-002': ['Brackwater Grid Substation', 'critical_infrastructure', 'energy', 47.18652, -12.1768, 160000],
  'VM-013': ['Brackwater District Hospital', 'critical_infrastructure', 'health', 47.17241, -12.19496, 120000],
  'VM-012': ['Orrinford General Hospital', 'critical_infrastructure', 'health', 47.09915, -12.00058, 350000],
  'VM-018': ['Orrinford Estuary Waste Water Treatment Plant', 'critical_infrastructure', 'waste_water', 47.17872, -12.18684, 400000],
  'VM-019': ['Brackwater Sewage Pumping Station', 'critical_infrastructure', 'waste_water', 47.22199, -12.13122, 90000],
  'VM-047': ['Brackwater Ferry Terminal', 'soft_target', 'transport_hub', 47.17333, -12.19379, 150000],
  'VM-027': ['Brackwater Food Distribution Centre', 'critical_infrastructure', 'food', 47.21808, -12.13624, 400000],
};
// [site, time it loses service (h), its service then, restart after the repair (h)]
const EVENTS = [
  ['VM-002', 0, 0, 0],
  ['VM-019', 2, 0, 1],
  ['VM-047', 0, 0.6, 0],
  ['VM-018', 6, 0.2, 2],
  ['VM-027', 12, 0.7, 0],
  ['VM-013', 24, 0, 1],
  ['VM-012', 30, 0.85, 0],   // two power feeds (VM-002 and VM-001): open, on reduced water
];
const HIDDEN = { at: 4, people: 8000 };   // one affected site the user may not see

function cascade(url) {
  const u = new URL(url);
  const H = Number(u.searchParams.get('hours') || 168);
  const R = u.searchParams.get('repair_hours');
  const repair = R === null ? null : Number(R);
  const fail = (u.searchParams.get('fail') || '').split(',').filter(Boolean);
  const back = (ev) => (repair === null ? null : Math.max(ev[1], repair) + ev[3] + (ev[0] === 'VM-002' ? 0 : 2));
  const affected = [];
  const steps = [];
  const changes = [];
  for (const ev of EVENTS) {
    const [id, at, service] = ev;
    if (at > H) continue;
    const [name, kind, sector, lat, lon, pop] = SITES[id];
    let restored = back(ev);
    if (restored !== null && restored > H) restored = null;
    const lost = service < 0.5 ? 1 : 1 - service;
    const end = restored === null ? H : restored;
    affected.push({
      site_id: id, name, kind, sector, lat, lon, population_served: pop,
      failed_at_h: service < 0.5 ? at : null, restored_at_h: restored, min_service: service,
      person_hours_lost: Math.round(pop * lost * (end - at)),
    });
    steps.push({ t_h: at, site_id: id, service });
    changes.push([at, pop * lost]);
    if (restored !== null) { steps.push({ t_h: restored, site_id: id, service: 1 }); changes.push([restored, -pop * lost]); }
  }
  changes.push([HIDDEN.at, HIDDEN.people]);
  changes.sort((a, b) => a[0] - b[0]);
  const series = [];
  let now = 0;
  for (const [t, d] of changes) {
    now += d;
    if (series.length && series[series.length - 1].t_h === t) series[series.length - 1].people_without_service = Math.round(now);
    else series.push({ t_h: t, people_without_service: Math.round(now) });
  }
  steps.sort((a, b) => a.t_h - b.t_h);
  const total = affected.reduce((s, a) => s + a.person_hours_lost, 0) + HIDDEN.people * (H - HIDDEN.at);
  const last = Math.max(...steps.filter((s) => s.service === 1).map((s) => s.t_h), 0);
  return {
    fail, hours: H, repair_hours: repair, threshold: 0.5, affected, steps, series,
    person_hours_lost: total, recovery_h: repair === null || affected.some((a) => a.restored_at_h === null) ? null : last, withheld: 1,
  };
}

const SPOF = {
  hours: 168, repair_hours: 72, threshold: 0.5, value_person_hour_eur: 12.5,
  spof: [
    ['VM-001', 'Orrinford Combined-Cycle Power Station', 61200000, 31800000, 16, 23, 79],
    ['VM-002', 'Brackwater Grid Substation', 38400000, 26900000, 5, 7, 77],
    ['VM-020', 'Orrinford Internet Exchange', 24100000, 12200000, 3, 11, 75],
    ['VM-016', 'Lake Morvane Water Treatment Works', 20500000, 9700000, 2, 6, null],
    ['VM-004', 'Dunmarrow Gas Receiving Terminal', 9800000, 4200000, 1, 3, 74],
    ['VM-065', 'Kessling North Substation', 2300000, 1500000, 1, 2, 73],
  ].map(([site_id, name, ph, dph, failed, aff, rec], i) => ({
    rank: i + 1, site_id, name, person_hours_lost: ph, downstream_person_hours: dph, downstream_eur: dph * 12.5,
    sites_failed: failed, sites_affected: aff, recovery_h: rec,
  })),
  supplying_sites: 14, withheld: 2,
};

const dep = (p, c, type, autonomy_hours, service_loss, group = null) => ({
  provider_id: p, provider_name: SITES[p] ? SITES[p][0] : { 'VM-001': 'Orrinford Combined-Cycle Power Station', 'VM-016': 'Lake Morvane Water Treatment Works', 'VM-020': 'Orrinford Internet Exchange' }[p],
  consumer_id: c, consumer_name: SITES[c] ? SITES[c][0] : c, type, autonomy_hours, service_loss, group,
});
const DEPS = {
  'VM-013': { providers: [dep('VM-002', 'VM-013', 'physical', 24, 1), dep('VM-016', 'VM-013', 'physical', 48, 0.6), dep('VM-020', 'VM-013', 'cyber', 4, 0.2)], consumers: [], withheld: 0 },
  'VM-012': { providers: [dep('VM-002', 'VM-012', 'physical', 36, 1, 'power'), dep('VM-001', 'VM-012', 'physical', 36, 1, 'power'), dep('VM-018', 'VM-012', 'physical', 24, 0.15)], consumers: [], withheld: 1 },
  'VM-002': { providers: [dep('VM-001', 'VM-002', 'physical', 0, 1)], consumers: ['VM-013', 'VM-018', 'VM-019', 'VM-047', 'VM-027'].map((c) => dep('VM-002', c, 'physical', c === 'VM-013' ? 24 : 2, 1)), withheld: 1 },
};

/** Stage the three endpoints on a page; `busy`: the first cascade is answered 429. A
    dependency is kept only where the user may read both sites (asked of the real server). */
export async function stageResilience(page, { busy = false } = {}) {
  await page.route('**/api/v1/cascade?*', async (route) => {
    await new Promise((r) => setTimeout(r, 400));   // the busy state is seen
    if (busy) {
      busy = false;
      return route.fulfill({ status: 429, contentType: 'application/json', headers: { 'Retry-After': '10' }, body: JSON.stringify({ error: 'the server is busy with 16 computations waiting' }) });
    }
    return route.fulfill({ contentType: 'application/json', body: JSON.stringify(cascade(route.request().url())) });
  });
  await page.route('**/api/v1/spof?*', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify(SPOF) }));
  await page.route('**/api/v1/sites/*/dependencies', async (route) => {
    const url = route.request().url();
    const id = decodeURIComponent(url.split('/sites/')[1].split('/')[0]);
    const d = DEPS[id] || { providers: [], consumers: [], withheld: 0 };
    const base = url.split('/api/v1/')[0];
    const readable = async (sid) => (await route.fetch({ url: `${base}/api/v1/sites/${encodeURIComponent(sid)}`, method: 'GET' })).status() === 200;
    const out = { site_id: id, providers: [], consumers: [], withheld: d.withheld };
    for (const side of ['providers', 'consumers']) {
      for (const x of d[side]) {
        if (await readable(x.provider_id) && await readable(x.consumer_id)) out[side].push(x); else out.withheld++;
      }
    }
    return route.fulfill({ contentType: 'application/json', body: JSON.stringify(out) });
  });
}

/* ---- the server ---- */

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
  try {
    for (const [vp, size] of [['laptop', { width: 1366, height: 768 }], ['tablet', { width: 820, height: 1180 }]]) {
      const context = await browser.newContext({ viewport: size, deviceScaleFactor: 1 });
      const page = await context.newPage();
      page.setDefaultTimeout(15000);
      page.on('pageerror', (e) => problems.push(`${vp}: ${e.message}`));
      page.on('console', (m) => { if (m.type() === 'error' && !/401|429/.test(m.text())) problems.push(`${vp}: ${m.text()}`); });
      await stageResilience(page, { busy: BUSY });
      await page.goto(BASE + '/');
      await page.locator('#login-user').fill('operator');
      await page.locator('#login-password').fill('demo-operator');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.locator('[data-testid=user-name]').waitFor();
      await page.locator('#mainnav').getByRole('link', { name: 'Resilience' }).click();
      await page.locator('#res-search').fill('brackwater');
      await page.screenshot({ path: path.join(OUT, `dev-${vp}-res-picker.png`) });
      await page.locator('#res-suggest button[data-site="VM-002"]').click();
      await page.locator('[data-testid=res-run]').click();
      await page.waitForTimeout(150);
      await page.screenshot({ path: path.join(OUT, `dev-${vp}-res-busy.png`) });
      if (BUSY) {
        await page.locator('#res-error').filter({ hasText: 'Try again' }).waitFor();
        await page.screenshot({ path: path.join(OUT, `dev-${vp}-res-429.png`) });
        await page.locator('[data-testid=res-run]').click();
      }
      await page.locator('#res-affected tbody tr[data-site="VM-013"]').waitFor();
      await page.screenshot({ path: path.join(OUT, `dev-${vp}-res-result.png`) });
      await page.locator('[data-testid=res-play]').click();
      await page.waitForTimeout(700);
      await page.locator('[data-testid=res-play]').click();
      const played = Number(await page.locator('#res-time').inputValue());
      if (!(played > 0) || (await page.locator('[data-testid=res-play]').getAttribute('aria-pressed')) !== 'false') problems.push(`${vp}: Play did not move the slider or did not pause (${played})`);
      await page.locator('#res-time').fill('30');
      await page.locator('#res-time').dispatchEvent('input');
      await page.locator('#res-time-title').evaluate((h) => h.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: path.join(OUT, `dev-${vp}-res-30h.png`) });
      await page.locator('#res-affected').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(OUT, `dev-${vp}-res-table.png`) });
      await page.screenshot({ path: path.join(OUT, `dev-${vp}-res-full.png`), fullPage: true });
      // repair after 48 h: restored sites
      await page.locator('#res-repair').fill('48');
      await page.locator('[data-testid=res-run]').click();
      await page.locator('#res-affected tbody tr[data-site="VM-013"] [data-testid=res-restored-at]').filter({ hasText: /^\d+ h$/ }).waitFor();
      await page.locator('#res-time').fill('60');
      await page.locator('#res-time').dispatchEvent('input');
      await page.locator('#res-time-title').evaluate((h) => h.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: path.join(OUT, `dev-${vp}-res-repair-60h.png`) });
      await page.locator('[data-testid=spof-run]').click();
      await page.locator('#spof-table tbody tr').first().waitFor();
      await page.locator('#spof-table').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(OUT, `dev-${vp}-res-spof.png`) });
      await page.locator('#spof-table tbody tr[data-site="VM-001"] [data-testid=spof-fail]').click();
      await page.locator('[data-testid=res-picked] li[data-site="VM-001"]').waitFor();
      await page.locator('[data-testid=res-status]').filter({ hasText: 'Cascade computed' }).waitFor();
      for (const id of ['VM-013', 'VM-012', 'VM-002']) {
        await page.goto(`${BASE}/#/site/${id}`);
        await page.locator('#site-deps-title').scrollIntoViewIfNeeded();
        await page.locator('[data-testid=site-dependencies] table, [data-testid=site-dependencies] p.muted').first().waitFor();
        await page.screenshot({ path: path.join(OUT, `dev-${vp}-site-${id}-deps.png`) });
      }
      await page.locator('[data-testid=simulate-failure]').click();
      await page.locator('#res-affected tbody tr').first().waitFor();
      await page.screenshot({ path: path.join(OUT, `dev-${vp}-res-from-site.png`) });
      await context.close();
    }
  } finally {
    await browser.close();
    srv.kill('SIGTERM');
    await new Promise((r) => srv.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(problems.length ? `problems:\n${problems.join('\n')}` : 'no script errors');
  console.log(`screenshots in ${OUT}/dev-*.png`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) main().catch((e) => { console.error(e); process.exit(1); });
