// The timeline of one test (timeline.html in its kept folder): the
// coordinator's lifetime on top, one lane per worker process, each map and
// reduce call as a bar (from the workers' $MR_TRACE files), crashes, exits
// and the signals the grader sent; in the challenge track, each fetch from
// another worker as a thin mark under the caller's bars, and the map tasks
// lost with a killed worker and run again (timeline-shuffle.ts finds them).
// One self-contained page: inline CSS, an SVG drawn here, and a small script
// for a time cursor and details.
// `buildTimeline` is a pure function (data -> HTML), tested on its own.

import * as path from 'path';
import type { Job } from '../harness/job';
import type { SignalRecord } from '../../../core/processes';
import { writeFresh } from '../../../sandbox/files';
import { traceLines } from '../harness/traces';
import { escapeMarkup } from '../../../../src/kit/escape';
import { compareCodePoints } from '../../../../src/kit/order';
import { isTaskEvent, type TaskEvent } from '../../../../src/kit/trace-format';
import {
  type Fetch,
  type FetchEvent,
  fetchEvent,
  type MapFate,
  mapFates,
  pairFetches,
  runKey,
} from './shuffle';

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
  /** The challenge track: its calls to other workers and their replies, in file order. */
  fetches?: FetchEvent[];
}

export interface TimelineData {
  title: string; // "crash test"
  passed: boolean;
  notes: string[]; // the diagnosis
  t0: number; // the test's start
  t1: number; // the end of the picture
  processes: ProcessRecord[];
  /** The challenge track: the pid of the worker serving at each endpoint a fetch went to, where one did. */
  servers?: Map<string, number>;
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
    const lines = trace ? traceLines(trace) : [];
    return {
      role: p.role,
      pid: p.pid,
      kind: p === job.coordinator ? 'coordinator' : trace !== undefined ? 'worker' : 'other',
      startedAt: p.startedAt,
      exit: p.exit && { at: p.exit.at, code: p.exit.code, signal: p.exit.signal },
      timedOut: p.timedOut,
      signals: [...p.signals],
      loop: job.restartedBy.get(p),
      calls: lines.filter(isTaskEvent),
      fetches: lines.flatMap((e) => fetchEvent(e) ?? []),
    };
  });
  const servers = new Map<string, number>();
  for (const p of processes) {
    for (const e of p.fetches ?? []) {
      const server = job.workerAt(e.to);
      if (server) servers.set(e.to, server.pid);
    }
  }
  let t1 = Date.now();
  for (const p of processes) t1 = Math.max(t1, p.exit?.at ?? 0);
  return { title, passed, notes, t0: job.startedAt, t1, processes, servers };
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
const FETCH_ROW = 4; // px: a row of fetch marks under a lane's bars (marks 3 px high)
const MAX_FETCH_ROWS = 8; // more fetches at once than this share rows, so that a lane stays short
const MIN_FETCH_W = 2; // px: a fetch of a millisecond is still a mark
/** A colour per worker that served fetches; none of them red, which marks a failed fetch. */
const SERVER_COLOURS = ['#1b9e77', '#7570b3', '#66a61e', '#e6ab02', '#a6761d', '#17becf', '#8c564b', '#666666'];

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

/** Bytes as "340 B", "12.3 kB (12345 bytes)". */
function size(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  let v = bytes / 1000;
  let unit = 0;
  while (v >= 1000 && unit < 2) {
    v /= 1000;
    unit++;
  }
  return `${v.toFixed(1)} ${['kB', 'MB', 'GB'][unit]} (${bytes} bytes)`;
}

/** A row for each fetch, the first free one (time-sorted greedy), and how many rows were used. */
export function fetchRows(fetches: Fetch[], minMs: number): { rows: number[]; count: number } {
  const freeAt: number[] = []; // per row: when its last mark ends
  const order = fetches.map((_, i) => i).sort((a, b) => fetches[a].start - fetches[b].start);
  const rows: number[] = new Array<number>(fetches.length).fill(0);
  order.forEach((i, n) => {
    const f = fetches[i];
    let row = freeAt.findIndex((t) => t <= f.start);
    if (row < 0) row = freeAt.length < MAX_FETCH_ROWS ? freeAt.length : n % MAX_FETCH_ROWS;
    freeAt[row] = Math.max(freeAt[row] ?? 0, f.start + Math.max(minMs, f.end - f.start));
    rows[i] = row;
  });
  return { rows, count: freeAt.length };
}

