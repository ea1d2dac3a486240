// The Raft lab's student release (`handout --labs raft`): the student's
// folder, the kit's labrpc, the handout and the grader with the Raft lab
// alone, never the reference solution; pages that name only files it holds;
// a release that builds on its own and whose grader fails the skeleton.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { lab } from '../../../grader/labs/raft/manifest';
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

test("holds the student's files the manifest names, as the kit has them, and no other in src/raft", () => {
  const shipped = fs.readdirSync(path.join(release, lab.student.dir)).sort();
  expect(shipped).toEqual([...lab.student.files].sort());
  for (const name of shipped) {
    expect(fs.readFileSync(path.join(release, lab.student.dir, name), 'utf8')).toBe(
      fs.readFileSync(path.join(ROOT, lab.student.dir, name), 'utf8'),
    );
  }
});

test("the lab's pages name no file the release lacks, and keep none of the kit-only parts", () => {
  // The student's README, the handout, and the pages of the Raft grader and of the simulator.
  const pages = files(release).filter((f) => /^(README|(labs|grader\/labs)\/raft\/.*|grader\/sim\/.*)\.md$/.test(f));
  expect(pages).toEqual(
    expect.arrayContaining(['README.md', 'labs/raft/README.md', 'grader/labs/raft/README.md', 'grader/sim/README.md']),
  );
  const dangling: string[] = [];
  for (const page of pages) {
    const text = fs.readFileSync(path.join(release, page), 'utf8');
    expect([page, text.includes('kit-only')]).toEqual([page, false]);
    // Paths into the kit's own folders, as links or in backticks: each must be in the release.
    const named = [...text.matchAll(/\]\(([^)#\s]+)\)|`((?:src|test|labs|grader|scripts|inputs)\/[\w./-]+)`/g)]
      .map((m) => m[1] ?? m[2])
      .filter((ref) => !/^[a-z]+:/.test(ref) && !/[*<>]/.test(ref));
    for (const ref of named) {
      const candidates = [path.join(release, path.dirname(page), ref), path.join(release, ref)];
      if (!candidates.some((c) => fs.existsSync(c))) dangling.push(`${page}: ${ref}`);
    }
  }
  expect(dangling).toEqual([]);
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
