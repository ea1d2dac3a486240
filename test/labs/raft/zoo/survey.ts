// Measures the zoo (not a test: run it by hand, in one process):
//   npx ts-node --transpile-only test/labs/raft/zoo/survey.ts [name ...] [--seeds N] [--test id]
// For each defect (all, or those named), its test (or --test) on the seeds
// zoo-1 ... zoo-N (10): which fail it for its reason, which for another, and
// the time it took; then the course tests it lists as passing, on its seed.
// The figures are the `caught` of defects.ts.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runSpec } from '../helpers';
import { buildDefect } from './build';
import { DEFECTS } from './defects';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const seeds = Number(option('--seeds') ?? 10);
  const test = option('--test');
  const first = Number(option('--first') ?? 1);
  const chosen = DEFECTS.filter((d) => args.length === 0 || args.includes(d.name));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'raft-zoo-survey-'));
  try {
    for (const defect of chosen) {
      const build = buildDefect(defect, path.join(work, defect.name));
      const id = test ?? defect.test;
      const caught: string[] = [];
      const other: string[] = [];
      const t0 = Date.now();
      for (let k = first; k < first + seeds; k++) {
        const seed = `zoo-${k}`;
        const run = await runSpec(id, build, seed);
        if (run.passed) continue;
        if (defect.reason.test(run.notes[0])) caught.push(seed);
        else other.push(`${seed}: ${run.notes[0].slice(0, 160)}`);
      }
      const ms = Date.now() - t0;
      console.log(`${defect.name} on ${id}: caught ${caught.length}/${seeds} (${caught.join(' ')}) in ${ms} ms`);
      for (const line of other) console.log(`   other: ${line}`);
      for (const course of test ? [] : (defect.coursePasses ?? [])) {
        const run = await runSpec(course, build, defect.seed);
        console.log(`   ${course} on ${defect.seed}: ${run.passed ? 'passes' : `FAILS: ${run.notes[0]}`}`);
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

void main();
