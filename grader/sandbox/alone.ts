// A process that shares nothing with the other processes of its cell: a
// simulated peer, which must reach the others only through the grader. It
// gets network, IPC, mount and PID namespaces of its own (it sees no other
// process, and no other sees it), and an empty private tmpfs over every
// folder that all users may write, so nothing it writes there outlives it or
// reaches another peer, even under the same sandbox user id. It ends with
// the unshare that started it (--kill-child), whose group the grader kills.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { findTool } from './tools';

/** The folders every user may write on a Linux machine: each gets a private tmpfs. */
const SHARED_FOLDERS = ['/tmp', '/var/tmp', '/dev/shm', '/run/lock'];
/** Each private tmpfs's size: a peer needs no disk (the persister is the grader's). */
const PRIVATE_TMP_SIZE = '16m';

/** `unshare` if this machine lets root make every namespace the isolation needs; else undefined. */
export function canIsolate(): string | undefined {
  const unshare = findTool('unshare');
  if (!unshare || process.getuid?.() !== 0) return undefined;
  const probe = spawnSync(unshare, [...NAMESPACES, 'true'], { stdio: 'ignore', timeout: 5000 });
  return probe.status === 0 ? unshare : undefined;
}

const NAMESPACES = ['--net', '--ipc', '--mount', '--pid', '--fork', '--kill-child', '--mount-proc', '--'];

/**
 * The words that run what follows them alone: unshare into fresh namespaces, then a root shell that mounts the
 * private folders and execs the rest (the drop to the sandbox user, then the command).
 */
export function aloneWords(unshare: string): string[] {
  const folders = SHARED_FOLDERS.filter((d) => fs.existsSync(d));
  const mounts = folders
    .map((d) => `mount -t tmpfs -o size=${PRIVATE_TMP_SIZE},mode=1777,nosuid,nodev tmpfs ${d} || exit 125`)
    .join('; ');
  return [unshare, ...NAMESPACES, '/bin/sh', '-c', `${mounts}; exec "$@"`, 'alone'];
}
