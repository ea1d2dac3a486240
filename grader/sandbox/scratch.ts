// The grader's scratch folders (endpoint folders, $TMPDIR on a tmpfs, gate
// folders, the build): removed by the grader when a test or the run ends,
// and by its watchdog if the grader is killed before it could (kill -9, the
// OOM killer). A folder in /dev/shm left behind would hold RAM until reboot.

import * as fs from 'fs';

/** What the watchdog is told: it removes, when it ends, each folder it was told of and not told to forget. */
export type Tell = (message: { folder: string } | { forgetFolder: string }) => void;

export class ScratchFolders implements Iterable<string> {
  private readonly folders = new Set<string>();

  constructor(private readonly tell: Tell) {}

  /** Takes a folder made by the grader into account. */
  add(dir: string): void {
    this.folders.add(dir);
    this.tell({ folder: dir });
  }

  /** Removes a folder now. */
  remove(dir: string): void {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // At the very end the watchdog, its pipe closed, may be removing the same folder at this moment.
    }
    this.folders.delete(dir);
    this.tell({ forgetFolder: dir });
  }

  /** Removes every folder still here. */
  removeAll(): void {
    for (const dir of [...this.folders]) this.remove(dir);
  }

  [Symbol.iterator](): Iterator<string> {
    return this.folders.values();
  }
}
