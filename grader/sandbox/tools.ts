// The system's own tools the wall uses (util-linux's setpriv, prlimit,
// unshare), found in the system's folders, never on $PATH.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** A program of util-linux or the like, from the system's own folders (never from $PATH). */
export function findTool(name: string): string | undefined {
  for (const dir of ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** `unshare` if it can make a network namespace here (root, and not a container that forbids it). */
export function canUnshareNet(): string | undefined {
  const unshare = findTool('unshare');
  if (!unshare) return undefined;
  return spawnSync(unshare, ['--net', 'true'], { stdio: 'ignore', timeout: 5000 }).status === 0 ? unshare : undefined;
}
