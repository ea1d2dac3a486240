// The Raft timeline laid out (timeline.html in a kept test folder): a lane
// per peer showing its role over virtual time (follower, candidate, leader,
// down), when it was cut off, crashed (by the tester, or inside a step),
// restarted and stood for election; and a lane of commits (the first apply
// of each index). Pure: positions in px and tooltips as text, no markup
// (drawing.ts draws it, page.ts puts it in a page).

import type { Recorder } from '../aids/record';
import type { Role } from '../aids/view';

const WIDTH = 1360;
const LABEL_W = 90;
const PLOT_W = WIDTH - LABEL_W - 20;
const AXIS_H = 30;
const LANE_H = 36;
const COMMITS_H = 26;

export interface Box {
  x: number;
  width: number;
  tip: string;
}

export interface RoleBox extends Box {
  role: Role;
  label: string;
}

export interface PointMark {
  x: number;
  kind: 'crash' | 'cut' | 'boot' | 'stand';
  tip: string;
}

export interface PeerLane {
  peer: number;
  top: number;
  roles: RoleBox[];
  /** Spans of time it was disconnected. */
  cutOff: Box[];
  marks: PointMark[];
}

export interface TimelineLayout {
  width: number;
  height: number;
  plot: { left: number; width: number; spanMs: number };
  axis: { height: number; ticks: { x: number; label: string }[] };
  lanes: PeerLane[];
  commits: { top: number; ticks: Box[] };
}

/** Lays out the timeline of a run's record. */
export function layoutTimeline(record: Recorder): TimelineLayout {
  const spanUs = Math.max(record.endUs, 1);
  const x = (us: number) => LABEL_W + (Math.min(us, spanUs) / spanUs) * PLOT_W;
  const secs = (us: number) => `${(us / 1e6).toFixed(3)} s`;
  const lanes: PeerLane[] = Array.from({ length: record.n }, (_, peer) => {
    const top = AXIS_H + peer * LANE_H;
    const roles = record.spans
      .filter((s) => s.peer === peer && s.role !== 'down')
      .map((s) => {
        const to = s.to ?? spanUs;
        const term = s.term !== undefined ? ` of term ${s.term}` : '';
        return {
          x: x(s.from),
          width: Math.max(x(to) - x(s.from), 0.5),
          role: s.role,
          label: s.role === 'leader' && s.term !== undefined ? `t${s.term}` : '',
          tip: `peer ${peer}: ${s.role}${term}, ${secs(s.from)} to ${secs(to)}`,
        };
      });
    const cutOff: Box[] = [];
    let since: number | undefined;
    for (const m of record.marks.filter((mk) => mk.peer === peer)) {
      if (m.kind === 'disconnect' && since === undefined) since = m.at;
      if (m.kind === 'connect' && since !== undefined) {
        cutOff.push({
          x: x(since),
          width: Math.max(x(m.at) - x(since), 0.5),
          tip: `peer ${peer} cut off, ${secs(since)} to ${secs(m.at)}`,
        });
        since = undefined;
      }
    }
    if (since !== undefined)
      cutOff.push({
        x: x(since),
        width: Math.max(x(spanUs) - x(since), 0.5),
        tip: `peer ${peer} cut off from ${secs(since)}`,
      });
    const marks = record.marks
      .filter(
        (m) => m.peer === peer && (m.kind === 'crash' || m.kind === 'cut' || m.kind === 'boot' || m.kind === 'stand'),
      )
      .map((m) => ({ x: x(m.at), kind: m.kind as PointMark['kind'], tip: `peer ${peer} ${m.text} at ${secs(m.at)}` }));
    return { peer, top, roles, cutOff, marks };
  });
  const commitsTop = AXIS_H + record.n * LANE_H;
  const ticks = record.commits.map((c) => ({
    x: x(c.at),
    width: 1,
    tip: `index ${c.index} committed (first applied, by peer ${c.peer}) at ${secs(c.at)}: ${c.command}`,
  }));
  return {
    width: WIDTH,
    height: commitsTop + COMMITS_H + 10,
    plot: { left: LABEL_W, width: PLOT_W, spanMs: spanUs / 1000 },
    axis: { height: AXIS_H, ticks: axisTicks(spanUs / 1000).map((ms) => ({ x: x(ms * 1000), label: `${ms / 1000}` })) },
    lanes,
    commits: { top: commitsTop, ticks },
  };
}

/** Ticks at a round step of seconds, about ten across. */
function axisTicks(spanMs: number): number[] {
  const steps = [100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 30_000];
  const step = steps.find((s) => spanMs / s <= 12) ?? 60_000;
  const ticks: number[] = [];
  for (let t = 0; t <= spanMs; t += step) ticks.push(t);
  return ticks;
}
