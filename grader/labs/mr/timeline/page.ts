// The timeline page (timeline.html in a kept test folder): the test's name and
// verdict, a summary line, the diagnosis, a legend, the drawn timeline, and a
// small script for a time cursor and for keeping a tooltip below the picture.
// One self-contained file (inline CSS and script, nothing fetched), so that a
// student can open it from the folder. `timelinePage` is pure: the same data
// always gives the same bytes.

import * as path from 'path';
import { writeFresh } from '../../../sandbox/files';
import { escapeMarkup } from '../../../../src/kit/escape';
import type { ProcessRecord, TimelineData } from './data';
import { COLOURS, drawTimeline, SERVER_COLOURS } from './drawing';
import { layoutTimeline } from './layout';
import { type Fetch, type MapFate, mapFates, pairFetches } from './shuffle';
import { formatBytes, seconds } from './wording';

/** Writes timeline.html into `dir`; returns its path. */
export function writeTimeline(dir: string, data: TimelineData): string {
  const file = path.join(dir, 'timeline.html');
  writeFresh(file, timelinePage(data));
  return file;
}

/** The page. */
export function timelinePage(data: TimelineData): string {
  const layout = layoutTimeline(data);
  const fetches = data.processes.flatMap((p) => pairFetches(p.fetches ?? []));
  const fates = [...mapFates(data.processes).values()];
  const verdict = data.passed ? 'PASS' : 'FAIL';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeMarkup(data.title)}: timeline</title>
