// The virtual clock and its event queue. Time is an integer number of
// microseconds: the course's constants are whole milliseconds, but a
// student's timeout of 150 + Math.random() * 150 ms keeps its order against
// the others instead of colliding on a millisecond. Events due at the same
// time run in the order they were scheduled (a sequence number breaks
// ties), so the order never depends on anything but the run itself.

export interface Scheduled {
  readonly at: number;
  readonly seq: number;
  cancelled: boolean;
  readonly run: () => void | Promise<void>;
}

export class Clock {
  private nowUs = 0;
  private nextSeq = 0;
  private readonly heap: Scheduled[] = [];

  /** Virtual microseconds since the start. */
  now(): number {
    return this.nowUs;
  }

  /** Schedules `run` at `atUs` (never in the past). Cancel by setting `cancelled`. */
  at(atUs: number, run: () => void | Promise<void>): Scheduled {
    const event: Scheduled = { at: Math.max(atUs, this.nowUs), seq: this.nextSeq++, cancelled: false, run };
    this.heap.push(event);
    this.up(this.heap.length - 1);
    return event;
  }

  after(delayUs: number, run: () => void | Promise<void>): Scheduled {
    return this.at(this.nowUs + delayUs, run);
  }

  /** The next live event, without removing it. */
  peek(): Scheduled | undefined {
    while (this.heap.length > 0 && this.heap[0].cancelled) this.pop();
    return this.heap[0];
  }

  /** Removes the next live event and moves the clock to its time. */
  next(): Scheduled | undefined {
    const event = this.peek();
    if (!event) return undefined;
    this.pop();
    this.nowUs = event.at;
    return event;
  }

  private pop(): void {
    const last = this.heap.pop()!;
    if (this.heap.length === 0) return;
    this.heap[0] = last;
    this.down(0);
  }

  private before(a: Scheduled, b: Scheduled): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(this.heap[i], this.heap[parent])) return;
      [this.heap[i], this.heap[parent]] = [this.heap[parent], this.heap[i]];
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < this.heap.length && this.before(this.heap[left], this.heap[least])) least = left;
      if (right < this.heap.length && this.before(this.heap[right], this.heap[least])) least = right;
      if (least === i) return;
      [this.heap[i], this.heap[least]] = [this.heap[least], this.heap[i]];
      i = least;
    }
  }
}
