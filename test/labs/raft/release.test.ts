// The Raft lab's student release (`handout --labs raft`): the student's
// folder, the kit's labrpc, the handout and the grader with the Raft lab
// alone, never the reference solution; a release that builds on its own and
// whose grader fails the placeholder skeleton.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { makeTmp, ROOT } from './grader';
import { SOLUTION } from './helpers';

let tmp: string;
let release: string;

/** Every file under dir, '/'-separated and relative to it. */
function files(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((entry) => {
    const name = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.name === 'node_modules') return [];
    return entry.isDirectory() ? files(dir, name) : [name];
  });
}

beforeAll(() => {
  tmp = makeTmp();
  release = path.join(tmp, 'release');
  const made = spawnSync(
    process.execPath,
    [path.join(ROOT, 'dist', 'scripts', 'handout.js'), '--labs', 'raft', release],
    {
      encoding: 'utf8',
    },
  );
  if (made.status !== 0) throw new Error(`handout failed: ${made.stderr}`);
}, 60_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('holds the skeleton, labrpc, the handout and the Raft grader; no other lab, no solution', () => {
  const shipped = files(release);
  for (const dir of ['src/raft', 'src/labrpc', 'src/labrpc/runtime', 'grader/labs/raft', 'grader/sim']) {
    for (const name of fs.readdirSync(path.join(ROOT, dir)).filter((n) => n.endsWith('.ts'))) {
      expect(shipped).toContain(`${dir}/${name}`);
    }
  }
  expect(shipped).toContain('labs/raft/README.md');
  expect(shipped.filter((f) => /^(src\/mr|src\/mrapps|labs\/mr|grader\/labs\/mr)\/|solution/i.test(f))).toEqual([]);
  const secrets = fs.readdirSync(path.join(ROOT, SOLUTION)).map((n) => fs.readFileSync(path.join(ROOT, SOLUTION, n)));
  const leaked = shipped.filter((f) => secrets.some((s) => s.equals(fs.readFileSync(path.join(release, f)))));
  expect(leaked).toEqual([]);
  expect(fs.readFileSync(path.join(release, 'README.md'), 'utf8')).toBe(
    fs.readFileSync(path.join(ROOT, 'labs/raft/STUDENT-README.md'), 'utf8'),
  );
  const scripts = JSON.parse(fs.readFileSync(path.join(release, 'package.json'), 'utf8')).scripts;
  expect(scripts['test-raft']).toBe('tsc -p grader/tsconfig.json && exec node dist-grader/grader/cli.js raft');
  expect(scripts['test-mr']).toBeUndefined();
});

test("its grader builds on its own and fails the skeleton's first test, in one process", () => {
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(release, 'node_modules'), 'dir');
  const run = spawnSync('npm', ['run', 'test-raft', '--', 'quiet', '--only', 'initial-election', '--in-process'], {
    cwd: release,
    encoding: 'utf8',
    env: { ...process.env, TMPDIR: tmp, FORCE_COLOR: '0' },
    timeout: 120_000,
  });
  expect(run.stdout).toContain('--- initial election (2A) test: FAIL\n    expected one leader, got none');
  expect(run.status).toBe(1);
}, 150_000);
