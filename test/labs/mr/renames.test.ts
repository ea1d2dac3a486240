// The worker driver's record of renames (src/main/trace.ts): every rename onto
// one of the job's final names, by any of fs's rename functions, with the name
// it came from relative to the final name's folder; nothing else. The grader's
// temporary-names test reads it.

import * as fs from 'fs';
import * as path from 'path';
import { dist, runNode } from '../../helpers/proc';
import { makeTempDir, removeTempDir } from '../../helpers/tmpdir';

// Loads the driver's tracing as a worker does, then renames files as a student's worker might.
const SCRIPT = `
const fs = require('fs');
require(process.argv[1]);
fs.writeFileSync('mr-out-0.tmp', 'a 1\\n');
fs.renameSync('mr-out-0.tmp', 'mr-out-0');
fs.mkdirSync('sub');
fs.writeFileSync('sub/mr-out-1', 'b 1\\n');
fs.rename('sub/mr-out-1', 'mr-out-1', () => {
  fs.writeFileSync('.tmp-mr-3-4', '');
  fs.promises.rename('.tmp-mr-3-4', 'mr-3-4').then(() => {
    fs.writeFileSync('notes', '');
    fs.renameSync('notes', 'notes.txt'); // not a job file: not recorded
  });
});
`;

let dir: string;
beforeEach(() => {
  dir = makeTempDir('mr-renames-');
});
afterEach(() => removeTempDir(dir));

test('each rename onto mr-out-Y or mr-X-Y is recorded, with the name it came from', async () => {
  const trace = path.join(dir, 'trace.jsonl');
  const result = await runNode('-e', [SCRIPT, dist('src/main/trace.js')], {
    cwd: dir,
    env: { PATH: process.env.PATH, MR_TRACE: trace },
    timeoutMs: 20_000,
  });
  expect(result.exitCode).toBe(0);
  const renames = fs
    .readFileSync(trace, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((e) => e.event === 'rename')
    .map(({ from, to }) => ({ from, to }));
  expect(renames).toEqual([
    { from: 'mr-out-0.tmp', to: 'mr-out-0' },
    { from: 'sub/mr-out-1', to: 'mr-out-1' },
    { from: '.tmp-mr-3-4', to: 'mr-3-4' },
  ]);
  expect(fs.readdirSync(dir).sort()).toEqual(['mr-3-4', 'mr-out-0', 'mr-out-1', 'notes.txt', 'sub', 'trace.jsonl']);
});
