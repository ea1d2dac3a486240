// The Raft timeline page (timeline.html in a kept test folder): the test's
// name and verdict, what went wrong, a legend, the drawn timeline, and a
// small script for a time cursor and for keeping a tooltip below the
// picture. One self-contained file. Pure: the same record, the same bytes.

import { escapeMarkup } from '../../../../src/kit/escape';
import type { Recorder } from '../aids/record';
import { COLOURS, drawTimeline } from './drawing';
import { layoutTimeline } from './layout';

export function timelinePage(record: Recorder, title: string, passed: boolean, notes: string[]): string {
  const layout = layoutTimeline(record);
  const verdict = passed ? 'PASS' : 'FAIL';
  const stood = record.marks.filter((m) => m.kind === 'stand').length;
  const crashes = record.marks.filter((m) => m.kind === 'crash').length;
  const summary =
    `${record.n} peers, ${(record.endUs / 1e6).toFixed(1)} s of virtual time, ${stood} candidacies, ` +
    `${crashes} crashes, ${record.commits.length} indexes committed`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeMarkup(title)}: timeline</title>
<style>
body { font: 13px system-ui, sans-serif; margin: 16px; color: #222; }
h1 { font-size: 18px; margin: 0 0 4px; }
.pass { color: #2e7d32; } .fail { color: #c62828; }
.notes { margin: 6px 0; padding: 6px 10px; background: #fff4f4; border-left: 3px solid #c62828; white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: 12px; }
.legend { margin: 8px 0; display: flex; gap: 16px; flex-wrap: wrap; align-items: center; }
.sw { display: inline-block; width: 18px; height: 10px; border-radius: 2px; }
.wrap { overflow-x: auto; border: 1px solid #ddd; }
#details { min-height: 3em; margin: 8px 0; padding: 6px 10px; background: #f4f6f8; font-family: ui-monospace, monospace; font-size: 12px; white-space: pre-wrap; }
</style>
</head>
<body>
<h1>${escapeMarkup(title)}: <span class="${verdict.toLowerCase()}">${verdict}</span></h1>
<div>${escapeMarkup(summary)}; roles as the peers' messages show them; time in virtual seconds. Hover for details, click to keep them below.</div>
${notes.length ? `<div class="notes">${escapeMarkup(notes.join('\n'))}</div>` : ''}
<div class="legend">
<span><i class="sw" style="background:${COLOURS.follower}"></i> follower</span>
<span><i class="sw" style="background:${COLOURS.candidate}"></i> candidate</span>
<span><i class="sw" style="background:${COLOURS.leader}"></i> leader (its term)</span>
<span><i class="sw" style="height:3px;background:${COLOURS.cutOff}"></i> cut off by the tester</span>
<span><b style="color:${COLOURS.stand}">▲</b> stood for election</span>
<span><b style="color:${COLOURS.crash}">✕</b> crashed</span>
<span><b style="color:${COLOURS.cut}">✕</b> crashed inside a step (right after a save, a send or an answer)</span>
<span><b style="color:${COLOURS.boot}">↻</b> restarted</span>
<span><i class="sw" style="width:2px;background:${COLOURS.commit}"></i> an index first applied</span>
</div>
<div class="wrap">
${drawTimeline(layout)}
</div>
<div id="details">(click a mark)</div>
<script>
(function () {
  var svg = document.getElementById('tl'), cursor = document.getElementById('cursor'), label = document.getElementById('cursor-t');
  var details = document.getElementById('details');
  var X0 = ${layout.plot.left}, W = ${layout.plot.width}, SPAN = ${layout.plot.spanMs};
  function local(ev) { var pt = svg.createSVGPoint(); pt.x = ev.clientX; pt.y = ev.clientY; return pt.matrixTransform(svg.getScreenCTM().inverse()); }
  svg.addEventListener('mousemove', function (ev) {
    var p = local(ev);
    var on = p.x >= X0 && p.x <= X0 + W;
    cursor.setAttribute('visibility', on ? 'visible' : 'hidden'); label.setAttribute('visibility', on ? 'visible' : 'hidden');
    if (!on) return;
    cursor.setAttribute('x1', p.x); cursor.setAttribute('x2', p.x); label.setAttribute('x', p.x + 4);
    label.textContent = ((p.x - X0) / W * SPAN / 1000).toFixed(3) + ' s';
  });
  svg.addEventListener('click', function (ev) {
    for (var el = ev.target; el && el !== svg; el = el.parentNode) {
      var t = el.querySelector ? el.querySelector(':scope > title') : null;
      if (t) { details.textContent = t.textContent; return; }
    }
  });
  document.body.dataset.lanes = String(document.querySelectorAll('.lane').length);
  document.body.dataset.rendered = 'ok';
})();
</script>
</body>
</html>
`;
}
