// Running the compiled grader (dist-grader/grader/cli.js) as a process, for
// the grader's own tests. Each run gets a private TMPDIR, so that what the
// grader leaves behind (or not) can be checked.

import { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GroupRun, startGroup } from '../../helpers/proc';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const CLI = path.join(ROOT, 'dist-grader', 'grader', 'cli.js');
export const SOLUTION = path.join(ROOT, 'labs', 'mr', 'solution');

export type GraderRun = GroupRun;

export interface Started {
  child: ChildProcess;
  done: Promise<GraderRun>;
}

/** Starts the grader with a private TMPDIR; `done` resolves when it exits (SIGKILLed after limitMs). */
export function startGrader(args: string[], tmpdir: string, limitMs = 240_000): Started {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  return startGroup(process.execPath, [CLI, 'mr', ...args], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: tmpdir, FORCE_COLOR: '0' },
    limitMs,
  });
}

export function runGrader(args: string[], tmpdir: string, limitMs?: number): Promise<GraderRun> {
  return startGrader(args, tmpdir, limitMs).done;
}

/** A fresh private folder to serve as the grader's TMPDIR (short: socket paths live in it). */
export function makeTmp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-'));
  fs.chmodSync(dir, 0o755); // as root, the grader's sandbox users pass through it to their test folders
  return dir;
}

export function removeTmp(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export { isAlive } from '../../helpers/proc';

/** True while any process is in the process group `pgid`. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pids of the live children of `pid` (from /proc). */
export function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid && fields[0] !== 'Z') kids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return kids;
}

/** The lines "--- <name> test: PASS|FAIL" of a grader's output, as [name, verdict]. */
export function verdicts(stdout: string): [string, string][] {
  return [...stdout.matchAll(/^--- (.+) test: (PASS|FAIL)/gm)].map((m) => [m[1], m[2]]);
}

export const COURSE_NAMES = [
  'wc',
  'indexer',
  'map parallelism',
  'reduce parallelism',
  'job count',
  'early exit',
  'crash',
];

export { sleep } from '../../../src/kit/time';
