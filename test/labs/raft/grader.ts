// Running the compiled grader (dist-grader/grader/cli.js) on the Raft lab as
// a process, with a private TMPDIR, for the lab's end-to-end tests.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startGroup, type GroupRun } from '../../helpers/proc';

export { isAlive } from '../../helpers/proc';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist-grader', 'grader', 'cli.js');

/** Runs `cli.js raft args...` to the end (killed after limitMs). */
export function runRaftGrader(args: string[], tmpdir: string, limitMs = 300_000): Promise<GroupRun> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  return startGroup(process.execPath, [CLI, 'raft', ...args], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: tmpdir, FORCE_COLOR: '0' },
    limitMs,
  }).done;
}

/** A private folder for the grader's TMPDIR, open to its sandbox users. */
export function makeTmp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-'));
  fs.chmodSync(dir, 0o755);
  return dir;
}

export interface JsonTest {
  test: string;
  name: string;
  status: string;
  notes: string[];
  seed?: string;
  replay?: { command: string };
  dir?: string;
}

/** The tests of a JSON report's first run. */
export function jsonTests(file: string): { tests: JsonTest[]; pids: number[]; passed: boolean } {
  const summary = JSON.parse(fs.readFileSync(file, 'utf8'));
  return { tests: summary.runs[0].tests, pids: summary.pids, passed: summary.passed };
}
