// Before the first MapReduce test: the run's inputs, copied where every
// job's processes can read them (and none can change them), and the
// oracle's answers: mrsequential's output of each app a selected test
// compares with.

import * as fs from 'fs';
import * as path from 'path';
import type { RunSetup } from '../../core/lab';
import { driver } from './harness/drivers';
import { sortedLines } from './harness/output';
import type { MrTestSpec } from './harness/spec';
import type { MrOptions } from './inputs';

const SEQUENTIAL_LIMIT_MS = 180_000;

export interface MrPrepared {
  /** As passed to the apps: ../inputs/<name>, relative to a test's folder. */
  inputs: string[];
  /** app -> mrsequential's output on the inputs, sorted. */
  expected: Map<string, string[]>;
}

export async function prepare(setup: RunSetup<MrOptions>): Promise<MrPrepared> {
  const inputsDir = path.join(setup.base, 'inputs');
  fs.mkdirSync(inputsDir, { mode: 0o755 });
  fs.chmodSync(inputsDir, 0o755); // every job reads them; none may change them
  const files = setup.options.inputs;
  const names = files.map((file) => path.basename(file));
  if (new Set(names).size !== names.length) throw new Error('two input files have the same name');
  files.forEach((file, i) => {
    fs.copyFileSync(file, path.join(inputsDir, names[i]));
    fs.chmodSync(path.join(inputsDir, names[i]), 0o644);
  });
  const inputs = names.map((n) => `../inputs/${n}`);

  const apps = [...new Set(setup.tests.map((t) => (t as MrTestSpec).app).filter((a): a is string => !!a))];
  const expected = new Map<string, string[]>();
  await Promise.all(
    apps.map(async (app) => {
      const dir = path.join(setup.base, `sequential-${app}`);
      fs.mkdirSync(dir);
      const proc = setup.registry.spawn({
        role: `mrsequential ${app}`,
        command: process.execPath,
        args: [driver(setup.build, 'mrsequential'), app, ...inputs],
        cwd: dir,
        limitMs: SEQUENTIAL_LIMIT_MS * setup.timeoutScale,
        echo: false,
        capture: true,
      });
      await proc.exited;
      if (proc.exit!.code !== 0) {
        throw new Error(`mrsequential ${app} ${proc.describeExit()}: ${proc.output().trim().split('\n')[0] ?? ''}`);
      }
      expected.set(app, sortedLines(fs.readFileSync(path.join(dir, 'mr-out-0'), 'utf8')));
      fs.rmSync(dir, { recursive: true, force: true });
    }),
  );
  return { inputs, expected };
}
