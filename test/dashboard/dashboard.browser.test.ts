/**
 * The dashboard in a real browser: Debian's headless Chromium driven by playwright-core loads the
 * page from a node:http server on 127.0.0.1 that serves it the way `firmwarden serve` does (with
 * its CSP and a bearer token), fed by buildDashboardData over a real simulated fleet swept into a
 * SQLite store with a real rollout — and over a synthetic 1,000-server fleet for readability.
 *
 * Skipped with a note when Chromium is absent, unless FIRMWARDEN_REQUIRE_SERVICES=1 (.ci/run).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildDashboardData,
  CELL_STATES,
  type DashboardData,
  dashboardContentSecurityPolicy,
  renderDashboardPage,
} from '../../src/dashboard/index.ts';
import type { ServerStep } from '../../src/store/types.ts';
import {
  BIG_COUNT,
  BIG_RACK,
  bigData,
  HOSTILE_MODEL,
  ROLLOUT_ID,
  type Served,
  type SimBed,
  serve,
  simBed,
} from './helpers.ts';
import { countColour, decodePng } from './png.ts';

const CHROMIUM = process.env.FIRMWARDEN_TEST_CHROMIUM || '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const REQUIRED = process.env.FIRMWARDEN_REQUIRE_SERVICES === '1';
if (!HAVE_CHROMIUM && !REQUIRED) {
  console.warn(
    `dashboard browser tests skipped: no Chromium at ${CHROMIUM} (install Debian's chromium or run scripts/test-services.sh; FIRMWARDEN_TEST_CHROMIUM names another binary)`,
  );
}

const TOKEN = 'fw-test-token-7c1d9e';
const NO_CATALOG = { code: 'FW_API_NOT_CONFIGURED', message: 'catalog: not configured in serve.yaml' };
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe.skipIf(!HAVE_CHROMIUM && !REQUIRED)('dashboard in headless Chromium', () => {
  let bed: SimBed;
  let big: DashboardData;
  let served: Served;
  let browser: Browser;
  let shots: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) {
      throw new Error(`FIRMWARDEN_REQUIRE_SERVICES=1 but there is no Chromium at ${CHROMIUM}`);
    }
    shots = await mkdtemp(join(tmpdir(), 'fw-dashboard-shots-'));
    [bed, browser] = await Promise.all([
      simBed(),
      // launch() gives every browser a fresh temporary profile (user-data-dir).
      chromium.launch({ executablePath: CHROMIUM, args: ARGS }),
    ]);
    big = bigData();
    const csp = dashboardContentSecurityPolicy();
    const pages: Record<string, string> = {
      '/': renderDashboardPage({ title: 'simulated fleet', pollMs: 300 }),
      '/big/': renderDashboardPage({ title: '1,000 servers <lab>', apiPath: '/api/big', pollMs: 60_000 }),
      '/other/': renderDashboardPage({ apiPath: '/api/other', pollMs: 60_000 }),
      '/unplanned/': renderDashboardPage({ apiPath: '/api/unplanned', pollMs: 60_000 }),
    };
    served = await serve(async (req, res) => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      const page = pages[path];
      if (page !== undefined) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp });
        res.end(page);
        return;
      }
      if (path.startsWith('/api/')) {
        if (req.headers.authorization !== `Bearer ${TOKEN}`) {
          res
            .writeHead(401, {
              'content-type': 'application/json',
              'www-authenticate': 'Bearer realm="firmwarden"',
            })
            .end(JSON.stringify({ error: { code: 'FW_API_UNAUTHORIZED', message: 'unknown token' } }));
          return;
        }
        // /api/other answers like a summary endpoint that is not DashboardData.
        const data =
          path === '/api/big'
            ? big
            : path === '/api/other'
              ? { generatedAt: 'now', problems: [] }
              : path === '/api/unplanned'
                ? buildDashboardData({ inventory: bed.inventory, problems: [NO_CATALOG] })
                : await bed.data();
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(data));
        return;
      }
      res.writeHead(404).end();
    });
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await served?.close();
    await bed?.close();
    if (shots) await rm(shots, { recursive: true, force: true });
  });

  /** A fresh context (own sessionStorage), recording every request and console error. */
  async function open(path: string, viewport = { width: 1280, height: 900 }) {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${served.base}${path}`);
    return { page, requests, errors };
  }

  /** Waits (polling, no fixed sleep) until the element's text matches. */
  const untilText = (page: Page, selector: string, re: RegExp) =>
    expect
      .poll(async () => (await page.textContent(selector)) ?? '', { timeout: 10_000, interval: 50 })
      .toMatch(re);
  const loaded = (page: Page) => page.waitForSelector('body[data-loaded]');
  const cells = (page: Page) =>
    page.$$eval('#groups .c', (els) =>
      els.map((e) => ({
        server: e.getAttribute('data-server') ?? '',
        kind: e.getAttribute('data-kind') ?? '',
        cls: e.className,
        title: e.getAttribute('title') ?? '',
      })),
    );

  it('takes the token from the URL fragment into sessionStorage and sends it only as a bearer header', async () => {
    const { page, requests, errors } = await open(`/#token=${TOKEN}`);
    await loaded(page);
    expect(page.url()).toBe(`${served.base}/`);
    expect(await page.evaluate(() => sessionStorage.getItem('firmwarden.dashboard.token'))).toBe(TOKEN);
    const api = served.log.filter((l) => l.url.startsWith('/api/v1/dashboard'));
    expect(api.length).toBeGreaterThan(0);
    expect(api.every((l) => l.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(served.log.filter((l) => l.url.includes(TOKEN))).toEqual([]);
    // Self-contained: nothing but its own origin, and its inline script and style pass the CSP.
    expect(requests.filter((u) => !u.startsWith(`${served.base}/`))).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('asks for a token when it has none, and again when the API rejects one', async () => {
    const { page } = await open('/');
    await untilText(page, '#auth', /API token \(read role\) is needed/);
    expect(await page.isVisible('#token-form')).toBe(true);
    expect(await page.locator('#groups .c').count()).toBe(0);
    await page.fill('#token', 'wrong-token');
    await page.click('#token-form button');
    await untilText(page, '#auth', /Not authorized \(401\): FW_API_UNAUTHORIZED: unknown token/);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await page.fill('#token', TOKEN);
    await page.click('#token-form button');
    await loaded(page);
    expect(await page.isVisible('#token-form')).toBe(false);
    expect(await page.locator('#groups .c').count()).toBeGreaterThan(0);
    expect(page.url()).toBe(`${served.base}/`);
  });

  it('says so when the API answers with something that is not dashboard data', async () => {
    const { page } = await open(`/other/#token=${TOKEN}`);
    await untilText(page, '#status', /\/api\/other did not answer with dashboard data \(schema 1\)/);
    expect(await page.getAttribute('#status', 'class')).toBe('stale');
  });

  it('shows what could not be computed, and the inventory without a catalog', async () => {
    const { page } = await open(`/unplanned/#token=${TOKEN}`);
    await loaded(page);
    expect(await page.textContent('#problems')).toBe(`${NO_CATALOG.code}: ${NO_CATALOG.message}`);
    expect(await page.textContent('#summary-note')).toMatch(/catalog none$/);
    const states = new Set((await cells(page)).map((c) => /st-(\w+)/.exec(c.cls)?.[1]));
    expect(states).toEqual(new Set(['unknown', 'none', 'corrupt']));
    expect(await page.locator('#acting-table tbody tr').count()).toBe(0);
  });

  it('draws one cell per server and kind, coloured as the plan and the inventory say', async () => {
    const { page } = await open(`/#token=${TOKEN}`);
    await loaded(page);
    const data = await bed.data();
    const seen = await cells(page);
    expect(seen).toHaveLength(bed.inventory.servers.length * data.kinds.length);
    const cellOf = (server: string, kind: string) => {
      const found = seen.filter((c) => c.server === server && c.kind === kind);
      expect(found, `${server} ${kind}`).toHaveLength(1);
      return found[0]!;
    };
    // Every cell carries the state the data says.
    for (const s of data.servers) {
      data.kinds.forEach((kind, k) => {
        expect(cellOf(s.n, kind).cls, `${s.n} ${kind}`).toContain(`st-${CELL_STATES[Number(s.s[k])]}`);
      });
    }
    // And the data says what the planner and the inventory say.
    const victim = cellOf(bed.corrupted, 'bios');
    expect(victim.cls).toContain('st-corrupt');
    expect(victim.title).toMatch(/Critical/);
    let outdated = 0;
    for (const sp of bed.plan.servers) {
      if (sp.server === bed.corrupted) continue;
      for (const kind of ['bmc', 'bios']) {
        if (sp.decisions.some((d) => d.component?.kind === kind && d.decision === 'upgrade')) {
          expect(cellOf(sp.server, kind).cls, `${sp.server} ${kind}`).toContain('st-outdated');
          outdated++;
        }
      }
      const nics = sp.decisions.filter((d) => d.component?.kind === 'nic');
      if (nics.length > 0 && nics.every((d) => d.decision === 'up-to-date'))
        expect(cellOf(sp.server, 'nic').cls, `${sp.server} nic`).toContain('st-ok');
    }
    expect(outdated).toBeGreaterThan(4);
    expect(seen.some((c) => c.cls.includes('st-ok'))).toBe(true);
    expect(await page.locator('#legend [data-state]').allTextContents()).toEqual([
      'up to date',
      'outdated',
      'unknown (no catalog entry, incomparable, unreadable)',
      'corrupt',
      'no such component',
    ]);
  });

  it('shows servers per kind and state, and the acting version of every component line', async () => {
    const { page } = await open(`/#token=${TOKEN}`);
    await loaded(page);
    const outdatedBios = bed.plan.servers.filter(
      (s) =>
        s.server !== bed.corrupted &&
        s.decisions.some((d) => d.component?.kind === 'bios' && d.compliance === 'outdated'),
    ).length;
    expect(await page.textContent('#summary-table tr[data-kind="bios"] td[data-state="outdated"]')).toBe(
      String(outdatedBios),
    );
    expect(await page.textContent('#summary-table tr[data-kind="bios"] td[data-state="corrupt"]')).toBe('1');
    const lines = Object.values(bed.plan.compliance.byKind).flatMap((k) => k?.lines ?? []);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const row = await page.$$eval(
        `#acting-table tr[data-line="${line.key.replace(/"/g, '\\"')}"] td`,
        (tds) => tds.map((t) => t.textContent),
      );
      expect(row, line.key).toEqual([
        line.kind,
        line.vendor,
        line.label,
        String(line.servers),
        line.lowest ?? '—',
        line.highest ?? '—',
        line.targets.join(' | ') || '—',
        line.incomparable
          ? 'incomparable'
          : line.targets.length === 0
            ? 'no target'
            : line.converged
              ? 'yes'
              : 'no',
      ]);
    }
  });

  it('follows rollout progress in the store while it polls', async () => {
    const { page } = await open(`/#token=${TOKEN}`);
    await loaded(page);
    const count = (what: string) =>
      page.textContent(`[data-rollout="${ROLLOUT_ID}"] [data-count="${what}"]`).then(Number);
    const servers = await bed.store.rolloutServers(ROLLOUT_ID);
    expect([await count('done'), await count('pending')]).toEqual([0, servers.length]);

    const canary = servers.find((s) => s.wave === 0)!;
    const [failing, busy] = servers.filter((s) => s.wave === 1);
    const walk = async (server: string, steps: ServerStep[]) => {
      let from: ServerStep = 'pending';
      for (const to of steps) {
        expect(
          await bed.store.setServerStep(
            ROLLOUT_ID,
            server,
            [from],
            to,
            to === 'failed' ? 'ApplyFailed on BIOS' : undefined,
          ),
        ).toBe(true);
        from = to;
      }
    };
    await bed.store.setRolloutStatus(ROLLOUT_ID, ['pending'], 'running');
    await walk(canary.server, ['claimed', 'drained', 'updating', 'verifying', 'done']);
    await walk(failing!.server, ['claimed', 'drained', 'updating', 'failed']);
    await walk(busy!.server, ['claimed', 'drained', 'updating']);

    await untilText(page, `[data-rollout="${ROLLOUT_ID}"] [data-count="done"]`, /^1$/);
    expect([
      await count('done'),
      await count('failed'),
      await count('updating'),
      await count('pending'),
    ]).toEqual([1, 1, 1, servers.length - 3]);
    const card = await page.textContent(`[data-rollout="${ROLLOUT_ID}"]`);
    expect(card).toContain('running');
    expect(card).toContain('wave 1');
    expect(card).toContain(`failed: ${failing!.server}`);
    expect(card).toContain('ApplyFailed on BIOS');
    // The acting versions the driver recorded, by line, with how many reached their target.
    const acting = await bed.store.actingVersions(ROLLOUT_ID);
    const atTarget = acting.filter((a) => a.converged).length;
    expect(await page.textContent(`[data-rollout="${ROLLOUT_ID}"] summary`)).toBe(
      `acting versions: ${atTarget} of ${acting.length} lines at target`,
    );
    // The heatmap marks the servers in flight and the failed one.
    expect(await page.locator('#groups .mk-failed').count()).toBe(1);
    expect(await page.locator('#groups .mk-updating').count()).toBe(1);
  });

  it('keeps 1,000 servers readable: grouped by rack, filterable, with tooltips, in a non-blank screenshot', async () => {
    const { page, errors } = await open(`/big/#token=${TOKEN}`);
    await loaded(page);
    const K = big.kinds.length;
    expect(await page.locator('#groups .c').count()).toBe(BIG_COUNT * K);
    // One block per rack of 40, each headed by its site and rack.
    const heads = await page.locator('.hm-head b').allTextContents();
    expect(heads).toHaveLength(BIG_COUNT / BIG_RACK);
    expect(heads).toContain('fra1 / r01');
    // Cells stay big enough to see and point at, and the whole fleet fits in about two screens.
    const box = await page.locator('#groups .c').first().boundingBox();
    expect(box?.width).toBeGreaterThanOrEqual(8);
    const map = await page.locator('#groups').boundingBox();
    expect(map!.height).toBeLessThan(2 * 900);
    expect(map!.width).toBeLessThanOrEqual(1280);
    // Every 97th server has a corrupt drive (health Critical); two servers are unreadable.
    expect(await page.locator('#groups .c.st-corrupt').count()).toBe(11);
    expect(await page.getAttribute('.c[data-server="node-0098"][data-kind="drive"]', 'title')).toMatch(
      /node-0098 · drive: corrupt[\s\S]*Critical/,
    );
    expect(await page.getAttribute('.c[data-server="node-0001"][data-kind="bios"]', 'title')).toMatch(
      /outdated\ninstalled 2\.16\.0 · target 2\.17\.1/,
    );
    expect(await page.textContent('h1')).toBe('1,000 servers <lab>');
    // The rollout over the synthetic fleet.
    expect(await page.textContent('[data-rollout="bios-2026q4"] [data-count="done"]')).toBe('150');
    // 21 waves: the first 12 up to and around the current wave (3) are listed, the rest counted.
    const card = await page.textContent('[data-rollout="bios-2026q4"]');
    expect(card).toContain('running · wave 3');
    expect(card).toContain('9 later waves not shown');
    expect(
      await page.locator('[data-rollout="bios-2026q4"] .waves > span:not(.muted)').allTextContents(),
    ).toEqual(['canary', ...Array.from({ length: 11 }, (_, i) => `wave ${i + 1}`)]);
    expect(card).toContain('failed: node-0151 — FW_ERR_TASK_FAILED: ApplyFailed');
    expect(await page.locator('#groups .mk-updating').count()).toBe(20);

    const shot = await page.locator('#heatmap').screenshot({ path: join(shots, 'dashboard-1000.png') });
    const png = decodePng(shot);
    expect(png.width).toBeGreaterThan(1000);
    expect(png.height).toBeGreaterThan(600);
    // The heatmap's colours are on screen (page.css --ok, --outdated, --unknown), in quantity.
    expect(countColour(png, '#2e9e5b')).toBeGreaterThan(20_000);
    expect(countColour(png, '#e8a000')).toBeGreaterThan(5_000);
    expect(countColour(png, '#9aa0a6')).toBeGreaterThan(5_000);
    if (process.env.FIRMWARDEN_DASHBOARD_SCREENSHOT) {
      // Regenerates docs/dashboard.png on request; tests never write into the repository otherwise.
      await page.evaluate('window.scrollTo(0, 0)');
      await writeFile(process.env.FIRMWARDEN_DASHBOARD_SCREENSHOT, await page.screenshot());
    }
    expect((await readFile(join(shots, 'dashboard-1000.png'))).length).toBe(shot.length);

    // The filter box narrows to one rack, the state filter to servers with a corrupt image.
    await page.fill('#filter', 'r07');
    await untilText(page, '#shown', /^showing 40 of 1000 servers$/);
    expect(await page.locator('#groups .c').count()).toBe(40 * K);
    await page.fill('#filter', '');
    await page.selectOption('#state-filter', 'corrupt');
    await untilText(page, '#shown', /^showing 11 of 1000 servers$/);
    // Clicking a cell opens the server's detail, versions as text.
    await page.click('.c[data-server="node-0098"][data-kind="drive"]');
    expect(await page.textContent('#detail h3')).toContain('node-0098');
    // Data is text, never markup: a model string holding an <img> tag stays a string.
    await page.selectOption('#state-filter', 'all');
    await page.click(`.c[data-server="node-${BIG_COUNT}"][data-kind="bmc"]`);
    expect(await page.textContent('#detail h3')).toContain(HOSTILE_MODEL);
    expect(await page.locator('img').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000); // 7,000 cells, filters and two screenshots: slower on a busy CI machine
});
