// What the timeline says in words: the tooltips of its lanes, bars, fetches
// and marks, and their pieces (a time from the test's start, a duration, a
// size, how a process ended). Plain text, written for a student reading a
// failed test; the drawing escapes it.

import type { SignalRecord } from '../../../core/processes';
import type { Bar } from './bars';
import type { ProcessRecord } from './data';
import type { Fetch, MapFate, MapRun, Served } from './shuffle';

/** A time as "+1.234s" from the test's start. */
export type Clock = (t: number) => string;

/** The clock of a test that started at `t0`. */
export function clockFrom(t0: number): Clock {
  return (t) => `+${((t - t0) / 1000).toFixed(3)}s`;
}

/** A name for a tooltip: quoted, control characters shown, long ones cut. */
export function quoted(s: string, max = 80): string {
  const clean = JSON.stringify(s); // quotes, escapes control characters
  return clean.length > max ? clean.slice(0, max - 2) + '…"' : clean;
}

/** A duration as "1.234 s". */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

/** Bytes as "340 B", "12.3 kB (12345 bytes)". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  let v = bytes / 1000;
  let unit = 0;
  while (v >= 1000 && unit < 2) {
    v /= 1000;
    unit++;
  }
  return `${v.toFixed(1)} ${['kB', 'MB', 'GB'][unit]} (${bytes} bytes)`;
}

/** How a process ended: "killed by SIGKILL", "exited with status 1", ... */
export function describeExit(p: ProcessRecord): string {
  if (!p.exit) return 'still running at the end';
  if (p.timedOut) return `killed at its time limit (${p.exit.signal ?? `status ${p.exit.code}`})`;
  if (p.exit.signal) return `killed by ${p.exit.signal}`;
  return `exited with status ${p.exit.code}`;
}

/** What a lane's tooltip needs besides its process. */
export interface LaneFacts {
  isRestart: boolean;
  end: number; // its exit, or the picture's end
  fetches: Fetch[]; // its own, from other workers
  served?: Served; // what came of the fetches others sent it
}

/** A lane's tooltip: the process, its life and how it ended, what it fetched and served. */
export function laneTip(p: ProcessRecord, facts: LaneFacts, at: Clock): string {
  const loop = p.loop !== undefined ? `, restart loop ${p.loop}${facts.isRestart ? ' (a restart)' : ''}` : '';
  const life = [
    `${p.role} (pid ${p.pid})${loop}`,
    `started ${at(p.startedAt)}, ${p.exit ? `ended ${at(p.exit.at)}` : 'never ended'} (${seconds(facts.end - p.startedAt)})`,
    describeExit(p),
  ];
  if (facts.fetches.length) {
    const failed = facts.fetches.filter((fe) => fe.failed).length;
    const bytes = facts.fetches.reduce((n, fe) => n + (fe.bytes ?? 0), 0);
    life.push(`fetched ${formatBytes(bytes)} in ${facts.fetches.length} fetches from other workers, ${failed} failed`);
  }
  if (facts.served) life.push(...servedLines(p, facts.served, at));
  return life.join('\n');
}

/** What a worker served: the fetches it answered; apart, those that failed, and why. */
function servedLines(p: ProcessRecord, s: Served, at: Clock): string[] {
  const lines: string[] = [];
  if (s.answered) lines.push(`served ${fetches(s.answered)}, ${formatBytes(s.bytes)}`);
  if (s.afterExit && p.exit) {
    const { signal, code } = p.exit;
    const when = at(p.exit.at);
    const why = signal ? `it was killed (${signal} at ${when})` : `it had exited (status ${code} at ${when})`;
    lines.push(`${fetches(s.afterExit)} from it failed: ${why}`);
  }
  if (s.failed) lines.push(`${fetches(s.failed)} from it failed while it ran: no answer, or not in time`);
  if (s.noReply) lines.push(`${fetches(s.noReply)} from it got no reply (the call threw, or the caller ended first)`);
  return lines;
}

/** "1 fetch", "89 fetches". */
function fetches(n: number): string {
  return `${n} fetch${n === 1 ? '' : 'es'}`;
}

