// The oracle on inputs a test makes itself: the kit's mrsequential, run in
// a scratch folder of the test's, gives the expected output.

import * as fs from 'fs';
import * as path from 'path';
import { driver } from './drivers';
import type { Job } from './job';
import { sortedLines } from './output';

/** Where a test writes the inputs it makes: in the test's folder; the job sees its files as generated-inputs/<name>. */
export const INPUT_DIR = 'generated-inputs';
const SEQUENTIAL_LIMIT_MS = 120_000;

/** Runs the kit's mrsequential in a scratch folder of the test's (inputs relative to the test's folder). */
export async function sequentialOutput(job: Job, app: string, inputs: string[]): Promise<string[]> {
  const dir = path.join(job.dir, 'sequential');
  fs.mkdirSync(dir);
  const proc = job.ctx.registry.spawn({
    role: `mrsequential ${app}`,
    command: process.execPath,
    args: [driver(job.ctx.build, 'mrsequential'), app, ...inputs.map((f) => path.join('..', f))],
    cwd: dir,
    limitMs: SEQUENTIAL_LIMIT_MS * Math.max(1, job.ctx.scale),
    echo: false,
    capture: true,
  });
  const exit = await proc.exited;
  if (exit.code !== 0)
    throw new Error(`mrsequential ${app} on the generated inputs ${proc.describeExit()}: ${proc.output().trim()}`);
  const lines = sortedLines(fs.readFileSync(path.join(dir, 'mr-out-0'), 'utf8'));
  fs.rmSync(dir, { recursive: true, force: true });
  return lines;
}
