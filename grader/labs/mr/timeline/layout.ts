// The timeline laid out: the picture's size, its time axis and its lanes (the
// coordinator's first, then every other process's in start order), each below
// the last and as tall as its rows of fetches make it. Pure: the same data
// always gives the same layout, positions in px and tooltips as text, with no
// markup (drawing.ts draws it, page.ts puts it in a page).

import type { ProcessRecord, TimelineData } from './data';
import { layoutLane, type Frame, type Lane, type Shuffle } from './lane-layout';
import { mapFates, pairFetches, servedFetches } from './shuffle';
import { clockFrom } from './wording';

const WIDTH = 1360;
const LABEL_W = 190; // px left of the plot, for the lanes' labels
const PLOT_W = WIDTH - LABEL_W - 30;
const AXIS_H = 34; // px above the first lane
const BOTTOM_H = 12; // px below the last

export interface TimelineLayout {
  width: number;
  height: number;
  /** Where time is drawn: from `left` px, `width` px wide for `spanMs` (the page's time cursor needs these too). */
  plot: { left: number; width: number; spanMs: number };
  /** The axis above the first lane: its height, and a tick at each step of time. */
  axis: { height: number; ticks: Array<{ x: number; label: string }> };
  lanes: Lane[];
}

/** Lays out the whole timeline. */
export function layoutTimeline(data: TimelineData): TimelineLayout {
  const frame = frameOf(data);
  const processes = inLaneOrder(data.processes);
  const shuffle = readShuffle(data, processes);
  const restarts = restartsOf(processes);
  let bottom = AXIS_H;
  const lanes = processes.map((p, i) => {
    const lane = layoutLane(p, { top: bottom, shaded: i % 2 === 0, isRestart: restarts.has(p) }, frame, shuffle);
    bottom += lane.height;
    return lane;
  });
  return {
    width: WIDTH,
    height: bottom + BOTTOM_H,
    plot: { left: LABEL_W, width: PLOT_W, spanMs: frame.spanMs },
    axis: { height: AXIS_H, ticks: axisTicks(frame.spanMs) },
    lanes,
  };
}

/** The scale: the test's start at the plot's left edge, the picture's end at its right. */
function frameOf(data: TimelineData): Frame {
  const { t0, t1 } = data;
  const spanMs = Math.max(1, t1 - t0);
  return {
    x: (t) => LABEL_W + ((Math.min(Math.max(t, t0), t1) - t0) / spanMs) * PLOT_W,
    at: clockFrom(t0),
    t1,
    spanMs,
    plotWidth: PLOT_W,
    width: WIDTH,
  };
}

/** The coordinator first, then the other processes in the order they started. */
function inLaneOrder(processes: ProcessRecord[]): ProcessRecord[] {
  const coordinators = processes.filter((p) => p.kind === 'coordinator');
  const rest = processes.filter((p) => p.kind !== 'coordinator').sort((a, b) => a.startedAt - b.startedAt);
  return [...coordinators, ...rest];
}

/** The workers a restart loop started after its first (the crash test's restarts). */
function restartsOf(processes: ProcessRecord[]): Set<ProcessRecord> {
  const seenLoop = new Set<number>();
  const restarts = new Set<ProcessRecord>();
  for (const p of processes) {
    if (p.loop === undefined) continue;
    if (seenLoop.has(p.loop)) restarts.add(p);
    seenLoop.add(p.loop);
  }
  return restarts;
}

/** The challenge track's fetches, who served them (a colour slot each, in lane order), maps run more than once. */
function readShuffle(data: TimelineData, processes: ProcessRecord[]): Shuffle {
  const servers = data.servers ?? new Map<string, number>();
  const byPid = new Map(data.processes.map((p) => [p.pid, p]));
  const fetchesOf = new Map(processes.map((p) => [p, pairFetches(p.fetches ?? [])]));
  const serverOf = (to: string): ProcessRecord | undefined => {
    const pid = servers.get(to);
    return pid === undefined ? undefined : byPid.get(pid);
  };
  const served = servedFetches([...fetchesOf.values()].flat(), serverOf);
  const slots = new Map<number, number>();
  for (const p of processes) if (served.get(p.pid)?.answered) slots.set(p.pid, slots.size);
  return { fetchesOf, fates: mapFates(data.processes), served, slots, serverOf };
}

/** A tick at each round step of time, some twelve across the plot. */
function axisTicks(spanMs: number): Array<{ x: number; label: string }> {
  const step = niceStep(spanMs);
  const ticks: Array<{ x: number; label: string }> = [];
  for (let t = 0; t <= spanMs + 1e-6; t += step) {
    ticks.push({ x: LABEL_W + (t / spanMs) * PLOT_W, label: `${(t / 1000).toFixed(step < 1000 ? 1 : 0)}s` });
  }
  return ticks;
}

function niceStep(spanMs: number): number {
  const target = spanMs / 12;
  for (const s of [100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000]) {
    if (s >= target) return s;
  }
  return 600_000;
}
