// The strict tests' clients: coroutines that keep starting commands on
// every peer (whichever leads takes them) while the faults go on. They
// check nothing themselves: the strict checks watch every apply, and the
// liveness phase asks for progress at the end.

import type { Cluster } from './cluster';
import { randInt } from './draws';
import { Tasks } from './tasks';

export class Clients {
  private stopped = false;
  private readonly tasks: Tasks;
  /** Commands some peer accepted as leader. */
  accepted = 0;

  constructor(private readonly cfg: Cluster) {
    this.tasks = new Tasks(cfg);
  }

  /** Starts `count` clients, each pausing 10-100 ms between commands. */
  start(count: number): void {
    for (let c = 0; c < count; c++) void this.tasks.go(() => this.client());
  }

  /** Stops them, and waits for each to finish what it was doing. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.tasks.join();
  }

  private async client(): Promise<void> {
    const { cfg } = this;
    while (!this.stopped) {
      const command = randInt(cfg.rand);
      for (let i = 0; i < cfg.n; i++) {
        if (!cfg.alive(i)) continue;
        if ((await cfg.start(i, command))?.[2]) {
          this.accepted++;
          break;
        }
      }
      await cfg.sleep(10 + cfg.rand.int(91));
    }
  }
}
