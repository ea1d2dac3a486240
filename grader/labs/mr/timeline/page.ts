// The MapReduce timeline page (timeline.html in a kept test folder), in the
// frame every lab's timeline shares (grader/reports/timeline-frame.ts): its
// summary of processes, calls, exits and fetches, its legend, its drawing.
// `timelinePage` is pure: the same data always gives the same bytes.

import * as path from 'path';
import { writeFresh } from '../../../sandbox/files';
import { timelineFrame } from '../../../reports/timeline-frame';
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
  return timelineFrame({
    title: data.title,
    passed: data.passed,
    summary: summary(data, layout.plot.spanMs) + shuffleSummary(fetches, fates),
    reading: "time in seconds from the test's start",
    notes: data.notes,
    legend: `${LEGEND}\n${shuffleLegend(fetches, fates)}`,
    drawing: drawTimeline(layout),
    plot: layout.plot,
    prompt: '(click a bar or a mark)',
    style: '.bar:hover, .crash:hover, .signal:hover, .exit:hover, .fetch:hover { opacity: .75; }',
    script: "  document.body.dataset.workerLanes = String(document.querySelectorAll('.lane-worker').length);",
  });
}

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
