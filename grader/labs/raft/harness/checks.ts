// What the strict checks found, and what becomes of it. In a strict tier's
// test the first break fails the run at once, at the virtual time of the
// event that showed it (the trace's last lines are then what led to it). In
// the course's tests the course decides: each check's first break is kept
// and said under the test's verdict as a note, so a student sees what the
// stricter tier would fail.

import type { Simulation } from '../../../sim';

export interface Break {
  /** Which check: "election safety", "durability", ... */
  check: string;
  message: string;
  /** Virtual milliseconds. */
  atMs: number;
}

export class StrictChecks {
  /** The first break of each check, in the order found. */
  readonly breaks: Break[] = [];

  constructor(
    private readonly sim: Simulation,
    /** A strict tier's test: a break fails the run. */
    readonly failing: boolean,
  ) {}

  /** A check found a break: in a strict test the run fails now; else it is kept for a note. */
  break(check: string, message: string): void {
    if (this.failing) this.sim.fail(`${check}: ${message}`);
    if (!this.breaks.some((b) => b.check === check)) this.breaks.push({ check, message, atMs: this.sim.nowMs() });
  }

  /** The notes a course test's verdict gets. */
  notes(): string[] {
    return this.breaks.map(
      (b) => `note: the strict tier would fail this (${b.check}, at ${seconds(b.atMs)}): ${b.message}`,
    );
  }
}

/** Virtual time as the checks' messages say it: "12.345 s". */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

/** Virtual microseconds, likewise. */
export function secondsUs(us: number): string {
  return seconds(us / 1000);
}
