// One job's private folders, besides its own (the workers' cwd): the
// endpoint's (fresh and short, for a unix socket's path; the challenge
// workers' local disks are made in it too), the students' temporary folder
// ($TMPDIR, $HOME: on another file system than the job's folder when a
// strict tier asks, as on many students' machines), and the forced
// schedules' gates ($MR_GATES). Each is a scratch folder of the run,
// removed when the job stops.

import * as fs from 'fs';
import * as path from 'path';
import type { ScratchFolders } from '../../../sandbox/scratch';
import type { Wall } from '../../../sandbox/wall';

export class JobFolders {
  /** The endpoint's folder (mode 0700). */
  readonly sockDir: string;
  /** The students' temporary folder ($TMPDIR, $HOME) of this job: theirs to write, measured, removed. */
  readonly tmp: string;
  /** $TMPDIR is on another file system than the job's folder (a tmpfs), as on many students' machines. */
  readonly foreignTmp: boolean;
  /** The folder where a forced schedule arms holds ($MR_GATES): the grader's, readable by the job's processes. */
  private gates?: string;

  /** With `foreignTmp`, the temporary folder is on another file system than `dir`, when there is one. */
  constructor(
    private readonly wall: Wall,
    private readonly scratch: ScratchFolders,
    dir: string,
    foreignTmp = false,
  ) {
    this.sockDir = privateSocketDir(wall.tmpdir());
    scratch.add(this.sockDir);
    const elsewhere = foreignTmp ? otherFileSystem(dir) : undefined;
    this.foreignTmp = elsewhere !== undefined;
    this.tmp = elsewhere ? fs.mkdtempSync(path.join(elsewhere, 'mr-tmp-')) : path.join(this.sockDir, 'tmp');
    if (elsewhere) scratch.add(this.tmp);
    else fs.mkdirSync(this.tmp);
  }

  /** The job's $MR_GATES folder (made on first use; see src/main/holds.ts). */
  gateDir(): string {
    if (!this.gates) {
      this.gates = fs.mkdtempSync(path.join(this.wall.tmpdir(), 'mrg-'));
      fs.chmodSync(this.gates, 0o755); // only the grader writes here; the workers look
      this.scratch.add(this.gates);
    }
    return this.gates;
  }

  /** What the disk budget measures besides the job's own folder. */
  measured(): string[] {
    return [this.sockDir, ...(this.foreignTmp ? [this.tmp] : [])];
  }

  /** Removes them all (once the job's processes have gone). */
  remove(): void {
    for (const dir of [this.sockDir, this.gates, this.foreignTmp ? this.tmp : undefined]) {
      if (dir) this.scratch.remove(dir);
    }
  }
}

/** Where a temporary folder on another file system than `dir` can be made: a tmpfs such as /dev/shm, if the machine has one. */
export function otherFileSystem(dir: string): string | undefined {
  for (const candidate of ['/dev/shm', '/run/shm']) {
    try {
      const st = fs.statSync(candidate);
      if (!st.isDirectory() || st.dev === fs.statSync(dir).dev) continue;
      fs.accessSync(candidate, fs.constants.W_OK | fs.constants.X_OK);
      return candidate;
    } catch {
      // not here, or not ours to write
    }
  }
  return undefined;
}

/** A fresh folder (mode 0700) for one endpoint; short enough for a unix socket path (< 100 bytes). */
function privateSocketDir(tmpdir: string): string {
  const dir = fs.mkdtempSync(path.join(tmpdir, 'mrs-'));
  if (path.join(dir, 'mr.sock').length < 100) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  return fs.mkdtempSync('/tmp/mrs-');
}
