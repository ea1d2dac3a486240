// A second lab needs no change outside its own folders. A copy of the kit
// (what git tracks, as a clean clone has it) gets a fixture lab, "echo"
// (test/fixtures/labs/echo: its manifest and points in grader/labs/echo, its
// student's room in src/echo, its handout and solution in labs/echo), and
// nothing else changes. The core finds it and runs it; every report is
// written for it; a harness error in it exits 2 and says "grader error, not
// your fault" in every report; the student release can hold it, with or
// without MapReduce; and its Gradescope zip can be built.

import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir';

const KIT = path.resolve(__dirname, '..', '..');
const FIXTURE = path.join(KIT, 'test', 'fixtures', 'labs', 'echo');

let work: string;
let copy: string;

function copyTree(from: string, to: string): void {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      fs.mkdirSync(target, { recursive: true });
      copyTree(source, target);
    } else fs.copyFileSync(source, target);
  }
}

function run(args: string[], cwd = copy): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 240_000, killSignal: 'SIGTERM' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const grade = (...args: string[]) => run([path.join(copy, 'dist-grader', 'grader', 'cli.js'), ...args]);

beforeAll(() => {
  work = makeTempDir('second-lab-');
  fs.chmodSync(work, 0o755); // the sandbox users pass through to the copy's build folder
  copy = path.join(work, 'kit');
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: KIT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const rel of tracked.filter((f) => !f.startsWith('test/'))) {
    fs.mkdirSync(path.dirname(path.join(copy, rel)), { recursive: true });
    fs.copyFileSync(path.join(KIT, rel), path.join(copy, rel));
  }
  copyTree(FIXTURE, copy); // the lab's own folders, and nothing else
  fs.symlinkSync(path.join(KIT, 'node_modules'), path.join(copy, 'node_modules'));
  const build = spawnSync('npm', ['run', 'build'], { cwd: copy, encoding: 'utf8', timeout: 240_000 });
  if (build.status !== 0) throw new Error(`the copy does not build: ${build.stdout}${build.stderr}`);
}, 300_000);

afterAll(() => removeTempDir(work));

test('the core lists it and grades it: the solution passes, the skeleton fails, every report is written', () => {
  expect(grade('--help').out).toMatch(/^ {2}echo +Echo \(also: npm run test-echo\)$/m);
  const reports = [
    '--json',
    path.join(work, 'r.json'),
    '--gradescope',
    path.join(work, 'g.json'),
    '--junit',
    path.join(work, 'j.xml'),
  ];
  const good = grade('echo', '--impl', 'labs/echo/solution', ...reports);
  expect(good.out).toContain('--- hello test: PASS');
  expect(good.out).toContain('--- seeded word test: PASS');
  expect(good.code).toBe(0);
  const json = JSON.parse(fs.readFileSync(path.join(work, 'r.json'), 'utf8'));
  expect(json.runs[0].tests.map((t: { id: string }) => t.id)).toEqual(['echo/hello', 'echo/seeded']);
  const gradescope = JSON.parse(fs.readFileSync(path.join(work, 'g.json'), 'utf8'));
  expect(gradescope.score).toBe(5);
  expect(fs.readFileSync(path.join(work, 'j.xml'), 'utf8')).toContain(
    '<testsuites name="test-echo" tests="2" failures="0"',
  );

  const skeleton = grade('echo', '--seed', 'xyz');
  expect(skeleton.code).toBe(1);
  expect(skeleton.out).toContain('--- hello test: FAIL');
  expect(skeleton.out).toContain('echo("hello") printed "", not "hello"');
  expect(skeleton.out).toContain('word seed xyz; to replay: npm run test-echo -- --only seeded --seed xyz');
}, 120_000);

