/*
 * Dashboard browser side, part 2 of 4: the problems banner, the summary (servers per kind and
 * state), the acting version per component line, and rollout progress bars.
 */
(() => {
  globalThis.firmwardenDashboard ??= {};
  const FW = globalThis.firmwardenDashboard;
  const { $, el, row, head } = FW.dom;
  const MAX_WAVES = 12; // wave rows shown per rollout
  const SEGMENTS = ['done', 'failed', 'updating', 'pending'];
  const openActing = new Set(); // rollouts whose acting-version list the user opened

  function renderProblems(data) {
    $('problems').replaceChildren(...data.problems.map((p) => el('div', 'bad', `${p.code}: ${p.message}`)));
  }

  function renderSummary(data) {
    const t = $('summary-table');
    t.replaceChildren(
      head([
        'kind',
        'up to date',
        'outdated',
        'unknown',
        'corrupt',
        'none',
        'components ok/outdated/unknown',
      ]),
    );
    const tb = el('tbody');
    const order = ['ok', 'outdated', 'unknown', 'corrupt', 'none'];
    for (const k of data.summary) {
      const tr = el('tr');
      tr.dataset.kind = k.kind;
      tr.append(el('td', '', k.kind));
      for (const state of order) {
        const td = el('td', 'num', k.servers[data.states.indexOf(state)]);
        td.dataset.state = state;
        tr.append(td);
      }
      const c = k.components;
      tr.append(el('td', 'num', `${c.compliant} / ${c.outdated} / ${c.unknown}`));
      tb.append(tr);
    }
    t.append(tb);
    const tot = data.totals;
    const catalog = data.catalog
      ? `${data.catalog.name || data.catalog.file} (${data.catalog.entries} entries)`
      : 'none';
    $('summary-note').textContent =
      `${tot.servers} servers (${tot.unreadable} unreadable, ${tot.notScanned} never scanned), ` +
      `${tot.outdatedCells} outdated and ${tot.corruptCells} corrupt server×kind cells; ` +
      `inventory read ${data.scannedAt || '?'}; catalog ${catalog}`;
  }

  function renderActing(data) {
    const t = $('acting-table');
    t.replaceChildren(
      head(['kind', 'vendor', 'line', 'servers', 'acting (lowest)', 'highest', 'target', 'converged']),
    );
    const tb = el('tbody');
    for (const a of data.acting) {
      let conv;
      if (a.incomparable) conv = el('span', 'bad', 'incomparable');
      else if (a.targets.length === 0) conv = el('span', 'muted', 'no target');
      else conv = el('span', a.converged ? 'yes' : 'no', a.converged ? 'yes' : 'no');
      if (a.incomparable) conv.title = a.incomparable;
      const tr = row([
        a.kind,
        a.vendor,
        a.label,
        a.servers,
        a.lowest || '—',
        a.highest || '—',
        a.targets.join(' | ') || '—',
        conv,
      ]);
      tr.dataset.line = a.key;
      tr.dataset.kind = a.kind;
      tb.append(tr);
    }
    t.append(tb);
  }

  function bar(p, small) {
    const b = el('div', small ? 'bar small' : 'bar');
    for (const s of SEGMENTS) {
      if (!p[s]) continue;
      const seg = el('div', `seg-${s}`);
      seg.style.width = `${(100 * p[s]) / Math.max(1, p.total)}%`;
      seg.title = `${s}: ${p[s]}`;
      b.append(seg);
    }
    return b;
  }

  /** Wave rows; many small waves (batch 1 over a big fleet) show those around the current one. */
  function waveRows(r, card) {
    const waves = el('div', 'waves');
    const at = r.waves.findIndex((w) => w.wave === r.currentWave);
    const focus = at < 0 ? r.waves.length - 1 : at;
    const from =
      r.waves.length > MAX_WAVES ? Math.max(0, Math.min(focus - 3, r.waves.length - MAX_WAVES)) : 0;
    const shown = r.waves.slice(from, from + MAX_WAVES);
    for (const w of shown) {
      waves.append(
        el('span', w.wave === r.currentWave ? 'cur' : '', w.wave === 0 ? 'canary' : `wave ${w.wave}`),
        bar(w, true),
        el('span', 'muted', `${w.done}/${w.total} done${w.failed ? `, ${w.failed} failed` : ''}`),
      );
    }
    card.append(waves);
    const hidden = r.waves.length - shown.length;
    if (hidden > 0) {
      const parts = [from && `${from} earlier`, hidden - from && `${hidden - from} later`];
      card.append(el('div', 'muted', `${parts.filter(Boolean).join(' and ')} waves not shown`));
    }
  }

  /** The acting versions the driver recorded, collapsed: a fleet has dozens of lines. */
  function actingDetails(r) {
    const converged = r.acting.filter((a) => a.converged).length;
    const details = el('details');
    details.open = openActing.has(r.id);
    details.addEventListener('toggle', () => {
      if (details.open) openActing.add(r.id);
      else openActing.delete(r.id);
    });
    details.append(el('summary', '', `acting versions: ${converged} of ${r.acting.length} lines at target`));
    const t = el('table');
    t.append(head(['kind', 'vendor', 'line', 'acting', 'target', 'converged']));
    const tb = el('tbody');
    for (const a of r.acting) {
      const label = el('span', '', a.label || a.line);
      label.title = a.line;
      const conv = el('span', a.converged ? 'yes' : 'no', a.converged ? 'yes' : 'no');
      tb.append(row([a.kind, a.vendor || '', label, a.lowest || '—', a.target || '—', conv]));
    }
    t.append(tb);
    details.append(t);
    return details;
  }

  function renderRollouts(data) {
    const box = $('rollout-list');
    box.replaceChildren();
    if (data.rollouts.length === 0) box.append(el('p', 'muted', 'No rollouts.'));
    for (const r of data.rollouts) {
      const card = el('div', 'rollout');
      card.dataset.rollout = r.id;
      const title = el('div');
      title.append(el('b', '', r.name), ' ', el('span', 'muted', `(${r.id})`), ' ');
      const st = el('span', r.status === 'completed' ? 'yes' : r.status === 'paused' ? 'bad' : '', r.status);
      st.dataset.status = r.status;
      title.append(st);
      if (r.currentWave !== undefined) title.append(el('span', 'muted', ` · wave ${r.currentWave}`));
      card.append(title);
      if (r.note) card.append(el('div', 'muted', r.note));
      card.append(bar(r.progress, false));
      const counts = el('div', 'counts');
      for (const s of SEGMENTS) {
        const c = el('span');
        const n = el('b', '', r.progress[s]);
        n.dataset.count = s;
        c.append(el('span', 'k', `${s} `), n);
        counts.append(c);
      }
      counts.append(el('span', 'muted', `of ${r.progress.total} servers`));
      card.append(counts);
      waveRows(r, card);
      for (const f of r.failed) {
        const line = el('div', 'bad', `failed: ${f.server}`);
        if (f.detail) line.append(el('span', 'muted', ` — ${f.detail}`));
        card.append(line);
      }
      if (r.acting.length) card.append(actingDetails(r));
      box.append(card);
    }
  }

  FW.tables = { renderProblems, renderSummary, renderActing, renderRollouts };
})();
