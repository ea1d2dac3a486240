// Temporary directories for tests: each test works in its own, removed afterwards.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Makes a fresh empty directory under the system's temp dir. */
export function makeTempDir(prefix = 'mr-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755); // the grader's sandbox users (tests run as root) pass through it
  return dir;
}

/** Removes a directory made by makeTempDir (restoring permissions a test may have taken away). */
export function removeTempDir(dir: string): void {
  try {
    for (const name of fs.readdirSync(dir)) {
      const entry = path.join(dir, name);
      // chmod follows symlinks: never touch what a link points at (the kit's inputs, say)
      if (!fs.lstatSync(entry).isSymbolicLink()) fs.chmodSync(entry, 0o700);
    }
  } catch {
    // already gone, or nothing to restore
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

/** In a describe(): a new temp dir for every test, as `dir.path`, removed after it. */
export function useTempDir(prefix?: string): { path: string } {
  const dir = { path: '' };
  beforeEach(() => {
    dir.path = makeTempDir(prefix);
  });
  afterEach(() => {
    if (dir.path) removeTempDir(dir.path);
  });
  return dir;
}
