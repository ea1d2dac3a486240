// The timeline of one test (timeline.html in its kept folder): the
// coordinator's lifetime on top, one lane per worker process, each map and
// reduce call as a bar (from the workers' $MR_TRACE files), crashes, exits
// and the signals the grader sent. One self-contained page: inline CSS,
// an SVG drawn here, and a small script for a time cursor and details.
// `buildTimeline` is a pure function (data -> HTML), tested on its own.

import * as path from 'path';
import type { Job } from '../job';
import type { SignalRecord } from '../processes';
import { writeFresh } from '../sandbox/files';
import { readTrace } from '../traces';
import { escapeMarkup } from '../../src/kit/escape';
import { compareCodePoints } from '../../src/kit/order';
import type { TaskEvent } from '../../src/kit/trace-format';

/** A map or reduce call's start or end, from a worker's $MR_TRACE file. */
export type TraceEvent = TaskEvent;

export interface ProcessRecord {
  role: string; // "coordinator", "worker 3"
  pid: number;
  kind: 'coordinator' | 'worker' | 'other';
  startedAt: number; // ms since the epoch
  exit?: { at: number; code: number | null; signal: string | null };
  timedOut: boolean;
  signals: SignalRecord[];
  /** Crash test: the restart loop that started it (1-based), if any. */
  loop?: number;
  /** Its map and reduce calls, in file order. */
  calls: TraceEvent[];
}

export interface TimelineData {
  title: string; // "crash test"
  passed: boolean;
  notes: string[]; // the diagnosis
  t0: number; // the test's start
  t1: number; // the end of the picture
  processes: ProcessRecord[];
}

/** A bar on a lane: one map call, or a run of reduce calls of one task. */
export interface Bar {
  phase: 'map' | 'reduce';
  start: number;
  end: number;
  inputs: string[]; // map: [file]; reduce: the keys, in order
  longest: number; // ms, the longest single call
  /** The call never ended (the process died in it), or it threw. */
  failed?: 'no end' | 'error';
}

const REDUCE_GAP_MS = 50; // reduce calls closer than this (and in key order) form one bar

/** Pairs start and end events into bars, merging contiguous reduce calls of one task. */
export function bars(calls: TraceEvent[], exitAt: number | undefined, t1: number): Bar[] {
  const out: Bar[] = [];
  let open: TraceEvent | undefined;
  let run: Bar | undefined; // the reduce run being extended
  const close = (bar: Bar): void => {
    if (
      bar.phase === 'reduce' &&
      !bar.failed &&
      run &&
      bar.start - run.end <= REDUCE_GAP_MS &&
      compareCodePoints(run.inputs[run.inputs.length - 1], bar.inputs[0]) < 0
    ) {
      run.end = bar.end;
      run.inputs.push(...bar.inputs);
      run.longest = Math.max(run.longest, bar.longest);
      return;
    }
    out.push(bar);
    run = bar.phase === 'reduce' && !bar.failed ? bar : undefined;
  };
  for (const e of calls) {
    if (e.event === 'start') {
      if (open) close(unfinished(open, e.time));
      open = e;
    } else if (open && open.phase === e.phase && open.input === e.input) {
      const bar: Bar = {
        phase: e.phase,
        start: open.time,
        end: e.time,
        inputs: [e.input],
        longest: e.time - open.time,
      };
      if (e.outcome === 'error') bar.failed = 'error';
      close(bar);
      open = undefined;
    }
  }
  if (open) close(unfinished(open, exitAt ?? t1));
  return out;
}

function unfinished(e: TraceEvent, until: number): Bar {
  const end = Math.max(e.time, until);
  return { phase: e.phase, start: e.time, end, inputs: [e.input], longest: end - e.time, failed: 'no end' };
}

/** What a job recorded, as timeline data. */
export function timelineData(job: Job, title: string, passed: boolean, notes: string[]): TimelineData {
  const processes: ProcessRecord[] = job.procs.map((p) => {
    const trace = job.traceFiles.get(p);
    return {
      role: p.role,
      pid: p.pid,
      kind: p === job.coordinator ? 'coordinator' : trace !== undefined ? 'worker' : 'other',
      startedAt: p.startedAt,
      exit: p.exit && { at: p.exit.at, code: p.exit.code, signal: p.exit.signal },
      timedOut: p.timedOut,
      signals: [...p.signals],
      loop: job.restartedBy.get(p),
      calls: trace ? readTrace(trace) : [],
    };
  });
  let t1 = Date.now();
  for (const p of processes) t1 = Math.max(t1, p.exit?.at ?? 0);
  return { title, passed, notes, t0: job.startedAt, t1, processes };
}

