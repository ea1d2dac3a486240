// Containment: however the grader ends, no process of the student's side
// outlives it by more than a few seconds. Killed with SIGKILL (as the OOM
// killer would), its watchdog ends them; `npm run test-mr` ended with
// SIGTERM (as a CI runner does) ends the grader, which ends them.

import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { childrenOf, isAlive, makeTmp, removeTmp, ROOT, sleep, SOLUTION, startGrader } from '../labs/mr/grader-helpers';
import { listNetns, probeNetns } from '../helpers/netns';

const SOLUTION_CHALLENGE = path.join(ROOT, 'labs', 'mr', 'solution-challenge');

/** The bound the kit promises: every process of the student's side gone this soon. */
const GONE_WITHIN_MS = 5_000;

let tmp: string;
beforeEach(() => {
  tmp = makeTmp();
});
afterEach(() => removeTmp(tmp));

/**
 * Every process whose environment carries a marker of the grader's cells
 * (the student's side, any user id) and that works under this test's
 * folder (other graders may run meanwhile).
 */
function studentSide(): number[] {
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const ours = fs.readlinkSync(`/proc/${name}/cwd`).startsWith(tmp);
      if (ours && fs.readFileSync(`/proc/${name}/environ`).includes('MR_LAB_CELL=')) found.push(Number(name));
    } catch {
      // gone
    }
  }
  return found;
}

/** Waits until the student side has at least `n` processes (the coordinator and some workers). */
async function waitForStudentSide(n: number): Promise<void> {
  for (let i = 0; i < 600 && studentSide().length < n; i++) await sleep(100);
  if (studentSide().length < n) throw new Error(`the student side never had ${n} processes`);
}

/** How long until no process of the student's side is left (or the bound, doubled, has passed). */
async function timeUntilGone(): Promise<{ ms: number; left: number[] }> {
  const t0 = Date.now();
  let left = studentSide();
  while (left.length && Date.now() - t0 < 2 * GONE_WITHIN_MS) {
    await sleep(100);
    left = studentSide();
  }
  return { ms: Date.now() - t0, left };
}

test('kill -9 of the grader: its watchdog ends every process of the student side within 5 s', async () => {
  const { child, done } = startGrader(['quiet', '--impl', SOLUTION, '--only', 'crash'], tmp);
  await waitForStudentSide(3);
  child.kill('SIGKILL');
  await done;
  const { ms, left } = await timeUntilGone();
  expect(left).toEqual([]);
  expect(ms).toBeLessThan(GONE_WITHIN_MS);
}, 120_000);

test('kill -9 of the grader: its watchdog removes its scratch folders (the build, $TMPDIR on tmpfs, the gates)', async () => {
  // herd is an extended test: its workers get a $TMPDIR on a tmpfs (if there is one) and a gates folder.
  const { child, done } = startGrader(['quiet', '--impl', SOLUTION, '--only', 'herd'], tmp);
  await waitForStudentSide(3);
  const scratch = new Set<string>();
  for (const pid of studentSide()) {
    const env = environOf(pid);
    for (const name of ['TMPDIR', 'MR_GATES']) if (env[name]) scratch.add(env[name]);
  }
  const builds = path.join(ROOT, '.mr-build');
  for (const name of fs.readdirSync(builds)) if (name.startsWith(`${child.pid}-`)) scratch.add(path.join(builds, name));
  expect([...scratch].some((d) => d.startsWith(path.join(ROOT, '.mr-build')))).toBe(true);
  expect([...scratch].some((d) => d.includes('mrg-'))).toBe(true);
  child.kill('SIGKILL');
  await done;
  await timeUntilGone();
  let left = [...scratch].filter((d) => fs.existsSync(d));
  for (let i = 0; i < 50 && left.length; i++) {
    await sleep(100);
    left = left.filter((d) => fs.existsSync(d));
  }
  expect(left).toEqual([]);
}, 120_000);

const netnsWhyNot = probeNetns();
const withNetns = netnsWhyNot ? test.skip : test;
if (netnsWhyNot) console.log(`containment: the two-hosts case is skipped: ${netnsWhyNot}`);

