// The crash test's restart loops, as the course's: each starts a worker
// again a second after it exits, for as long as the job goes on. The loops
// remember which of them started each worker (the timeline draws them).

import { Proc, sleep } from '../../../core/processes';

export class RestartLoops {
  private readonly loops: Promise<void>[] = [];
  /** Workers started by a restart loop: which loop, 1-based. */
  readonly restartedBy = new Map<Proc, number>();

  /** Starts a loop: `start` a worker, and again a second after each exit, while `going`. */
  add(going: () => boolean, start: () => Proc): void {
    const loop = this.loops.length + 1;
    this.loops.push(
      (async () => {
        while (going()) {
          const w = start();
          this.restartedBy.set(w, loop);
          await w.exited;
          await sleep(1000);
        }
      })(),
    );
  }

  /** Whether any loop was started. */
  get any(): boolean {
    return this.loops.length > 0;
  }

  /** Resolves once every loop has ended. */
  async ended(): Promise<void> {
    await Promise.all(this.loops);
  }
}
