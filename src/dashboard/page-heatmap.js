/*
 * Dashboard browser side, part 3 of 4: the heatmap. One block per group (site / rack), at most
 * MAX_BLOCK servers wide; in a block each server is a column with a rollout marker on top and one
 * cell per component kind, so 1,000 servers × 7 kinds fit in about two laptop screens. Hover gives
 * the cell's versions, a click the server's detail; the filter box and state filter narrow it.
 */
(() => {
  globalThis.firmwardenDashboard ??= {};
  const FW = globalThis.firmwardenDashboard;
  const { $, el, row, head, str, stateText } = FW.dom;
  const MAX_BLOCK = 40; // servers per block: a rack of 40 fits half a laptop screen's width
  const KIND_SHORT = {
    bmc: 'BMC',
    bios: 'BIOS',
    cpld: 'CPLD',
    storage: 'STOR',
    nic: 'NIC',
    drive: 'DRV',
    psu: 'PSU',
    management: 'MGMT',
    other: 'OTH',
  };
  let drawn = ''; // what the heatmap shows now: redraw only when data or filters change
  let selected = null;

  function matches(data, s, text, state) {
    if (state === 'problem' && !/[234]/.test(s.s)) return false;
    if (state !== 'all' && state !== 'problem' && !s.s.includes(String(data.states.indexOf(state))))
      return false;
    if (!text) return true;
    const hay = `${s.n} ${s.g} ${s.v || ''} ${s.m || ''}`.toLowerCase();
    return text
      .toLowerCase()
      .split(/\s+/)
      .every((w) => hay.includes(w));
  }

  function tooltip(data, s, k) {
    const kind = data.kinds[k];
    const lines = [`${s.n} · ${kind}: ${stateText(data.states[Number(s.s[k])])}`];
    const inst = str(data, s.i[k]);
    const tgt = str(data, s.t[k]);
    if (inst || tgt) lines.push(`installed ${inst || '—'} · target ${tgt || '—'}`);
    if (s.x?.[kind]) lines.push(s.x[kind]);
    if (s.x?.['*']) lines.push(s.x['*']);
    if (s.r) lines.push(`rollout: ${s.r}`);
    lines.push([s.g, s.v, s.m].filter(Boolean).join(' · '));
    return lines.join('\n');
  }

  function block(data, group, total, at, part) {
    const b = el('div', 'hm-block');
    b.dataset.group = group;
    const h = el('div', 'hm-head');
    h.append(el('b', '', group), ` ${total} server${total === 1 ? '' : 's'}`);
    if (total > MAX_BLOCK) h.append(` (${at + 1}–${at + part.length})`);
    b.append(h);
    const grid = el('div', 'hm-grid');
    grid.style.gridTemplateRows = `4px repeat(${data.kinds.length}, var(--cell))`;
    grid.append(el('span'));
    for (const k of data.kinds) {
      const l = el('span', 'kl', KIND_SHORT[k] || k);
      l.title = k;
      grid.append(l);
    }
    for (const s of part) {
      const mk = el('span', s.r ? `mk mk-${s.r}` : 'mk');
      if (s.r) mk.title = `${s.n}: rollout ${s.r}`;
      grid.append(mk);
      for (let k = 0; k < data.kinds.length; k++) {
        const c = el('span', `c st-${data.states[Number(s.s[k])]}`);
        c.dataset.server = s.n;
        c.dataset.kind = data.kinds[k];
        c.title = tooltip(data, s, k);
        if (s.n === selected) c.classList.add('sel');
        grid.append(c);
      }
    }
    b.append(grid);
    return b;
  }

  function render(data) {
    const text = $('filter').value.trim();
    const state = $('state-filter').value;
    const key = `${JSON.stringify([data.kinds, data.strings, data.servers])}|${text}|${state}`;
    if (key === drawn) return;
    drawn = key;
    const shown = data.servers.filter((s) => matches(data, s, text, state));
    const groups = new Map();
    for (const s of shown) {
      if (!groups.has(s.g)) groups.set(s.g, []);
      groups.get(s.g).push(s);
    }
    const frag = document.createDocumentFragment();
    for (const [g, list] of groups) {
      for (let at = 0; at < list.length; at += MAX_BLOCK) {
        frag.append(block(data, g, list.length, at, list.slice(at, at + MAX_BLOCK)));
      }
    }
    $('groups').replaceChildren(frag);
    $('shown').textContent = `showing ${shown.length} of ${data.servers.length} servers`;
  }

  function renderDetail(data) {
    const box = $('detail');
    const s = selected && data.servers.find((x) => x.n === selected);
    if (!s) {
      box.replaceChildren();
      return;
    }
    const h = el('h3', '', s.n);
    const about = [s.g, s.v, s.m, s.r && `rollout ${s.r}`].filter(Boolean).join(' · ');
    h.append(el('span', 'muted', `  ${about}`));
    const t = el('table');
    t.append(head(['kind', 'state', 'installed', 'target', 'note']));
    const tb = el('tbody');
    data.kinds.forEach((kind, k) => {
      const state = data.states[Number(s.s[k])];
      const sw = el('span');
      sw.append(el('span', `sw st-${state}`), ` ${stateText(state)}`);
      tb.append(row([kind, sw, str(data, s.i[k]) || '—', str(data, s.t[k]) || '—', s.x?.[kind] || '']));
    });
    t.append(tb);
    box.replaceChildren(h, t);
    if (s.x?.['*']) box.append(el('p', 'bad', s.x['*']));
  }

  /** Marks a server's cells selected and shows its detail. */
  function select(data, name) {
    selected = name;
    for (const cell of document.querySelectorAll('#groups .c')) {
      cell.classList.toggle('sel', cell.dataset.server === name);
    }
    renderDetail(data);
  }

  FW.heatmap = { render, renderDetail, select };
})();
