/**
 * renderDashboardPage: the dashboard as one self-contained HTML document — inline CSS and vanilla
 * JS, no framework, no CDN, no request but to the dashboard API — so `firmwarden serve` ships it
 * as a string and it works in an air-gapped datacenter. The script parts and the stylesheet live
 * beside this file (page-*.js, page.css) so Biome lints them; dashboardContentSecurityPolicy()
 * pins both by sha256 so the page runs under a strict CSP with no 'unsafe-inline'.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface DashboardPageOptions {
  /** Page and header title (default "firmwarden fleet"). */
  title?: string;
  /** Where the page fetches DashboardData (default "/api/v1/dashboard"; same origin). */
  apiPath?: string;
  /** Poll interval in ms (default 5000; tests use less). */
  pollMs?: number;
}

const DEFAULT_TITLE = 'firmwarden fleet';
const DEFAULT_API = '/api/v1/dashboard';
const DEFAULT_POLL_MS = 5_000;

/** Browser script parts, inlined in this order into one <script> (they share one namespace). */
const SCRIPT_PARTS = ['page-dom.js', 'page-tables.js', 'page-heatmap.js', 'page-main.js'];

let assets: { script: string; style: string } | undefined;

/** The inline script and stylesheet, read once. */
function pageAssets(): { script: string; style: string } {
  if (assets === undefined) {
    const read = (name: string) => readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
    const script = SCRIPT_PARTS.map(read).join('\n');
    const style = read('page.css');
    // Inlined verbatim: a closing tag inside would end the element early.
    if (/<\/script/i.test(script) || /<\/style/i.test(style)) {
      throw new Error('dashboard assets hold a closing tag');
    }
    assets = { script, style };
  }
  return assets;
}

/** Escapes text for an HTML text node or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The Content-Security-Policy to send with the page: only the page's own script and style (by
 * hash), fetches to the same origin, nothing else — no frames, forms, plugins or base rewrites.
 */
export function dashboardContentSecurityPolicy(): string {
  const { script, style } = pageAssets();
  return [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(style)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The dashboard page (HTML). Serve it with dashboardContentSecurityPolicy() as its CSP. */
export function renderDashboardPage(opts: DashboardPageOptions = {}): string {
  const { script, style } = pageAssets();
  const title = escapeHtml(opts.title ?? DEFAULT_TITLE);
  const api = escapeHtml(opts.apiPath ?? DEFAULT_API);
  const poll = String(Math.max(250, Math.trunc(opts.pollMs ?? DEFAULT_POLL_MS)));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${title}</title>
<style>${style}</style>
</head>
<body data-api="${api}" data-poll-ms="${poll}">
<header>
  <h1>${title}</h1>
  <span id="status">loading…</span>
  <span id="auth"></span>
  <form id="token-form" hidden>
    <input id="token" type="password" autocomplete="off" placeholder="API token" aria-label="API token">
    <button type="submit">Use token</button>
  </form>
  <input id="filter" type="search" placeholder="filter: name, site, rack, vendor" aria-label="filter servers">
  <select id="state-filter" aria-label="show servers with">
    <option value="all">all servers</option>
    <option value="problem">any problem</option>
    <option value="outdated">any outdated</option>
    <option value="unknown">any unknown</option>
    <option value="corrupt">any corrupt</option>
  </select>
  <span id="shown" class="muted"></span>
</header>
<main>
  <div id="problems"></div>
  <section id="rollouts"><h2>Rollouts</h2><div id="rollout-list"></div></section>
  <section id="heatmap">
    <h2>Compliance by server and component kind</h2>
    <div class="legend" id="legend">
      <span data-state="ok"><i class="sw st-ok"></i>up to date</span>
      <span data-state="outdated"><i class="sw st-outdated"></i>outdated</span>
      <span data-state="unknown"><i class="sw st-unknown"></i>unknown (no catalog entry, incomparable, unreadable)</span>
      <span data-state="corrupt"><i class="sw st-corrupt"></i>corrupt</span>
      <span data-state="none"><i class="sw st-none"></i>no such component</span>
      <span><i class="sw mk-updating"></i>rollout in progress</span>
      <span><i class="sw mk-failed"></i>rollout failed</span>
    </div>
    <div id="groups"></div>
    <div id="detail"></div>
  </section>
  <section id="summary">
    <h2>Servers per component kind and state</h2>
    <table id="summary-table"></table>
    <p id="summary-note" class="muted"></p>
  </section>
  <section id="acting">
    <h2>Acting version per component line (lowest installed: what the fleet may rely on)</h2>
    <table id="acting-table"></table>
  </section>
</main>
<script>${script}</script>
</body>
</html>
`;
}
