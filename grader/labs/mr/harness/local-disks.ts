// The challenge track's local disks: each challenge worker's folder of its
// own, outside the job's (which is the shared one), and where it serves the
// others (src/mr/challenge.ts). The job makes one for each challenge worker
// it starts; the challenge checks and the timeline ask who serves where.

import * as path from 'path';
import type { Proc } from '../../../core/processes';

/** A challenge worker's local disk, and where it serves the others. */
export interface LocalDisk {
  local: string;
  serveOn: string;
}

export class LocalDisks {
  private readonly disks = new Map<Proc, LocalDisk>();

  /** `root`: a short folder of the job's own, where the disks are made. */
  constructor(private readonly root: string) {}

  /** Worker n's disk, serving the others on `serveOn`, or by default on a socket on the disk. */
  make(n: number, serveOn?: string): LocalDisk {
    const local = path.join(this.root, `disk-${n}`); // short: its socket's path must fit
    return { local, serveOn: serveOn ?? path.join(local, 'worker.sock') };
  }

  /** `proc` runs on `disk`. */
  add(proc: Proc, disk: LocalDisk): void {
    this.disks.set(proc, disk);
  }

  get(proc: Proc): LocalDisk | undefined {
    return this.disks.get(proc);
  }

  /** Every worker on a disk, with its disk. */
  [Symbol.iterator](): IterableIterator<[Proc, LocalDisk]> {
    return this.disks.entries();
  }

  /** The worker serving the others at `address`, if one does. */
  workerAt(address: string): Proc | undefined {
    for (const [proc, disk] of this.disks) if (disk.serveOn === address) return proc;
    return undefined;
  }
}
