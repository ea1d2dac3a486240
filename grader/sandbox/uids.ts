// Sandbox user ids (root only): the ids student processes run under, 61000
// and up (MR_LAB_FIRST_UID moves the range). One is free when no live grader
// holds its lock file in /run/mr-lab-uids, no process runs under it, and
// /etc/passwd gives it to no one but us (names starting with "mrlab"). The
// lock files are root's, in a folder only root can write, so no student can
// fake one; a lock whose holders have all died is taken over. The wall
// (wall.ts) takes one id per lane and tells its watchdog of each lock.

import * as fs from 'fs';
import * as path from 'path';
import { findProcesses } from './reap';

/** Sandbox user ids: FIRST_UID .. FIRST_UID + UID_COUNT - 1, or from MR_LAB_FIRST_UID. */
const FIRST_UID = Number(process.env.MR_LAB_FIRST_UID) || 61000;
const UID_COUNT = 1000;
/** Lock files of the user ids in use (root-owned, so no student can fake one). */
const UID_LOCKS = '/run/mr-lab-uids';

/**
 * A free sandbox user id: no lock file of a live grader, no process, no login of someone else.
 * Its lock file names `holders()`' pids (asked afresh for each id tried); the caller removes it when done.
 */
export function takeFreeUid(holders: () => number[]): { uid: number; lock: string } {
  ensurePrivateDir(UID_LOCKS);
  const passwd = readPasswd();
  for (let uid = FIRST_UID; uid < FIRST_UID + UID_COUNT; uid++) {
    const name = passwd.get(uid);
    if (name !== undefined && !name.startsWith('mrlab')) continue; // a real user's id
    const lock = path.join(UID_LOCKS, String(uid));
    if (!takeLock(lock, holders())) continue;
    if (findProcesses({ uid }).length > 0) {
      fs.rmSync(lock, { force: true }); // someone else's processes: not free
      continue;
    }
    return { uid, lock };
  }
  throw new Error(`no free sandbox user id in ${FIRST_UID}..${FIRST_UID + UID_COUNT - 1} (set MR_LAB_FIRST_UID)`);
}

/** Makes `dir` if need be, and refuses it unless it is a folder owned by root that only root can write. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = fs.lstatSync(dir);
  if (!st.isDirectory() || st.uid !== 0 || (st.mode & 0o022) !== 0) {
    throw new Error(`${dir} must be a folder owned by root that only root can write`);
  }
}

/** Takes a lock file naming its holders' pids; a lock whose holders have all died is taken over. */
export function takeLock(file: string, holders: number[]): boolean {
  const content = holders.join(' ');
  try {
    fs.writeFileSync(file, content, { flag: 'wx' });
    return true;
  } catch {
    let pids: number[];
    try {
      pids = fs.readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
    } catch {
      return false;
    }
    if (pids.some((pid) => Number.isInteger(pid) && pid > 0 && fs.existsSync(`/proc/${pid}`))) return false;
    fs.rmSync(file, { force: true });
    try {
      fs.writeFileSync(file, content, { flag: 'wx' });
      return true;
    } catch {
      return false; // another grader was quicker
    }
  }
}

function readPasswd(): Map<number, string> {
  const users = new Map<number, string>();
  try {
    for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [name, , uid] = line.split(':');
      if (uid !== undefined && /^\d+$/.test(uid)) users.set(Number(uid), name);
    }
  } catch {
    // no passwd file
  }
  return users;
}