/** The summary's words on fetches and maps run again; nothing when there were none. */
function shuffleSummary(fetches: Fetch[], fates: Array<MapFate<ProcessRecord>>): string {
  let text = '';
  if (fetches.length) {
    const failed = fetches.filter((fe) => fe.failed).length;
    const bytes = fetches.reduce((n, fe) => n + (fe.bytes ?? 0), 0);
    text += `, ${fetches.length} fetches between workers (${failed} failed, ${size(bytes)} fetched)`;
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
    entries.push(entry('height:4px;background:#c62828', 'failed fetch'));
  }
  if (fates.some((fate) => fate.lost)) {
    entries.push(
      entry('background:rgba(31,119,180,.35);outline:1.5px dashed #c62828', 'map output lost with a killed worker'),
    );
  }
  if (fates.some((fate) => fate.rerun?.after)) {
    entries.push(entry('background:#1f77b4;outline:2px solid #c62828', 'map re-run after the loss'));
  }
  if (fates.some((fate) => fate.rerun && !fate.rerun.after)) {
    entries.push(
      entry('background:#1f77b4;outline:1.5px solid #111', 'map task run again (a backup, or given out again)'),
    );
  }
  return entries.join('\n');
}

/** How a map run that ran more than once is drawn: classes, an outline, lines for its tooltip. */
function fateMark(
  p: ProcessRecord,
  fate: MapFate<ProcessRecord> | undefined,
  rel: (t: number) => string,
): { cls: string; outline: string; notes: string[] } {
  if (!fate) return { cls: '', outline: '', notes: [] };
  const run = (r: { by: ProcessRecord; start: number; finished?: number }): string =>
    `${r.by.role} at ${rel(r.start)}${r.finished === undefined ? ' (never finished)' : ''}`;
  const notes: string[] = [];
  let cls = '';
  let outline = '';
  if (fate.lost) {
    cls += ' lost';
    outline = ' fill-opacity=".35" stroke="#c62828" stroke-dasharray="3 2"';
    notes.push(`its output was lost at ${rel(fate.lost.at)} with ${p.role}'s disk (${describeExit(p)})`);
    notes.push(`re-run by ${fate.lost.rerunBy.map(run).join(', ')}`);
  }
  if (fate.rerun?.after) {
    const lost = fate.rerun.after;
    cls += ' rerun';
    outline ||= ' stroke="#c62828" stroke-width="2"';
    notes.push(`re-run after ${lost.by.role} was lost (${describeExit(lost.by)} at ${rel(lost.by.exit?.at ?? 0)})`);
  } else if (fate.rerun) {
    cls += ' again';
    outline ||= ' stroke="#111" stroke-width="1.5"';
  }
  if (fate.rerun) notes.push(`ran more than once: before on ${fate.rerun.earlier.map(run).join(', ')}`);
  return { cls, outline, notes };
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

  // The challenge track: fetches (rows of thin marks under a lane's bars, so a lane with some is taller),
  // who served them (a colour per server), and the maps that ran more than once.
  const fates = mapFates(data.processes);
  const servers = data.servers ?? new Map<string, number>();
  const byPid = new Map(data.processes.map((p) => [p.pid, p]));
  const fetchesOf = new Map(lanes.map((p) => [p, pairFetches(p.fetches ?? [])]));
  const rowsOf = new Map(lanes.map((p) => [p, fetchRows(fetchesOf.get(p)!, (MIN_FETCH_W * span) / PLOT_W)]));
  const served = new Map<number, { n: number; bytes: number }>();
  for (const fetches of fetchesOf.values()) {
    for (const fe of fetches) {
      const pid = servers.get(fe.to);
      if (pid === undefined) continue;
      const s = served.get(pid) ?? { n: 0, bytes: 0 };
      served.set(pid, { n: s.n + 1, bytes: s.bytes + (fe.bytes ?? 0) });
    }
  }
  const colours = new Map<number, string>();
  for (const p of lanes) {
    if (served.has(p.pid)) colours.set(p.pid, SERVER_COLOURS[colours.size % SERVER_COLOURS.length]);
  }
  const serverOf = (to: string): ProcessRecord | undefined => {
    const pid = servers.get(to);
    return pid === undefined ? undefined : byPid.get(pid);
  };
  const tops: number[] = [];
  let bottom = AXIS_H;
  for (const p of lanes) {
    tops.push(bottom);
    bottom += LANE_H + rowsOf.get(p)!.count * FETCH_ROW;
  }
  const height = bottom + 12;

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
    const y = tops[i];
    const laneH = LANE_H + rowsOf.get(p)!.count * FETCH_ROW;
    const fetches = fetchesOf.get(p)!;
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
    if (fetches.length) {
      const failed = fetches.filter((fe) => fe.failed).length;
      const bytes = fetches.reduce((n, fe) => n + (fe.bytes ?? 0), 0);
      life.push(`fetched ${size(bytes)} in ${fetches.length} fetches from other workers, ${failed} failed`);
    }
    const serving = served.get(p.pid);
    if (serving) life.push(`served ${serving.n} fetches, ${size(serving.bytes)}`);
    svg.push(`<g class="${cls}" data-pid="${p.pid}">`);
    if (i % 2 === 0) svg.push(`<rect x="0" y="${y}" width="${WIDTH}" height="${laneH}" fill="#f7f7f9"/>`);
    svg.push(
      `<text x="8" y="${mid + 4}" fill="#222">${isRestart ? '↻ ' : ''}${escapeMarkup(label)}<title>${escapeMarkup(life.join('\n'))}</title></text>`,
    );
    const colour = colours.get(p.pid);
    if (colour) {
      svg.push(
        `<rect class="server" x="${LABEL_W - 16}" y="${mid - 5}" width="10" height="10" fill="${colour}"><title>${escapeMarkup(`fetches from ${p.role} are drawn in this colour`)}</title></rect>`,
      );
    }
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

    const lost: string[] = []; // the inputs of its finished maps lost with it
    for (const b of bars(p.calls, p.exit?.at, data.t1)) {
      // A call the process died in ends under the crash mark: keep some of it visible left of the mark.
      const bx = b.failed === 'no end' ? Math.min(x(b.start), x(b.end) - 10) : x(b.start);
      const bw = Math.max(1.5, x(b.end) - bx);
      const fill = b.failed ? 'url(#hatch)' : b.phase === 'map' ? '#1f77b4' : '#e08a00';
      const mark = fateMark(p, b.phase === 'map' ? fates.get(runKey(p.pid, b.inputs[0], b.start)) : undefined, rel);
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
        ...mark.notes,
        `${p.role}, pid ${p.pid}`,
      ];
      if (mark.cls.includes('lost')) lost.push(b.inputs[0]);
      svg.push(
        `<rect class="bar ${b.phase}${b.failed ? ' failed' : ''}${mark.cls}" x="${f(bx)}" y="${mid - BAR_H / 2}" width="${f(bw)}" height="${BAR_H}" rx="1.5" fill="${fill}"${b.failed ? ' stroke="#c62828"' : mark.outline}><title>${escapeMarkup(tip.join('\n'))}</title></rect>`,
      );
    }

    // Each fetch on its row: in the serving worker's colour, a failed one red; the details in its tooltip.
    fetches.forEach((fe, k) => {
      const fx = x(fe.start);
      const fy = y + LANE_H - 3 + rowsOf.get(p)!.rows[k] * FETCH_ROW;
      const server = serverOf(fe.to);
      const from = server ? `${server.role} (pid ${server.pid})` : shown(fe.to); // an endpoint no worker served
      const took = secs(fe.end - fe.start);
      const what =
        fe.failed === 'failed'
          ? `fetch from ${from} failed after ${took}: no answer, or not in time`
          : fe.failed === 'no reply'
            ? `fetch from ${from}: no reply recorded (the call threw, or ${p.role} ended first)`
            : `fetch from ${from}: ${fe.bytes === undefined ? 'bytes not recorded' : size(fe.bytes)} in ${took}`;
      const tip = [
        what,
        `${rel(fe.start)} – ${rel(fe.end)}`,
        `${fe.method} to ${shown(fe.to)}`,
        `${p.role}, pid ${p.pid}`,
      ];
      const fill = fe.failed ? '#c62828' : ((server && colours.get(server.pid)) ?? '#888');
      svg.push(
        `<rect class="fetch${fe.failed ? ' failed' : ''}" x="${f(fx)}" y="${f(fy)}" width="${f(Math.max(MIN_FETCH_W, x(fe.end) - fx))}" height="3" fill="${fill}"><title>${escapeMarkup(tip.join('\n'))}</title></rect>`,
      );
    });

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
        if (lost.length) {
          // Where the lost maps went: written at the kill, left of it if the page ends there.
          const left = ex > WIDTH - 110;
          const why = `the output of ${lost.length} finished map task${lost.length === 1 ? '' : 's'} went with ${p.role}'s disk: ${lost.map((s) => shown(s, 40)).join(', ')}`;
          svg.push(
            `<text class="lost-count" x="${f(left ? ex - 9 : ex + 9)}" y="${mid + 4}" text-anchor="${left ? 'end' : 'start'}" fill="#c62828" font-size="11">${lost.length} map${lost.length === 1 ? '' : 's'} lost<title>${escapeMarkup(why)}</title></text>`,
          );
        }
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
    `${crashes} exit${crashes === 1 ? '' : 's'} with an error or a signal, ${secs(span)} shown` +
    shuffleSummary([...fetchesOf.values()].flat(), [...fates.values()]);

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
.bar:hover, .crash:hover, .signal:hover, .exit:hover, .fetch:hover { opacity: .75; }
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
${shuffleLegend([...fetchesOf.values()].flat(), [...fates.values()])}
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
