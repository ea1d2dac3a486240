// One lane of the timeline laid out: where its process's lifetime, bars,
// fetch marks, signals and exit go, in px, with the words of their tooltips.
// Pure (a process and the picture's scale in, positions and text out) and
// free of markup: the drawing chooses shapes and colours.

import { pairCalls, type Bar } from './bars';
import type { ProcessRecord } from './data';
import { type Fetch, type MapFate, runKey, type Served } from './shuffle';
import { barTip, type Clock, exitTip, fetchTip, laneTip, lostWords, serverTip, signalTip } from './wording';

type Exit = NonNullable<ProcessRecord['exit']>;

const LANE_H = 24; // px: a lane with no fetches
const BAR_H = 14;
const FETCH_ROW = 4; // px: a row of fetch marks under a lane's bars
const FETCH_H = 3; // px: a fetch mark
const MAX_FETCH_ROWS = 8; // more fetches at once than this share rows, so that a lane stays short
const MIN_FETCH_W = 2; // px: a fetch of a millisecond is still a mark

/** The picture's scale, as a lane needs it. */
export interface Frame {
  x: (t: number) => number; // px of a time, clamped to the picture
  at: Clock;
  t1: number; // the picture's end
  spanMs: number; // the time the plot shows
  plotWidth: number; // px it takes
  width: number; // px of the whole picture
}

/** The challenge track, as a lane needs it. */
export interface Shuffle {
  /** Each process's fetches, paired. */
  fetchesOf: Map<ProcessRecord, Fetch[]>;
  /** The map runs of tasks that ran more than once, by `runKey`. */
  fates: Map<string, MapFate<ProcessRecord>>;
  /** What came of the fetches sent to each worker (by pid). */
  served: Map<number, Served>;
  /** A colour slot for each worker that answered fetches (by pid), in lane order. */
  slots: Map<number, number>;
  /** The worker serving at an endpoint, if one did. */
  serverOf: (to: string) => ProcessRecord | undefined;
}

/** A lane: a process's life and marks. `mid` is the y of its bars' middle, where the marks sit. */
export interface Lane {
  pid: number;
  kind: ProcessRecord['kind'];
  top: number;
  height: number;
  mid: number;
  shaded: boolean; // every other lane has a background
  isRestart: boolean; // a worker the crash test started again
  label: string;
  tip: string; // its life, on its label and its lifetime
  server?: { slot: number; tip: string }; // it served fetches, drawn in this colour slot
  life: { x1: number; x2: number };
  bars: BarMark[];
  fetches: FetchMark[];
  signals: Array<{ x: number; signal: string; tip: string }>;
  exit?: ExitMark;
}

export interface BarMark {
  phase: Bar['phase'];
  x: number;
  y: number;
  width: number;
  height: number;
  failed?: Bar['failed'];
  lost: boolean; // a map whose output was lost with its worker
  rerun?: 'after a loss' | 'again'; // a map of a task that ran before
  tip: string;
}

export interface FetchMark {
  x: number;
  y: number;
  width: number;
  height: number;
  failed: boolean;
  slot?: number; // its server's colour slot
  tip: string;
}

export interface ExitMark {
  x: number;
  crashed: boolean; // a non-zero status or a signal
  tip: string;
  lost?: { x: number; anchor: 'start' | 'end'; text: string; tip: string }; // the maps lost with it
}

/** Where a lane goes: its top, its background, whether it is a restart. */
export interface LanePlace {
  top: number;
  shaded: boolean;
  isRestart: boolean;
}

/** Lays out one process's lane at `place`. */
export function layoutLane(p: ProcessRecord, place: LanePlace, frame: Frame, shuffle: Shuffle): Lane {
  const { x, at } = frame;
  const fetches = shuffle.fetchesOf.get(p) ?? [];
  const rows = fetchRows(fetches, (MIN_FETCH_W * frame.spanMs) / frame.plotWidth);
  const mid = place.top + LANE_H / 2;
  const end = p.exit?.at ?? frame.t1;
  const slot = shuffle.slots.get(p.pid);
  const bars = pairCalls(p.calls, p.exit?.at, frame.t1);
  const fates = bars.map((b) =>
    b.phase === 'map' ? shuffle.fates.get(runKey(p.pid, b.inputs[0], b.start)) : undefined,
  );
  const lostInputs = bars.filter((_, i) => fates[i]?.lost).map((b) => b.inputs[0]);
  return {
    pid: p.pid,
    kind: p.kind,
    ...place,
    height: LANE_H + rows.count * FETCH_ROW,
    mid,
    label: `${p.role} · pid ${p.pid}`,
    tip: laneTip(p, { isRestart: place.isRestart, end, fetches, served: shuffle.served.get(p.pid) }, at),
    ...(slot !== undefined ? { server: { slot, tip: serverTip(p) } } : {}),
    life: { x1: x(p.startedAt), x2: Math.max(x(end), x(p.startedAt) + 1) },
    bars: bars.map((b, i) => barMark(b, fates[i], p, mid, frame)),
    fetches: fetches.map((fe, k) =>
      fetchMark(fe, place.top + LANE_H - FETCH_H + rows.rows[k] * FETCH_ROW, p, frame, shuffle),
    ),
    signals: p.signals.map((s) => ({ x: x(s.at), signal: s.signal, tip: signalTip(s, at) })),
    ...(p.exit ? { exit: exitMark(p, p.exit, lostInputs, frame) } : {}),
  };
}

/** A bar; a call the process died in ends under the crash mark, so some of it stays visible left of the mark. */
function barMark(
  b: Bar,
  fate: MapFate<ProcessRecord> | undefined,
  p: ProcessRecord,
  mid: number,
  frame: Frame,
): BarMark {
  const { x } = frame;
  const left = b.failed === 'no end' ? Math.min(x(b.start), x(b.end) - 10) : x(b.start);
  return {
    phase: b.phase,
    x: left,
    y: mid - BAR_H / 2,
    width: Math.max(1.5, x(b.end) - left),
    height: BAR_H,
    ...(b.failed ? { failed: b.failed } : {}),
    lost: !!fate?.lost,
    ...(fate?.rerun ? { rerun: fate.rerun.after ? 'after a loss' : 'again' } : {}),
    tip: barTip(b, p, fate, frame.at),
  };
}

/** A fetch's mark on its row, in its server's colour slot. */
function fetchMark(fe: Fetch, y: number, p: ProcessRecord, frame: Frame, shuffle: Shuffle): FetchMark {
  const server = shuffle.serverOf(fe.to);
  const left = frame.x(fe.start);
  const slot = server && shuffle.slots.get(server.pid);
  return {
    x: left,
    y,
    width: Math.max(MIN_FETCH_W, frame.x(fe.end) - left),
    height: FETCH_H,
    failed: !!fe.failed,
    ...(slot !== undefined ? { slot } : {}),
    tip: fetchTip(fe, server, p, frame.at),
  };
}

/** The exit mark, and by a crash the count of maps lost with it (left of the mark if the page ends there). */
function exitMark(p: ProcessRecord, exit: Exit, lostInputs: string[], frame: Frame): ExitMark {
  const x = frame.x(exit.at);
  const crashed = exit.code !== 0 || exit.signal !== null;
  const mark: ExitMark = { x, crashed, tip: exitTip(p, exit.at, frame.at) };
  if (crashed && lostInputs.length) {
    const left = x > frame.width - 110;
    mark.lost = { x: left ? x - 9 : x + 9, anchor: left ? 'end' : 'start', ...lostWords(p, lostInputs) };
  }
  return mark;
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