<style>
${STYLE}
</style>
</head>
<body>
<script>window.onerror = function (m) { var b = document.body; b.dataset.errors = (b.dataset.errors ? b.dataset.errors + ' | ' : '') + m; };</script>
<h1>${escapeMarkup(data.title)}: <span class="${verdict.toLowerCase()}">${verdict}</span></h1>
<div>${escapeMarkup(summary(data, layout.plot.spanMs) + shuffleSummary(fetches, fates))}; time in seconds from the test's start. Hover for details, click to keep them below.</div>
${data.notes.length ? `<div class="notes">${escapeMarkup(data.notes.join('\n'))}</div>` : ''}
<div class="legend">
${LEGEND}
${shuffleLegend(fetches, fates)}
</div>
<div class="wrap">
${drawTimeline(layout)}
</div>
<div id="details">(click a bar or a mark)</div>
<script>
(function () {
  var svg = document.getElementById('tl');
  var cursor = document.getElementById('cursor');
  var label = document.getElementById('cursor-t');
  var details = document.getElementById('details');
  var X0 = ${layout.plot.left}, W = ${layout.plot.width}, SPAN = ${layout.plot.spanMs};
${SCRIPT}
})();
</script>
</body>
</html>
`;
}

const STYLE = `body { font: 13px system-ui, sans-serif; margin: 16px; color: #222; }
h1 { font-size: 18px; margin: 0 0 4px; }
.pass { color: ${COLOURS.cleanExit}; } .fail { color: ${COLOURS.failed}; }
.notes { margin: 6px 0; padding: 6px 10px; background: #fff4f4; border-left: 3px solid ${COLOURS.failed}; white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: 12px; }
.legend { margin: 8px 0; display: flex; gap: 16px; flex-wrap: wrap; align-items: center; }
.legend span { display: inline-flex; align-items: center; gap: 5px; }
.sw { display: inline-block; width: 18px; height: 10px; border-radius: 2px; }
.wrap { overflow-x: auto; border: 1px solid #ddd; }
.bar:hover, .crash:hover, .signal:hover, .exit:hover, .fetch:hover { opacity: .75; }
#details { min-height: 3em; margin: 8px 0; padding: 6px 10px; background: #f4f6f8; font-family: ui-monospace, monospace; font-size: 12px; white-space: pre-wrap; }`;

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
  });
  document.body.dataset.lanes = String(document.querySelectorAll('.lane').length);
  document.body.dataset.workerLanes = String(document.querySelectorAll('.lane-worker').length);
  if (!document.body.dataset.errors) document.body.dataset.rendered = 'ok';`;

/** The legend's entries for what every timeline may show. */
const LEGEND = `<span><i class="sw" style="background:${COLOURS.life}"></i>process alive</span>
<span><i class="sw" style="background:${COLOURS.map}"></i>map call</span>
<span><i class="sw" style="background:${COLOURS.reduce}"></i>reduce calls (a run of one task)</span>
<span><i class="sw" style="background:repeating-linear-gradient(45deg,${COLOURS.failed} 0 3px,#f4b4b4 3px 6px)"></i>call that never returned</span>
<span><b style="color:${COLOURS.failed}">✕</b> exit ≠ 0 or by a signal</span>
<span><b style="color:${COLOURS.cleanExit}">●</b> exit 0</span>
<span><b>▼</b> SIGKILL from the grader</span>
<span><b style="color:${COLOURS.held}">▼</b> SIGSTOP</span>
<span><b style="color:${COLOURS.cleanExit}">↻</b> restarted worker</span>`;

/** The summary's words on processes, calls and exits. */
function summary(data: TimelineData, spanMs: number): string {
  const workers = data.processes.filter((p) => p.kind === 'worker');
  const calls = workers.reduce((n, p) => n + p.calls.filter((c) => c.event === 'start').length, 0);
  const crashes = data.processes.filter((p) => p.exit && (p.exit.code !== 0 || p.exit.signal !== null)).length;
  return (
    `${workers.length} worker process${workers.length === 1 ? '' : 'es'}, ${calls} map/reduce calls, ` +
    `${crashes} exit${crashes === 1 ? '' : 's'} with an error or a signal, ${seconds(spanMs)} shown`
  );
}

/** The summary's words on fetches and maps run again; nothing when there were none. */
function shuffleSummary(fetches: Fetch[], fates: Array<MapFate<ProcessRecord>>): string {
  let text = '';
  if (fetches.length) {
    const failed = fetches.filter((fe) => fe.failed).length;
    const bytes = fetches.reduce((n, fe) => n + (fe.bytes ?? 0), 0);
    text += `, ${fetches.length} fetches between workers (${failed} failed, ${formatBytes(bytes)} fetched)`;
  }
  const lost = fates.filter((fate) => fate.lost).length;
  const rerun = fates.filter((fate) => fate.rerun?.after).length;
  const again = fates.filter((fate) => fate.rerun && !fate.rerun.after).length;
  if (lost || rerun)
    text += `, ${lost} finished map${lost === 1 ? '' : 's'} lost with a killed worker, ${rerun} re-run`;
  if (again) text += `, ${again} other map run${again === 1 ? '' : 's'} of a task that had already started`;
  return text;
}

/** The legend's entries for what the challenge track adds, shown only when the page has some. */
function shuffleLegend(fetches: Fetch[], fates: Array<MapFate<ProcessRecord>>): string {
  const entry = (style: string, what: string): string => `<span><i class="sw" style="${style}"></i>${what}</span>`;
  const entries: string[] = [];
  if (fetches.length) {
    entries.push(entry(`height:4px;background:${SERVER_COLOURS[0]}`, "fetch (in the colour of the server's ■)"));
    entries.push(entry(`height:4px;background:${COLOURS.failed}`, 'failed fetch'));
  }
  if (fates.some((fate) => fate.lost)) {
    entries.push(
      entry(
        `background:rgba(31,119,180,.35);outline:1.5px dashed ${COLOURS.failed}`,
        'map output lost with a killed worker',
      ),
    );
  }
  if (fates.some((fate) => fate.rerun?.after)) {
    entries.push(entry(`background:${COLOURS.map};outline:2px solid ${COLOURS.failed}`, 'map re-run after the loss'));
  }
  if (fates.some((fate) => fate.rerun && !fate.rerun.after)) {
    entries.push(
      entry(`background:${COLOURS.map};outline:1.5px solid #111`, 'map task run again (a backup, or given out again)'),
    );
  }
  return entries.join('\n');
}
