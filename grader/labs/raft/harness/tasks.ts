// The tester's own goroutines: coroutines a test runs beside its main line
// (concurrent one() calls, the churn tests' clients). Each runs inside the
// simulation like the main line; a failed check in one fails the whole run
// at once, as the course's t.Fatalf from a goroutine does, and never
// escapes as an unhandled rejection.

import { SimFailure } from '../../../sim';
import type { Cluster } from './cluster';

export class Tasks {
  private readonly running: Promise<void>[] = [];
  private error?: unknown;

  constructor(private readonly cluster: Cluster) {}

  /** Starts a coroutine now (go func() { ... }()); its value is kept for join(). */
  go<T>(task: () => Promise<T>): Promise<T | undefined> {
    const done = task().catch((error: unknown) => {
      this.error ??= error;
      if (error instanceof SimFailure) this.cluster.sim.fail(error.message, error.notes);
      return undefined;
    });
    this.running.push(done.then(() => undefined));
    return done;
  }

  /** Waits for every coroutine started so far (wg.Wait()); rethrows the first failure. */
  async join(): Promise<void> {
    await Promise.all(this.running);
    if (this.error !== undefined) throw this.error;
  }
}
