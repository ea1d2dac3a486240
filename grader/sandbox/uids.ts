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

/**
 * Takes a lock file naming its holders' pids; a lock whose holders have all died is taken over.
 * A lock appears whole or not at all (written aside, then linked into place), so no grader reads one
 * half-written and takes it for dead; takeovers wait their turn (takeOver), so two graders never both
 * take over the same dead lock.
 */
export function takeLock(file: string, holders: number[]): boolean {
  const content = holders.join(' ');
  const created = create(file, content);
  if (created !== 'exists') return created;
  return takeOver(path.dirname(file), () => {
    if (!isDead(file)) return false;
    fs.rmSync(file, { force: true });
    return create(file, content) === true;
  });
}

/** A lock written whole, or 'exists' if there is one already; false if it cannot be made. */
function create(file: string, content: string): boolean | 'exists' {
  const aside = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.new`);
  try {
    fs.writeFileSync(aside, content, { mode: 0o600 });
    fs.linkSync(aside, file); // fails if the lock exists: the atomic test-and-set
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EEXIST' ? 'exists' : false;
  } finally {
    fs.rmSync(aside, { force: true });
  }
}

/** A lock none of whose holders lives (one that names no pid counts only once it is a few seconds old). */
function isDead(file: string): boolean {
  let text: string;
  let age: number;
  try {
    text = fs.readFileSync(file, 'utf8');
    age = Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return false;
  }
  const pids = text
    .trim()
    .split(/\s+/)
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid > 0);
  if (pids.length === 0) return age > UNNAMED_GRACE_MS; // an older grader may still be writing it
  return !pids.some((pid) => fs.existsSync(`/proc/${pid}`));
}

/** How old a lock that names no pid must be to count as dead. */
const UNNAMED_GRACE_MS = 5_000;
/** A takeover takes microseconds: a turn held longer than this was left by a grader that died in it. */
const TURN_STALE_MS = 10_000;
/** How long to wait for the turn before leaving this lock (the caller tries the next id). */
const TURN_WAIT_MS = 2_000;

/** Runs `f` while no other grader takes over a lock in `dir` (the turn is a folder: mkdir makes it or fails). */
function takeOver(dir: string, f: () => boolean): boolean {
  const turn = path.join(dir, '.takeover');
  const deadline = Date.now() + TURN_WAIT_MS;
  while (!makeTurn(turn)) {
    if (Date.now() > deadline) return false;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1); // another grader's turn: microseconds
  }
  try {
    return f();
  } finally {
    fs.rmdirSync(turn);
  }
}

/** Takes the turn; false while another grader holds it (one that died holding it loses it after a while). */
function makeTurn(turn: string): boolean {
  try {
    fs.mkdirSync(turn, { mode: 0o700 });
    return true;
  } catch {
    try {
      if (Date.now() - fs.statSync(turn).mtimeMs > TURN_STALE_MS) fs.rmdirSync(turn);
    } catch {
      // released meanwhile
    }
    return false;
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