test('a harness error in it exits 2 and says "grader error, not your fault" in every report', () => {
  const reports = [
    '--json',
    path.join(work, 'e.json'),
    '--gradescope',
    path.join(work, 'eg.json'),
    '--junit',
    path.join(work, 'ej.xml'),
  ];
  const broken = grade('echo', '--impl', 'labs/echo/solution', '--faulty', ...reports);
  expect(broken.code).toBe(2);
  expect(broken.out).toContain('--- broken harness test: GRADER ERROR');
  expect(broken.out).toContain("grader error, not your fault: TypeError: the fixture's harness broke on purpose");
  expect(broken.out).not.toContain('FAILED SOME TESTS');
  const json = JSON.parse(fs.readFileSync(path.join(work, 'e.json'), 'utf8'));
  expect(json).toMatchObject({ harnessError: true, passed: false });
  expect(json.runs[0].tests[0]).toMatchObject({ status: 'error', passed: false });
  const gradescope = JSON.parse(fs.readFileSync(path.join(work, 'eg.json'), 'utf8'));
  expect(gradescope.tests[0]).toMatchObject({ score: 0 });
  expect(gradescope.tests[0].output).toContain('grader error, not your fault');
  expect(fs.readFileSync(path.join(work, 'ej.xml'), 'utf8')).toContain('<error message="grader error, not your fault"');
}, 120_000);

test('the student release can hold it alone or beside MapReduce, with no solution of either', () => {
  const handout = path.join(copy, 'dist', 'scripts', 'handout.js');
  const alone = path.join(work, 'release-echo');
  expect(run([handout, '--labs', 'echo', alone]).code).toBe(0);
  const has = (dir: string, rel: string) => fs.existsSync(path.join(dir, rel));
  expect(
    has(alone, 'src/echo/echo.ts') && has(alone, 'labs/echo/README.md') && has(alone, 'grader/labs/echo/manifest.ts'),
  ).toBe(true);
  expect(has(alone, 'src/mr') || has(alone, 'grader/labs/mr') || has(alone, 'labs/echo/solution')).toBe(false);
  const pkg = JSON.parse(fs.readFileSync(path.join(alone, 'package.json'), 'utf8'));
  expect(pkg.scripts['test-echo']).toContain('cli.js echo');
  expect(pkg.scripts['test-mr']).toBeUndefined();
  expect(fs.readFileSync(path.join(alone, 'README.md'), 'utf8')).toContain('# Echo lab');

  const both = path.join(work, 'release-both');
  expect(run([handout, '--labs', 'mr,echo', both]).code).toBe(0);
  expect(has(both, 'src/echo/echo.ts') && has(both, 'src/mr/worker.ts')).toBe(true);
  expect(has(both, 'labs/mr/solution') || has(both, 'labs/echo/solution')).toBe(false);
  const readme = fs.readFileSync(path.join(both, 'README.md'), 'utf8');
  expect(readme).toContain('## MapReduce lab');
  expect(readme).toContain('## Echo lab');
}, 120_000);

test('its Gradescope zip can be built, naming its lab and tiers', () => {
  const zip = path.join(work, 'echo.zip');
  const built = run([path.join(copy, 'dist', 'scripts', 'autograder.js'), '--lab', 'echo', zip]);
  expect(built.code).toBe(0);
  expect(built.out).toContain("the Echo lab's tiers basic (2 tests)");
  const listing = spawnSync(
    'python3',
    [
      '-c',
      'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print("\\n".join(z.namelist())); print(z.read("autograder.json").decode())',
      zip,
    ],
    { encoding: 'utf8' },
  );
  expect(listing.stdout).toContain('src/echo/echo.ts');
  expect(listing.stdout).toContain('run_autograder');
  expect(listing.stdout).not.toContain('src/mr/');
  expect(listing.stdout).toContain('"lab": "echo"');
  const noLab = run([path.join(copy, 'dist', 'scripts', 'autograder.js'), zip]);
  expect(noLab.code).toBe(2);
  expect(noLab.out).toContain('which lab? --lab mr|raft|echo');
}, 120_000);