/** Writes timeline.html into the job's folder; returns its path. */
export function writeTimeline(job: Job, title: string, passed: boolean, notes: string[]): string {
  const file = path.join(job.dir, 'timeline.html');
  writeFresh(file, buildTimeline(timelineData(job, title, passed, notes)));
  return file;
}

// ---- drawing --------------------------------------------------------------

const WIDTH = 1360;
const LABEL_W = 190;
const PLOT_W = WIDTH - LABEL_W - 30;
const AXIS_H = 34;
const LANE_H = 24;
const BAR_H = 14;

/** A name for the tooltip: quoted, control characters shown, long ones cut. */
function shown(s: string, max = 80): string {
  const clean = JSON.stringify(s); // quotes, escapes control characters
  return clean.length > max ? clean.slice(0, max - 2) + '…"' : clean;
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

function niceStep(span: number): number {
  const target = span / 12;
  for (const s of [100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000]) {
    if (s >= target) return s;
  }
  return 600_000;
}

function describeExit(p: ProcessRecord): string {
  if (!p.exit) return 'still running at the end';
  if (p.timedOut) return `killed at its time limit (${p.exit.signal ?? `status ${p.exit.code}`})`;
  if (p.exit.signal) return `killed by ${p.exit.signal}`;
  return `exited with status ${p.exit.code}`;
}

/** The page. Pure: the same data always gives the same HTML. */
export function buildTimeline(data: TimelineData): string {
  const t0 = data.t0;
  const span = Math.max(1, data.t1 - t0);
  const x = (t: number): number => LABEL_W + ((Math.min(Math.max(t, t0), data.t1) - t0) / span) * PLOT_W;
  const rel = (t: number): string => `+${((t - t0) / 1000).toFixed(3)}s`;
  const f = (n: number): string => n.toFixed(1);

  const coordinators = data.processes.filter((p) => p.kind === 'coordinator');
  const rest = data.processes.filter((p) => p.kind !== 'coordinator').sort((a, b) => a.startedAt - b.startedAt);
  const lanes = [...coordinators, ...rest];
  const height = AXIS_H + lanes.length * LANE_H + 12;

  // Which loop started a worker first (later ones of that loop are restarts).
  const seenLoop = new Set<number>();
  const svg: string[] = [];
  svg.push(
    `<svg id="tl" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
  );
  svg.push(
    `<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f4b4b4"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c62828" stroke-width="3"/></pattern></defs>`,
  );

  // Axis and grid.
  const step = niceStep(span);
  svg.push(`<g class="axis">`);
  for (let t = 0; t <= span + 1e-6; t += step) {
    const gx = f(LABEL_W + (t / span) * PLOT_W);
    svg.push(`<line x1="${gx}" y1="${AXIS_H - 6}" x2="${gx}" y2="${height - 8}" stroke="#e3e3e3"/>`);
    svg.push(
      `<text x="${gx}" y="${AXIS_H - 10}" text-anchor="middle" fill="#555">${(t / 1000).toFixed(step < 1000 ? 1 : 0)}s</text>`,
    );
  }
  svg.push(`</g>`);

  lanes.forEach((p, i) => {
    const y = AXIS_H + i * LANE_H;
    const mid = y + LANE_H / 2;
    const isRestart = p.loop !== undefined && seenLoop.has(p.loop);
    if (p.loop !== undefined) seenLoop.add(p.loop);
    const cls =
      p.kind === 'coordinator' ? 'lane lane-coordinator' : p.kind === 'worker' ? 'lane lane-worker' : 'lane lane-other';
    const label = `${p.role} · pid ${p.pid}`;
    const end = p.exit?.at ?? data.t1;
    const crashed = !!p.exit && (p.exit.code !== 0 || p.exit.signal !== null);
    const life = [
      `${p.role} (pid ${p.pid})${p.loop !== undefined ? `, restart loop ${p.loop}${isRestart ? ' (a restart)' : ''}` : ''}`,
      `started ${rel(p.startedAt)}, ${p.exit ? `ended ${rel(p.exit.at)}` : 'never ended'} (${secs(end - p.startedAt)})`,
      describeExit(p),
    ];
    svg.push(`<g class="${cls}" data-pid="${p.pid}">`);
    if (i % 2 === 0) svg.push(`<rect x="0" y="${y}" width="${WIDTH}" height="${LANE_H}" fill="#f7f7f9"/>`);
    svg.push(
      `<text x="8" y="${mid + 4}" fill="#222">${isRestart ? '↻ ' : ''}${escapeMarkup(label)}<title>${escapeMarkup(life.join('\n'))}</title></text>`,
    );
    // Lifetime: a thin line (coordinator: a thick band).
    const lx1 = f(x(p.startedAt));
    const lx2 = f(Math.max(x(end), x(p.startedAt) + 1));
    if (p.kind === 'coordinator') {
      svg.push(
        `<rect class="life" x="${lx1}" y="${mid - 5}" width="${f(Number(lx2) - Number(lx1))}" height="10" rx="2" fill="#9aa5b1"><title>${escapeMarkup(life.join('\n'))}</title></rect>`,
      );
    } else {
      svg.push(
        `<line class="life" x1="${lx1}" y1="${mid}" x2="${lx2}" y2="${mid}" stroke="#9aa5b1" stroke-width="2"><title>${escapeMarkup(life.join('\n'))}</title></line>`,
      );
    }
    svg.push(
      `<line x1="${lx1}" y1="${mid - 7}" x2="${lx1}" y2="${mid + 7}" stroke="${isRestart ? '#2e7d32' : '#555'}" stroke-width="2"/>`,
    );

    for (const b of bars(p.calls, p.exit?.at, data.t1)) {
      // A call the process died in ends under the crash mark: keep some of it visible left of the mark.
      const bx = b.failed === 'no end' ? Math.min(x(b.start), x(b.end) - 10) : x(b.start);
      const bw = Math.max(1.5, x(b.end) - bx);
      const fill = b.failed ? 'url(#hatch)' : b.phase === 'map' ? '#1f77b4' : '#e08a00';
      const what =
        b.phase === 'map'
          ? `map ${shown(b.inputs[0])}`
          : b.inputs.length === 1
            ? `reduce key ${shown(b.inputs[0])}`
            : `reduce: ${b.inputs.length} keys, ${shown(b.inputs[0], 40)} … ${shown(b.inputs[b.inputs.length - 1], 40)}`;
      const tip = [
        what,
        `${rel(b.start)} – ${rel(b.end)} (${secs(b.end - b.start)})` +
          (b.inputs.length > 1 ? `, longest call ${secs(b.longest)}` : ''),
        ...(b.failed === 'no end'
          ? ['the call never returned: the process died in it']
          : b.failed === 'error'
            ? ['the call threw']
            : []),
        `${p.role}, pid ${p.pid}`,
      ];
      svg.push(
        `<rect class="bar ${b.phase}${b.failed ? ' failed' : ''}" x="${f(bx)}" y="${mid - BAR_H / 2}" width="${f(bw)}" height="${BAR_H}" rx="1.5" fill="${fill}"${b.failed ? ' stroke="#c62828"' : ''}><title>${escapeMarkup(tip.join('\n'))}</title></rect>`,
      );
    }

    for (const s of p.signals) {
      const sx = f(x(s.at));
      const colour = s.signal === 'SIGKILL' ? '#000' : s.signal === 'SIGSTOP' ? '#7b1fa2' : '#00838f';
      svg.push(
        `<path class="signal" d="M${sx} ${mid - 4} l-5 -8 h10 z" fill="${colour}"><title>${escapeMarkup(`${s.staged ? (s.signal === 'SIGSTOP' ? 'held' : 'released') : `the grader sent ${s.signal}`} (${s.why}) at ${rel(s.at)}`)}</title></path>`,
      );
    }
    if (p.exit) {
      const ex = x(p.exit.at);
      const tip = escapeMarkup(`${describeExit(p)} at ${rel(p.exit.at)}`);
      if (crashed) {
        svg.push(
          `<g class="crash"><path d="M${f(ex - 5)} ${mid - 5} l10 10 m0 -10 l-10 10" stroke="#c62828" stroke-width="3"/><rect x="${f(ex - 6)}" y="${mid - 6}" width="12" height="12" fill="transparent"><title>${tip}</title></rect></g>`,
        );
      } else {
        svg.push(
          `<circle class="exit" cx="${f(ex)}" cy="${mid}" r="3.5" fill="#2e7d32"><title>${tip}</title></circle>`,
        );
      }
    }
    svg.push(`</g>`);
  });
  svg.push(
    `<line id="cursor" x1="0" y1="${AXIS_H - 6}" x2="0" y2="${height - 8}" stroke="#c00" stroke-width="1" visibility="hidden" pointer-events="none"/>`,
  );
  svg.push(`<text id="cursor-t" x="0" y="12" fill="#c00" visibility="hidden" pointer-events="none"></text>`);
  svg.push(`</svg>`);

  const workers = data.processes.filter((p) => p.kind === 'worker');
  const calls = workers.reduce((n, p) => n + p.calls.filter((c) => c.event === 'start').length, 0);
  const crashes = data.processes.filter((p) => p.exit && (p.exit.code !== 0 || p.exit.signal !== null)).length;
  const summary =
    `${workers.length} worker process${workers.length === 1 ? '' : 'es'}, ${calls} map/reduce calls, ` +
    `${crashes} exit${crashes === 1 ? '' : 's'} with an error or a signal, ${secs(span)} shown`;

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeMarkup(data.title)}: timeline</title>
<style>
body { font: 13px system-ui, sans-serif; margin: 16px; color: #222; }
h1 { font-size: 18px; margin: 0 0 4px; }
.pass { color: #2e7d32; } .fail { color: #c62828; }
.notes { margin: 6px 0; padding: 6px 10px; background: #fff4f4; border-left: 3px solid #c62828; white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: 12px; }
.legend { margin: 8px 0; display: flex; gap: 16px; flex-wrap: wrap; align-items: center; }
.legend span { display: inline-flex; align-items: center; gap: 5px; }
.sw { display: inline-block; width: 18px; height: 10px; border-radius: 2px; }
.wrap { overflow-x: auto; border: 1px solid #ddd; }
.bar:hover, .crash:hover, .signal:hover, .exit:hover { opacity: .75; }
#details { min-height: 3em; margin: 8px 0; padding: 6px 10px; background: #f4f6f8; font-family: ui-monospace, monospace; font-size: 12px; white-space: pre-wrap; }
</style>
</head>
<body>
<script>window.onerror = function (m) { var b = document.body; b.dataset.errors = (b.dataset.errors ? b.dataset.errors + ' | ' : '') + m; };</script>
<h1>${escapeMarkup(data.title)}: <span class="${data.passed ? 'pass' : 'fail'}">${data.passed ? 'PASS' : 'FAIL'}</span></h1>
<div>${escapeMarkup(summary)}; time in seconds from the test's start. Hover for details, click to keep them below.</div>
${data.notes.length ? `<div class="notes">${escapeMarkup(data.notes.join('\n'))}</div>` : ''}
<div class="legend">
<span><i class="sw" style="background:#9aa5b1"></i>process alive</span>
<span><i class="sw" style="background:#1f77b4"></i>map call</span>
<span><i class="sw" style="background:#e08a00"></i>reduce calls (a run of one task)</span>
<span><i class="sw" style="background:repeating-linear-gradient(45deg,#c62828 0 3px,#f4b4b4 3px 6px)"></i>call that never returned</span>
<span><b style="color:#c62828">✕</b> exit ≠ 0 or by a signal</span>
<span><b style="color:#2e7d32">●</b> exit 0</span>
<span><b>▼</b> SIGKILL from the grader</span>
<span><b style="color:#7b1fa2">▼</b> SIGSTOP</span>
<span><b style="color:#2e7d32">↻</b> restarted worker</span>
</div>
<div class="wrap">
${svg.join('\n')}
</div>
<div id="details">(click a bar or a mark)</div>
<script>
(function () {
  var svg = document.getElementById('tl');
  var cursor = document.getElementById('cursor');
  var label = document.getElementById('cursor-t');
  var details = document.getElementById('details');
  var X0 = ${LABEL_W}, W = ${PLOT_W}, SPAN = ${span};
  function local(ev) {
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
  if (!document.body.dataset.errors) document.body.dataset.rendered = 'ok';
})();
</script>
</body>
</html>
`;
}
