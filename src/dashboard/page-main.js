/*
 * Dashboard browser side, part 4 of 4: the token and the polling loop.
 *
 * Auth: the API wants `Authorization: Bearer <token>` on every data call (no cookie: no CSRF
 * surface). The token is typed into a password field, or handed over in the URL fragment
 * (#token=..., for links from `firmwarden serve`), and kept in sessionStorage only (gone with the
 * tab). A fragment is never sent to any server, so it never lands in access logs, proxies or
 * Referer headers; the page removes it from the address bar at once.
 */
(() => {
  globalThis.firmwardenDashboard ??= {};
  const FW = globalThis.firmwardenDashboard;
  const { $ } = FW.dom;
  const { heatmap, tables } = FW;
  const TOKEN_KEY = 'firmwarden.dashboard.token';
  const body = document.body;
  const API = body.dataset.api || '/api/v1/dashboard';
  const POLL_MS = Math.max(250, Number(body.dataset.pollMs) || 5000);
  let data = null;
  let timer;

  function takeToken() {
    const m = /(?:^|&)token=([^&]*)/.exec(location.hash.replace(/^#/, ''));
    if (m) {
      sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
      history.replaceState(null, '', location.pathname + location.search);
    }
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function askForToken(why) {
    $('auth').textContent = why;
    $('token-form').hidden = false;
    $('token').focus();
  }

  /** The API's error body is { error: { code, message } }; anything else reads as the status. */
  async function failure(res) {
    try {
      const e = (await res.json()).error;
      if (e?.message) return `${e.code || res.status}: ${e.message}`;
    } catch {}
    return `HTTP ${res.status}`;
  }

  function renderAll() {
    tables.renderProblems(data);
    tables.renderSummary(data);
    tables.renderRollouts(data);
    heatmap.render(data);
    tables.renderActing(data);
    heatmap.renderDetail(data);
  }

  async function poll() {
    clearTimeout(timer);
    const token = takeToken();
    const status = $('status');
    if (!token) {
      askForToken('An API token (read role) is needed to load the dashboard.');
      status.textContent = '';
      return;
    }
    try {
      const res = await fetch(API, {
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
        credentials: 'same-origin',
        cache: 'no-store',
      });
      if (res.status === 401 || res.status === 403) {
        // Polling stops until a token is given: retrying a rejected one achieves nothing.
        sessionStorage.removeItem(TOKEN_KEY);
        askForToken(`Not authorized (${res.status}): ${await failure(res)}. Enter an API token.`);
        status.textContent = '';
        return;
      }
      if (!res.ok) throw new Error(await failure(res));
      const next = await res.json();
      if (next?.schema !== 1) {
        throw new Error(`${API} did not answer with dashboard data (schema 1); is this firmwarden serve?`);
      }
      data = next;
      $('auth').textContent = '';
      $('token-form').hidden = true;
      renderAll();
      status.className = '';
      status.textContent = `updated ${new Date().toLocaleTimeString()} (data ${data.generatedAt})`;
      body.dataset.loaded = String(Number(body.dataset.loaded || 0) + 1);
    } catch (err) {
      status.className = 'stale';
      status.textContent = `update failed: ${err.message}; ${data ? 'showing older data, ' : ''}retrying`;
    }
    timer = setTimeout(poll, POLL_MS);
  }

  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const value = $('token').value.trim();
    $('token').value = '';
    if (!value) return;
    sessionStorage.setItem(TOKEN_KEY, value);
    poll();
  });

  let debounce;
  const refilter = () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => data && heatmap.render(data), 120);
  };
  $('filter').addEventListener('input', refilter);
  $('state-filter').addEventListener('change', refilter);
  $('groups').addEventListener('click', (e) => {
    const c = e.target.closest('.c');
    if (c && data) heatmap.select(data, c.dataset.server);
  });
  poll();
})();
