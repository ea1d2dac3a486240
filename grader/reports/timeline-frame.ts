// A timeline page's frame, the same for every lab (timeline.html in a kept
// test folder): the test's name and verdict, a summary line, the diagnosis,
// the legend, the lab's drawing (an SVG with a time cursor), and a small
// script: the cursor follows the mouse, and a click keeps the tooltip of
// what was clicked below the picture. One self-contained file (inline CSS
// and script, nothing fetched), so that a student can open it from the
// folder. Pure: the same page, the same bytes. The body records script
// errors and the lanes drawn in data attributes, for the kit's browser test.

import { escapeMarkup } from '../../src/kit/escape';

export interface TimelinePage {
  title: string;
  passed: boolean;
  /** The line under the title, as text. */
  summary: string;
  /** The words that end it, the lab's constant, markup: how to read the page ("time in seconds from the test's start"). */
  reading: string;
  /** The diagnosis, as text. */
  notes: string[];
  /** The legend's entries, markup. */
  legend: string;
  /** The drawing: an SVG #tl holding a line #cursor and a text #cursor-t. */
  drawing: string;
  /** Where the drawing's time axis is, for the cursor: its left edge and width, and the span it shows (ms). */
  plot: { left: number; width: number; spanMs: number };
  /** What the details box says before a click ("(click a mark)"). */
  prompt: string;
  /** The lab's own style lines (what its marks do on hover). */
  style?: string;
  /** The lab's own lines of the script, in its scope (svg, details ...), before it says it rendered. */
  script?: string;
}

/** Colours of the verdict (and of the diagnosis's border). */
const PASS = '#2e7d32';
const FAIL = '#c62828';

export function timelineFrame(page: TimelinePage): string {
  const verdict = page.passed ? 'PASS' : 'FAIL';
  const style = [STYLE, ...(page.style ? [page.style] : []), DETAILS_STYLE].join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeMarkup(page.title)}: timeline</title>
<style>
${style}
</style>
</head>
<body>
<script>window.onerror = function (m) { var b = document.body; b.dataset.errors = (b.dataset.errors ? b.dataset.errors + ' | ' : '') + m; };</script>
<h1>${escapeMarkup(page.title)}: <span class="${verdict.toLowerCase()}">${verdict}</span></h1>
<div>${escapeMarkup(page.summary)}; ${page.reading}. Hover for details, click to keep them below.</div>
${page.notes.length ? `<div class="notes">${escapeMarkup(page.notes.join('\n'))}</div>` : ''}
<div class="legend">
${page.legend}
</div>
<div class="wrap">
${page.drawing}
</div>
<div id="details">${escapeMarkup(page.prompt)}</div>
<script>
(function () {
  var svg = document.getElementById('tl');
  var cursor = document.getElementById('cursor');
  var label = document.getElementById('cursor-t');
  var details = document.getElementById('details');
  var X0 = ${page.plot.left}, W = ${page.plot.width}, SPAN = ${page.plot.spanMs};
${SCRIPT}
  document.body.dataset.lanes = String(document.querySelectorAll('.lane').length);
${page.script ? `${page.script}\n` : ''}  if (!document.body.dataset.errors) document.body.dataset.rendered = 'ok';
})();
</script>
</body>
</html>
`;
}

const STYLE = `body { font: 13px system-ui, sans-serif; margin: 16px; color: #222; }
h1 { font-size: 18px; margin: 0 0 4px; }
.pass { color: ${PASS}; } .fail { color: ${FAIL}; }
.notes { margin: 6px 0; padding: 6px 10px; background: #fff4f4; border-left: 3px solid ${FAIL}; white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: 12px; }
.legend { margin: 8px 0; display: flex; gap: 16px; flex-wrap: wrap; align-items: center; }
.legend span { display: inline-flex; align-items: center; gap: 5px; }
.sw { display: inline-block; width: 18px; height: 10px; border-radius: 2px; }
.wrap { overflow-x: auto; border: 1px solid #ddd; }`;

const DETAILS_STYLE = `#details { min-height: 3em; margin: 8px 0; padding: 6px 10px; background: #f4f6f8; font-family: ui-monospace, monospace; font-size: 12px; white-space: pre-wrap; }`;

/** The time cursor, and a click keeping the tooltip of what was clicked below the picture. */
const SCRIPT = `  function local(ev) {
    var pt = svg.createSVGPoint(); pt.x = ev.clientX; pt.y = ev.clientY;
    return pt.matrixTransform(svg.getScreenCTM().inverse());
  }
  svg.addEventListener('mousemove', function (ev) {
    var p = local(ev);
    if (p.x < X0 || p.x > X0 + W) { cursor.setAttribute('visibility', 'hidden'); label.setAttribute('visibility', 'hidden'); return; }
    cursor.setAttribute('x1', p.x); cursor.setAttribute('x2', p.x); cursor.setAttribute('visibility', 'visible');
    label.setAttribute('x', p.x + 4); label.setAttribute('visibility', 'visible');
    label.textContent = '+' + ((p.x - X0) / W * SPAN / 1000).toFixed(3) + 's';
  });
  svg.addEventListener('mouseleave', function () { cursor.setAttribute('visibility', 'hidden'); label.setAttribute('visibility', 'hidden'); });
  svg.addEventListener('click', function (ev) {
    var el = ev.target;
    while (el && el !== svg) {
      var t = el.querySelector ? el.querySelector(':scope > title') : null;
      if (t) { details.textContent = t.textContent; return; }
      el = el.parentNode;
    }
  });`;
