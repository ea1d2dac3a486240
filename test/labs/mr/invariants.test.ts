// The exact invariants (grader/labs/mr/harness/invariants.ts) on a real run: a worker that
// writes mr-out-Y under its final name is seen by the kit's driver, not by
// a lucky poll. The course's wc test keeps its verdict and notes it; the
// extended tier's layout test fails on it. The reference solution breaks none.

import * as fs from 'fs';
import * as path from 'path';
import { DEFECTS } from './zoo/defects';
import { makeTmp, removeTmp, runGrader, SOLUTION, verdicts } from './grader-helpers';

let tmp: string;
beforeAll(() => {
  tmp = makeTmp();
});
afterAll(() => removeTmp(tmp));

function withDefect(name: string): string {
  const defect = DEFECTS.find((d) => d.name === name)!;
  const impl = path.join(tmp, name);
  fs.cpSync(SOLUTION, impl, { recursive: true });
  for (const edit of defect.edits) {
    const file = path.join(impl, edit.file);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.split(edit.find).length - 1).toBe(1);
    fs.writeFileSync(
      file,
      text.replace(edit.find, () => edit.replace),
    );
  }
  return impl;
}

test("writing mr-out-Y in place: a note under the course's PASS, a failure in the extended tier", async () => {
  const impl = withDefect('reduce-output-in-place');
  const run = await runGrader(['quiet', '--impl', impl, '--only', 'wc,layout'], tmp, 200_000);
  expect(verdicts(run.stdout)).toEqual([
    ['wc', 'PASS'],
    ['layout', 'FAIL'],
  ]);
  const [wc, layout] = run.stdout.split('*** Starting layout test.');
  expect(wc).toMatch(/note: worker \d \(pid \d+\) opened mr-out-\d for writing under its final name \(openSync\)/);
  expect(layout).toMatch(/worker \d \(pid \d+\) opened mr-out-\d for writing under its final name/);
}, 240_000);

test('the reference solution breaks no invariant, in either tier', async () => {
  const run = await runGrader(['quiet', '--impl', SOLUTION, '--only', 'wc,crash,layout,hung-worker'], tmp, 300_000);
  expect(verdicts(run.stdout)).toEqual([
    ['wc', 'PASS'],
    ['crash', 'PASS'],
    ['hung worker', 'PASS'],
    ['layout', 'PASS'],
  ]);
  expect(run.stdout).not.toContain('note:');
}, 360_000);
