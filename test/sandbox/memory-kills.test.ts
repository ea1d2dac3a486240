// grader/sandbox/memory-kills.ts: a cell's processes killed for want of
// memory, and whose doing it was. The kernel counts the machine's OOM kills in
// the cell's own counter: a test at its limit fails; a test that used a small
// share of the memory there was is the grader's error (the machine ran out:
// seen in the kit's own CI, where another process took 23 GB); in between,
// the test fails with what happened.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { memoryBreach, memoryCeiling } from '../../grader/sandbox/memory-kills';
import { useTempDir } from '../helpers/tmpdir';

const dir = useTempDir('mr-oom-');
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** A cell's cgroup folder of these files, as the kernel leaves them. */
function group(files: Record<string, string>): string {
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir.path, file), text);
  return dir.path;
}
const v1Kills = (killed: number) => `oom_kill_disable 0\nunder_oom 0\noom_kill ${killed}\n`;
const v2Events = (max: number, killed: number) => `low 0\nhigh 0\nmax ${max}\noom ${max ? 1 : 0}\noom_kill ${killed}\n`;

test('no kill, no breach', () => {
  expect(memoryBreach(group({ 'memory.events': v2Events(3, 0) }), GiB, () => 8 * GiB)).toBeUndefined();
  expect(memoryBreach(group({}), GiB, () => 8 * GiB)).toBeUndefined();
});

test("at the cell's limit: the test's failure, from v2's events, v1's fail count, or a v1 peak at the limit", () => {
  const over = (killed: number) => ({
    line: `the test's processes used more than the memory limit of 1.0 GB (the kernel killed ${killed})`,
  });
  expect(memoryBreach(group({ 'memory.events': v2Events(7, 2) }), GiB, () => 8 * GiB)).toEqual(over(2));
  fs.rmSync(path.join(dir.path, 'memory.events'));
  expect(
    memoryBreach(group({ 'memory.oom_control': v1Kills(1), 'memory.failcnt': '12\n' }), GiB, () => 8 * GiB),
  ).toEqual(over(1));
  // v1 as this machine's kernel leaves it after the red team's memory attack: no fail count, the peak at the limit
  const v1 = group({ 'memory.failcnt': '0\n', 'memory.memsw.failcnt': '0\n', 'memory.max_usage_in_bytes': `${GiB}` });
  expect(memoryBreach(v1, GiB, () => 8 * GiB)).toEqual(over(1));
});

test("the machine ran out while the test used a small share of it: the grader's error", () => {
  const v2 = group({ 'memory.events': v2Events(0, 1), 'memory.peak': `${300 * MiB}` });
  expect(memoryBreach(v2, GiB, () => 24 * GiB)).toEqual({
    line:
      "the machine ran out of memory (it has 24.0 GB) and its kernel killed 1 of the test's processes " +
      "(they used 300 MB at most; the test's limit is 1.0 GB): run the test again",
    byMachine: true,
  });
});

test('the machine ran out while the test used much of it (a box smaller than the budget): the test fails, saying so', () => {
  const v2 = group({ 'memory.events': v2Events(0, 2), 'memory.peak': `${700 * MiB}` });
  expect(memoryBreach(v2, 2 * GiB, () => 768 * MiB)).toEqual({
    line:
      "the machine ran out of memory (it has 768 MB) and its kernel killed 2 of the test's processes " +
      "(they used 700 MB at most; the test's limit is 2.0 GB)",
  });
  // a peak not known: the test's, saying so
  const v1 = group({ 'memory.oom_control': v1Kills(1) });
  fs.rmSync(path.join(dir.path, 'memory.events'));
  fs.rmSync(path.join(dir.path, 'memory.peak'));
  expect(memoryBreach(v1, GiB, () => 24 * GiB)?.byMachine).toBeUndefined();
  expect(memoryBreach(v1, GiB, () => 24 * GiB)?.line).toMatch(
    /what they used at most is not known; the test's limit is 1.0 GB\)$/,
  );
});

test("the memory there was: the machine's, outside any cgroup", () => {
  expect(memoryCeiling(path.join(dir.path, 'cell-1'))).toBe(os.totalmem());
});

// A real cgroup with a limit, as a container's would be: where root may make
// one in the v1 memory hierarchy (this machine and CI), else skipped, saying so.
const V1_MEMORY = '/sys/fs/cgroup/memory';
const box = path.join(V1_MEMORY, `mr-lab-ceiling-${process.pid}`);
const boxWhyNot = makeBox();
const withBox = boxWhyNot ? test.skip : test;
if (boxWhyNot) console.log(`memory-kills: the real cgroup case is skipped: ${boxWhyNot}`);
afterAll(() => {
  for (const d of [path.join(box, 'grader'), box]) if (fs.existsSync(d)) fs.rmdirSync(d);
});

function makeBox(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  if (!fs.existsSync(path.join(V1_MEMORY, 'memory.limit_in_bytes'))) return 'no v1 memory hierarchy';
  try {
    fs.mkdirSync(box);
    fs.writeFileSync(path.join(box, 'memory.limit_in_bytes'), String(256 * MiB));
    fs.mkdirSync(path.join(box, 'grader'));
    return undefined;
  } catch (error) {
    return `cannot make a memory cgroup here (${(error as Error).message})`;
  }
}

withBox("the memory there was: less under a cgroup that limits it, read up to the hierarchy's root", () => {
  expect(memoryCeiling(path.join(box, 'grader', 'cell-1'))).toBe(256 * MiB);
});
