// A process that shares nothing with the other processes of its cell: a
// simulated peer, which must reach the others only through the grader. It
// gets network, IPC, mount and PID namespaces of its own (it sees no other
// process, and no other sees it), and an empty private tmpfs over every
// folder that all users may write, so nothing it writes there outlives it or
// reaches another peer, even under the same sandbox user id. It ends with
// the unshare that started it (--kill-child), whose group the grader kills.
// What it must run (node, its compiled code) may live under one of those
// folders (a kit cloned in /tmp, a Node unpacked there): such folders stay
// visible, read-only, at their paths in the private tmpfs.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
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

/** The first descriptor that holds a kept folder open while the private tmpfs covers it (0-4 are taken). */
const FIRST_KEPT_FD = 5;

/**
 * The words that run what follows them alone: unshare into fresh namespaces, then a root shell that mounts the
 * private folders and execs the rest (the drop to the sandbox user, then the command). `visible` are folders the
 * command needs (node's, its compiled code's): any under a private folder is held open by a descriptor before the
 * tmpfs covers it, then bound, read-only, at its path inside the tmpfs (by the descriptor: the path no longer
 * leads there, so mount must not resolve it).
 */
export function aloneWords(unshare: string, visible: readonly string[] = []): string[] {
  const folders = SHARED_FOLDERS.filter((d) => fs.existsSync(d));
  const kept = keptFolders(folders, visible);
  const q = (p: string) => `'${p.replace(/'/g, `'\\''`)}'`;
  const fd = (i: number) => FIRST_KEPT_FD + i;
  const script = [
    ...kept.map((p, i) => `exec ${fd(i)}<${q(p)} || exit 125`),
    ...folders.map((d) => `mount -t tmpfs -o size=${PRIVATE_TMP_SIZE},mode=1777,nosuid,nodev tmpfs ${d} || exit 125`),
    ...kept.flatMap((p, i) => [
      `mkdir -p ${q(p)} || exit 125`,
      `mount --no-canonicalize --bind /proc/self/fd/${fd(i)} ${q(p)} || exit 125`,
      `mount --no-canonicalize -o remount,bind,ro ${q(p)} || exit 125`,
      `exec ${fd(i)}<&-`,
    ]),
    'exec "$@"',
  ];
  return [unshare, ...NAMESPACES, '/bin/sh', '-c', script.join('; '), 'alone'];
}

/** The folders of `visible` a private tmpfs would hide, as given and as they really are (links followed). */
function keptFolders(folders: readonly string[], visible: readonly string[]): string[] {
  const hidden = (p: string) => folders.some((d) => p === d || p.startsWith(`${d}/`));
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return p;
    }
  };
  const all = visible.flatMap((p) => [path.resolve(p), real(p)]);
  return [...new Set(all)].filter((p) => hidden(p) && !folders.includes(p));
}
