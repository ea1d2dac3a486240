// What a forced schedule did, in the order it happened. A step is often told
// after the moment it names (a hold is seen in a trace a poll later than the
// worker stopped), so the lines are kept with their times and told sorted by
// time; steps of one moment keep the order they were told in.

export class Story {
  private readonly steps: Array<{ time: number; line: string }> = [];

  constructor(private readonly t0: number) {}

  tell(line: string, time: number): void {
    this.steps.push({ time, line });
  }

  get length(): number {
    return this.steps.length;
  }

  /** "12.3 s: worker 2 (pid 123) held in the map of x", in time order. */
  lines(): string[] {
    return [...this.steps] // a stable sort: one moment's steps keep their order
      .sort((a, b) => a.time - b.time)
      .map((s) => `${((s.time - this.t0) / 1000).toFixed(1)} s: ${s.line}`);
  }
}
