// Several tests of one run at once, reported as if one at a time: what a
// test shows (its start, its live lines, its end) happens at once while it
// is the earliest test still running, and is held back until then
// otherwise. The console then reads as a sequential run would, and the
// reports list the tests in the catalogue's order.

export class InOrder {
  /** The earliest test not yet finished: its actions run at once. */
  private head = 0;
  private readonly held = new Map<number, (() => void)[]>();
  private readonly finished = new Set<number>();

  /** Whether test `i`'s actions are held back (an earlier test still runs). */
  waiting(i: number): boolean {
    return i !== this.head;
  }

  /** Runs `action` now if test `i` is at the head, or when it gets there. */
  do(i: number, action: () => void): void {
    if (i === this.head) action();
    else this.held.set(i, [...(this.held.get(i) ?? []), action]);
  }

  /** Test `i` has done its last action: the tests after it, up to the next one still running, catch up. */
  finish(i: number): void {
    this.finished.add(i);
    while (this.finished.has(this.head)) {
      this.finished.delete(this.head);
      this.head++;
      const actions = this.held.get(this.head) ?? [];
      this.held.delete(this.head);
      for (const action of actions) action();
    }
  }
}
