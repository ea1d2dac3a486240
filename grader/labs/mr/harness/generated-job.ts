// A job over inputs that a test makes itself, for the tiers that need a job
// shape or a schedule of their own (shapes, protocol, challenge edges): the
// files are written into the test's folder, the kit's mrsequential gives the
// expected output (kept with a failed test), and the coordinator is started
// over them and waited for until it listens.

import * as path from 'path';
import type { InputFile } from './generated-inputs';
import { writeInputs } from './generated-inputs';
import type { Job } from './job';
import { INPUT_DIR, sequentialOutput } from './oracle';

/** What a generated job runs on: the inputs as the coordinator names them, and the expected output (sorted). */
export interface Generated {
  inputs: string[];
  expected: string[];
}

/** Writes `files`, computes `app`'s expected output, and starts a listening coordinator over them (nReduce as given, else 10). */
export async function startGenerated(job: Job, app: string, files: InputFile[], nReduce?: number): Promise<Generated> {
  const generated: Generated = { inputs: writeInputs(path.join(job.dir, INPUT_DIR), files, INPUT_DIR), expected: [] };
  generated.expected = await sequentialOutput(job, app, generated.inputs);
  job.artifact(`mr-correct-${app}-generated.txt`, generated.expected);
  job.startCoordinator(nReduce === undefined ? { inputs: generated.inputs } : { inputs: generated.inputs, nReduce });
  await job.waitListening();
  return generated;
}