withNetns(
  'kill -9 of the grader: its watchdog deletes the network namespaces of the two-hosts test',
  async () => {
    const { child, done } = startGrader(['quiet', '--impl', SOLUTION_CHALLENGE, '--only', 'two-hosts'], tmp);
    const mine = (): string[] => listNetns().filter((ns) => ns.endsWith(`-${child.pid}`));
    for (let i = 0; i < 600 && (mine().length < 2 || studentSide().length < 1); i++) await sleep(100);
    expect(mine()).toHaveLength(2); // the two hosts
    child.kill('SIGKILL');
    await done;
    await timeUntilGone();
    for (let i = 0; i < 50 && mine().length; i++) await sleep(100);
    expect(mine()).toEqual([]);
  },
  120_000,
);

function environOf(pid: number): Record<string, string> {
  try {
    const entries = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    return Object.fromEntries(
      entries.filter((e) => e.includes('=')).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
    );
  } catch {
    return {};
  }
}

test('SIGTERM to npm run test-mr reaches the grader: no orphan, no process of the student side', async () => {
  const npm = spawn('npm', ['run', '--silent', 'test-mr', '--', 'quiet', '--impl', SOLUTION, '--only', 'crash'], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: tmp },
    stdio: 'ignore',
    detached: true,
  });
  const exited = new Promise<void>((resolve) => npm.once('close', () => resolve()));
  try {
    // The grader is npm's child once the script's shell has exec'd it.
    let grader: number | undefined;
    for (let i = 0; i < 600 && grader === undefined; i++) {
      await sleep(100);
      grader = childrenOf(npm.pid!).find((pid) => readCmdline(pid).includes('dist-grader/grader/cli.js'));
    }
    expect(grader).toBeDefined();
    await waitForStudentSide(3);
    process.kill(npm.pid!, 'SIGTERM');
    await exited;
    const { ms, left } = await timeUntilGone();
    expect(left).toEqual([]);
    expect(ms).toBeLessThan(GONE_WITHIN_MS);
    for (let i = 0; i < 50 && isAlive(grader!); i++) await sleep(100);
    expect(isAlive(grader!)).toBe(false);
  } finally {
    try {
      process.kill(-npm.pid!, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
}, 180_000);

function readLock(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return ''; // no lock (freed meanwhile)
  }
}

function readCmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

// Graders side by side (bulk grading, --parallel) each take sandbox user ids.
// A grader's watchdog reaps its user ids once more after the grader has gone,
// so the lock must stay until then: freed earlier, the id could go to another
// grader, whose fresh processes that last reap would kill.
const rootTest = process.getuid?.() === 0 ? test : test.skip;
rootTest(
  'a sandbox user id stays locked, by the grader and its watchdog, until the watchdog has reaped it a last time',
  async () => {
    const locks = '/run/mr-lab-uids';
    const { child, done } = startGrader(['quiet', '--impl', SOLUTION, '--only', 'wc'], tmp);
    let ours: { file: string; pids: number[] } | undefined;
    for (let i = 0; i < 300 && !ours; i++) {
      // A lock is named by its uid; dot files are locks being written and the takeover turn.
      for (const name of fs.existsSync(locks) ? fs.readdirSync(locks).filter((n) => /^\d+$/.test(n)) : []) {
        const pids = readLock(`${locks}/${name}`).split(/\s+/).map(Number);
        if (pids[0] === child.pid) ours = { file: `${locks}/${name}`, pids };
      }
      if (!ours) await sleep(100);
    }
    expect(ours?.pids.length).toBe(2);
    const watchdog = ours!.pids[1];
    expect(fs.readFileSync(`/proc/${watchdog}/cmdline`, 'utf8')).toContain('watchdog.js');
    expect((await done).code).toBe(0);
    // The lock goes only once the watchdog is done, never before it: a
    // watchdog seen gone must have left no lock of ours behind. It is looked
    // at first (the watchdog removes the lock, then exits), and the lock is
    // ours only while it names our grader: once freed, the same id may go
    // at once to a grader of another test running alongside.
    const stillOurs = (): boolean => readLock(ours!.file).split(/\s+/)[0] === String(child.pid);
    for (let i = 0; i < 50; i++) {
      const watching = isAlive(watchdog);
      const held = stillOurs();
      if (!watching) expect(held).toBe(false);
      if (!held) break;
      await sleep(100);
    }
    expect(stillOurs()).toBe(false);
  },
  120_000,
);
