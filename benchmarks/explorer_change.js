// One explorer change in JupyterLab, timed in the page (performance.now()).
// Called by benchmarks/bench.py through Playwright's page.evaluate with
// [explorer index, select index, choice, timeout ms]; choice is an option
// index (dropdown) or a list of option indices (multiple select).
//
// Done = the explorer's Output widget shows a new result: every chart in it
// is a new plot (or an old one with new data) that has drawn its SVG and
// been painted, or, for a table/HTML result, its markup changed and painted.
// Split (ms):
//   roundtrip: change event -> the new output reaches the page (widget
//              message to the kernel, the callback, the new outputs back,
//              output area rebuilt) = first plotly.js call, or first DOM
//              change when the result has no chart;
//   plotly:    first plotly.js call -> the last call's promise resolved;
//   paint:     -> the next animation frame (style, layout and paint).
// A table/HTML result is done at the last DOM change of its new output (once
// a frame has passed without another one); it has no plotly or paint part.
async ([explorerIndex, selectIndex, choice, timeoutMs]) => {
  const root = window.jupyterapp.shell.currentWidget.node;
  const boxes = Array.from(root.querySelectorAll('.jp-OutputArea-output > .widget-vbox'))
    .filter((b) => b.querySelector('.widget-output') && b.querySelector('select'));
  const box = boxes[explorerIndex];
  const out = box.querySelector('.widget-output');
  const select = box.querySelectorAll('select')[selectIndex];
  const P = window.Plotly;
  const calls = (window.__spinePlotlyCalls = window.__spinePlotlyCalls || []);
  if (P && !P.__spineWrapped) {
    for (const name of ['newPlot', 'react', 'relayout', 'redraw', 'restyle', 'update']) {
      const original = P[name];
      P[name] = function (...args) {
        const call = { name, start: performance.now(), end: null };
        calls.push(call);
        const result = original.apply(this, args);
        Promise.resolve(result).then(() => { call.end = performance.now(); });
        return result;
      };
    }
    P.__spineWrapped = true;
  }
  const oldPlots = new Map(Array.from(out.querySelectorAll('.js-plotly-plot')).map((g) => [g, g.data]));
  const oldText = out.textContent;
  // A chart result is replaced by a chart (explorers keep their kind of result).
  const expectCharts = oldPlots.size > 0;
  const callsBefore = calls.length;
  let first = null;
  const t0 = performance.now();
  let last = null;
  const observer = new MutationObserver(() => { last = performance.now(); if (first === null) first = last; });
  observer.observe(out, { childList: true, subtree: true, characterData: true });
  let resolveDone;
  const done = new Promise((resolve) => { resolveDone = resolve; });
  let finished = false;
  function check() {
    if (finished) return;
    let now = performance.now();
    const plots = Array.from(out.querySelectorAll('.js-plotly-plot'));
    const mine = calls.slice(callsBefore);
    let ready;
    if (expectCharts) {
      ready = plots.length > 0 && plots.every((g) => (!oldPlots.has(g) || oldPlots.get(g) !== g.data)
        && g.querySelector('.main-svg') && g._fullLayout)
        && mine.length > 0 && mine.every((c) => c.end !== null);
    } else {
      // New text shown, and a whole frame has passed since the last DOM change.
      const shown = out.querySelector('.jp-OutputArea-output');
      ready = first !== null && !!shown && shown.textContent.trim().length > 0 && out.textContent !== oldText
        && now - last > 16;
    }
    if (ready || now - t0 > timeoutMs) {
      finished = true;
      if (ready && !expectCharts) now = last;  // done when the last change was made
      observer.disconnect();
      const plotStart = mine.length ? Math.min(...mine.map((c) => c.start)) : null;
      const plotEnd = mine.length && mine.every((c) => c.end !== null) ? Math.max(...mine.map((c) => c.end)) : null;
      resolveDone({
        timeout: !ready,
        total: now - t0,
        roundtrip: plotStart !== null ? plotStart - t0 : (first === null ? null : first - t0),
        plotly: plotStart === null || plotEnd === null ? null : plotEnd - plotStart,
        paint: plotEnd !== null ? now - plotEnd : null,
        calls: mine.map((c) => c.name),
        charts: plots.length,
      });
      return;
    }
    requestAnimationFrame(check);
  }
  if (select.multiple) {
    Array.from(select.options).forEach((o, i) => { o.selected = choice.includes(i); });
  } else {
    select.selectedIndex = choice;
  }
  select.dispatchEvent(new Event('change', { bubbles: true }));
  requestAnimationFrame(check);
  return await done;
}
