/*
 * Dashboard browser side, part 1 of 4 (page.ts inlines page-dom, page-tables, page-heatmap and
 * page-main, in that order, into one script). DOM helpers: every server name, version and error
 * text reaches the page through textContent or title, never innerHTML.
 */
(() => {
  globalThis.firmwardenDashboard ??= {};
  const FW = globalThis.firmwardenDashboard;

  const $ = (id) => document.getElementById(id);

  /** Creates an element with a class and text (textContent: data never becomes markup). */
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  /** A table row: strings and numbers become text cells, nodes are put in as they are. */
  function row(cells, cls) {
    const tr = el('tr', cls);
    for (const c of cells) {
      if (c instanceof Node) {
        const td = el('td');
        td.append(c);
        tr.append(td);
      } else tr.append(el('td', typeof c === 'number' ? 'num' : '', c));
    }
    return tr;
  }

  function head(names) {
    const tr = el('tr');
    for (const n of names) tr.append(el('th', '', n));
    const thead = el('thead');
    thead.append(tr);
    return thead;
  }

  /** An interned string of DashboardData (versions), '' for -1. */
  function str(data, i) {
    return i >= 0 ? data.strings[i] : '';
  }

  /** A state name as people read it. */
  function stateText(state) {
    return state === 'ok' ? 'up to date' : state;
  }

  FW.dom = { $, el, row, head, str, stateText };
})();