/** A bar's tooltip: the call or calls, their times, how they failed, why the map ran more than once. */
export function barTip(b: Bar, p: ProcessRecord, fate: MapFate<ProcessRecord> | undefined, at: Clock): string {
  const [first, last] = [b.inputs[0], b.inputs[b.inputs.length - 1]];
  const what =
    b.phase === 'map'
      ? `map ${quoted(first)}`
      : b.inputs.length === 1
        ? `reduce key ${quoted(first)}`
        : `reduce: ${b.inputs.length} keys, ${quoted(first, 40)} … ${quoted(last, 40)}`;
  const longest = b.inputs.length > 1 ? `, longest call ${seconds(b.longest)}` : '';
  const failed = {
    'no end': ['the call never returned: the process died in it'],
    error: ['the call threw'],
  };
  return [
    what,
    `${at(b.start)} – ${at(b.end)} (${seconds(b.end - b.start)})${longest}`,
    ...(b.failed ? failed[b.failed] : []),
    ...(fate ? fateNotes(p, fate, at) : []),
    `${p.role}, pid ${p.pid}`,
  ].join('\n');
}

/** Why a map run is marked: its output lost with its worker, or a run of a task that had run before. */
function fateNotes(p: ProcessRecord, fate: MapFate<ProcessRecord>, at: Clock): string[] {
  const run = (r: MapRun<ProcessRecord>): string =>
    `${r.by.role} at ${at(r.start)}${r.finished === undefined ? ' (never finished)' : ''}`;
  const notes: string[] = [];
  if (fate.lost) {
    notes.push(`its output was lost at ${at(fate.lost.at)} with ${p.role}'s disk (${describeExit(p)})`);
    notes.push(`re-run by ${fate.lost.rerunBy.map(run).join(', ')}`);
  }
  const lost = fate.rerun?.after;
  if (lost)
    notes.push(`re-run after ${lost.by.role} was lost (${describeExit(lost.by)} at ${at(lost.by.exit?.at ?? 0)})`);
  if (fate.rerun) notes.push(`ran more than once: before on ${fate.rerun.earlier.map(run).join(', ')}`);
  return notes;
}

/** A fetch's tooltip: from whom, what came back and how fast, the call itself. */
export function fetchTip(fe: Fetch, server: ProcessRecord | undefined, p: ProcessRecord, at: Clock): string {
  const from = server ? `${server.role} (pid ${server.pid})` : quoted(fe.to); // an endpoint no worker served
  const took = seconds(fe.end - fe.start);
  const what =
    fe.failed === 'failed'
      ? `fetch from ${from} failed after ${took}: no answer, or not in time`
      : fe.failed === 'no reply'
        ? `fetch from ${from}: no reply recorded (the call threw, or ${p.role} ended first)`
        : `fetch from ${from}: ${fe.bytes === undefined ? 'bytes not recorded' : formatBytes(fe.bytes)} in ${took}`;
  return [what, `${at(fe.start)} – ${at(fe.end)}`, `${fe.method} to ${quoted(fe.to)}`, `${p.role}, pid ${p.pid}`].join(
    '\n',
  );
}

/** A signal's tooltip: the grader's signal, or a schedule's hold or release, and why. */
export function signalTip(s: SignalRecord, at: Clock): string {
  const what = s.staged ? (s.signal === 'SIGSTOP' ? 'held' : 'released') : `the grader sent ${s.signal}`;
  return `${what} (${s.why}) at ${at(s.at)}`;
}

/** The tooltip of a process's exit mark. */
export function exitTip(p: ProcessRecord, exitAt: number, at: Clock): string {
  return `${describeExit(p)} at ${at(exitAt)}`;
}

/** The tooltip of the swatch by a worker's label that gives the colour of the fetches it served. */
export function serverTip(p: ProcessRecord): string {
  return `fetches from ${p.role} are drawn in this colour`;
}

/** The label by a killed worker's ✕ when finished maps were lost with it: "4 maps lost", and which. */
export function lostWords(p: ProcessRecord, inputs: string[]): { text: string; tip: string } {
  const s = inputs.length === 1 ? '' : 's';
  return {
    text: `${inputs.length} map${s} lost`,
    tip: `the output of ${inputs.length} finished map task${s} went with ${p.role}'s disk: ${inputs.map((i) => quoted(i, 40)).join(', ')}`,
  };
}
