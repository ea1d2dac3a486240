// The grader's watchdog: `node watchdog.js GRADER_PID`, started by the
// grader (wall.ts) in a session of its own, outside every test's cgroup.
// The grader tells it, one JSON line at a time on its stdin, what the
// student's side is: cells (cgroups, marker, user id), process groups, user
// ids and their lock files, the grader's scratch folders and the network
// namespaces it made (two-hosts test). When that pipe closes, because the
// grader ended or died (kill -9, the OOM killer), it ends every process it
// was told of, removes the cgroups, the scratch folders and namespaces the
// grader had not removed and the lock files, and exits. Node has no
// PR_SET_PDEATHSIG; a pipe's end is the signal that cannot be missed.

import * as fs from 'fs';
import { reap, removeCgroups } from './reap';
import { deleteNetns } from './netns';

interface CellRecord {
  cgroups: string[];
  marker?: string;
  uid?: number;
  pgids: number[];
}

const cells = new Map<string, CellRecord>();
const uids = new Set<number>();
const locks = new Set<string>();
const folders = new Set<string>(); // scratch folders the grader had not removed yet
const namespaces = new Set<string>(); // network namespaces the grader had not deleted yet

function take(message: Record<string, unknown>): void {
  if (typeof message.forget === 'string') {
    cells.delete(message.forget);
    return;
  }
  if (typeof message.cell === 'string') {
    let cell = cells.get(message.cell);
    if (!cell) cells.set(message.cell, (cell = { cgroups: [], pgids: [] }));
    if (Array.isArray(message.cgroups))
      cell.cgroups.push(...message.cgroups.filter((d): d is string => typeof d === 'string'));
    if (typeof message.marker === 'string') cell.marker = message.marker;
    if (typeof message.uid === 'number') cell.uid = message.uid;
    if (typeof message.pgid === 'number') cell.pgids.push(message.pgid);
    return;
  }
  if (typeof message.folder === 'string') folders.add(message.folder);
  if (typeof message.forgetFolder === 'string') folders.delete(message.forgetFolder);
  if (typeof message.uid === 'number') uids.add(message.uid);
  if (typeof message.lock === 'string') locks.add(message.lock);
  if (typeof message.netns === 'string') namespaces.add(message.netns);
  if (typeof message.forgetNetns === 'string') namespaces.delete(message.forgetNetns);
}

function endAll(): void {
  for (const cell of cells.values()) {
    reap({
      cgroups: cell.cgroups,
      uid: cell.uid,
      marker: cell.uid === undefined ? cell.marker : undefined,
      pgids: cell.pgids,
    });
    removeCgroups(cell.cgroups);
  }
  for (const uid of uids) reap({ uid });
  // The grader's own cgroup folders (parents of the cells) go when empty.
  const parents = new Set([...cells.values()].flatMap((c) => c.cgroups.map((d) => d.slice(0, d.lastIndexOf('/')))));
  removeCgroups([...parents]);
  for (const folder of folders) {
    try {
      fs.rmSync(folder, { recursive: true, force: true }); // links inside are removed, never followed
    } catch {
      // the next folder still goes
    }
  }
  for (const lock of locks) fs.rmSync(lock, { force: true });
  for (const name of namespaces) deleteNetns(name); // its processes are gone: the namespace goes with its mount
}

let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  pending += chunk;
  let nl: number;
  while ((nl = pending.indexOf('\n')) >= 0) {
    const line = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    try {
      take(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not a message
    }
  }
});
const finish = (): void => {
  endAll();
  process.exit(0);
};
process.stdin.on('end', finish);
process.stdin.on('error', finish);
// Signals meant for the grader's terminal never reach us (own session); others must not stop the cleanup.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => undefined);
