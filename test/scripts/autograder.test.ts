// The Gradescope autograder: the zip `npm run autograder` builds, and its
// run_autograder on an emulated Gradescope layout (source/, submission/,
// results/ under a temporary root instead of /autograder).

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { COMMAND_LINE as ZIP_COMMAND_LINE } from '../../scripts/autograder';
import { COMMAND_LINE as RUN_COMMAND_LINE } from '../../scripts/gradescope-run';
import { CommandLine, helpText } from '../../src/kit/args';
import { unpackedAutograder } from '../helpers/autograder';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir';

const KIT = path.resolve(__dirname, '..', '..');
const SOLUTION = path.join(KIT, 'labs', 'mr', 'solution');

describe('the Gradescope autograder', () => {
  let work: string;
  let source: string;
  let zip: string;

  beforeAll(() => {
    work = makeTempDir('mr-autograder-test-');
    zip = path.join(work, 'autograder.zip');
    // What Gradescope does: unpack into source/, then setup.sh's last steps.
    source = unpackedAutograder('mr', zip, path.join(work, 'template', 'source'));
  }, 400_000);

  afterAll(() => removeTempDir(work));

  /** A Gradescope root holding the submission; runs run_autograder and returns results.json. */
  function grade(name: string, makeSubmission: (dir: string) => void, env: Record<string, string> = {}) {
    const root = path.join(work, name);
    fs.mkdirSync(path.join(root, 'submission'), { recursive: true });
    fs.symlinkSync(source, path.join(root, 'source'));
    fs.copyFileSync(path.join(source, 'run_autograder'), path.join(root, 'run_autograder'));
    makeSubmission(path.join(root, 'submission'));
    const started = Date.now();
    const run = spawnSync('bash', [path.join(root, 'run_autograder')], {
      env: { ...process.env, AUTOGRADER_ROOT: root, ...env },
      encoding: 'utf8',
      timeout: 240_000,
    });
    const results = JSON.parse(fs.readFileSync(path.join(root, 'results', 'results.json'), 'utf8'));
    return { status: run.status, results, seconds: (Date.now() - started) / 1000, output: run.stdout + run.stderr };
  }

  test('the zip holds setup.sh and run_autograder at its top, and no solution', () => {
    // Executable bits as stored in the archive (python's unpacking drops them, Gradescope's keeps them).
    const modes = spawnSync(
      'python3',
      [
        '-c',
        'import sys, zipfile\nfor i in zipfile.ZipFile(sys.argv[1]).infolist(): print(i.filename, oct(i.external_attr >> 16))',
        zip,
      ],
      { encoding: 'utf8' },
    ).stdout;
    expect(modes).toMatch(/^setup\.sh 0o100755$/m);
    expect(modes).toMatch(/^run_autograder 0o100755$/m);
    expect(fs.existsSync(path.join(source, 'src', 'mr', 'coordinator.ts'))).toBe(true);
    expect(fs.existsSync(path.join(source, 'labs', 'mr', 'solution'))).toBe(false);
    expect(fs.readFileSync(path.join(source, 'setup.sh'), 'utf8')).toContain('npm ci');
    // The lab it grades, and the tiers that run and count: the course's seven unless --tiers says more.
    expect(JSON.parse(fs.readFileSync(path.join(source, 'autograder.json'), 'utf8'))).toEqual({
      lab: 'mr',
      tiers: ['course'],
    });
  });

  test("grades a correct submission, with the kit's own drivers", () => {
    const { results } = grade(
      'correct',
      (sub) => {
        fs.cpSync(SOLUTION, path.join(sub, 'repo', 'src', 'mr'), { recursive: true });
        fs.mkdirSync(path.join(sub, 'repo', 'src', 'main'), { recursive: true });
        fs.writeFileSync(path.join(sub, 'repo', 'src', 'main', 'mrcoordinator.ts'), 'process.exit(0);\n');
      },
      { AUTOGRADER_ONLY: 'wc,indexer' },
    );
    expect(results.tests.map((t: any) => [t.name, t.status])).toEqual([
      ['wc test', 'passed'],
      ['indexer test', 'passed'],
    ]);
    expect(results.score).toBe(results.tests.reduce((sum: number, t: any) => sum + t.max_score, 0));
    expect(results.score).toBeGreaterThan(0);
    expect(results.output).toContain('src/main/mrcoordinator.ts');
    // It handed in only its own files, as the handout says: the kit's transport.ts is not a change of theirs.
    expect(fs.existsSync(path.join(SOLUTION, 'transport.ts'))).toBe(false);
    expect(results.output).not.toContain('transport.ts');
  }, 240_000);

  test("a failed crash test shows its seed and a replay command for the student's clone, and no folder of the grading machine", () => {
    const { results, output } = grade(
      'skeleton-crash',
      (sub) => fs.cpSync(path.join(KIT, 'src', 'mr'), path.join(sub, 'src', 'mr'), { recursive: true }),
      { AUTOGRADER_ONLY: 'crash' },
    );
    const crash = results.tests.find((t: any) => t.name === 'crash test');
    expect(crash.status).toBe('failed');
    expect(crash.output).toMatch(
      /crash seed (\S+); to replay it in your own clone: npm run test-mr -- --only crash --seed \1$/m,
    );
    expect(crash.output).not.toMatch(/\/tmp\/|artifacts|mr-autograder/);
    expect(output).not.toMatch(/--impl \S*mr-autograder/); // nor in the log Gradescope shows the instructor
  }, 240_000);

  test("a submission that does not compile gets 0 and the compiler's message", () => {
    const { results } = grade(
      'broken',
      (sub) => {
        fs.cpSync(SOLUTION, path.join(sub, 'src', 'mr'), { recursive: true });
        fs.appendFileSync(path.join(sub, 'src', 'mr', 'worker.ts'), '\nconst broken: number = "not a number";\n');
      },
      { AUTOGRADER_ONLY: 'wc,crash' },
    );
    expect(results.score).toBe(0);
    expect(results.tests.map((t: any) => t.status)).toEqual(['failed', 'failed']);
    expect(JSON.stringify(results)).toContain('TS2322');
  }, 240_000);

  test('a submission that hangs is stopped within the budget and still gets a results.json', () => {
    const { results, seconds } = grade(
      'hangs',
      (sub) => {
        fs.cpSync(SOLUTION, path.join(sub, 'src', 'mr'), { recursive: true });
        const worker = path.join(sub, 'src', 'mr', 'worker.ts');
        const text = fs.readFileSync(worker, 'utf8');
        // A worker that never asks for work again, and never exits.
        fs.writeFileSync(
          worker,
          text.replace(
            '  try {\n    for (;;) {',
            '  try {\n    await new Promise(() => setInterval(() => undefined, 1000));\n    for (;;) {',
          ),
        );
      },
      { AUTOGRADER_BUDGET_S: '25', AUTOGRADER_ONLY: 'wc' },
    );
    expect(results.score).toBe(0);
    expect(results.output).toContain('budget');
    expect(seconds).toBeLessThan(60);
  }, 120_000);

  test('the zip builder rejects bad arguments with one line and status 2', () => {
    const cases: [string[], RegExp][] = [
      [[], /^autograder: usage: autograder \[--lab LAB\] \[--tiers NAMES\] OUTFILE\.zip$/],
      [
        ['--lab', 'mr', '--tiers', 'bonus', 'out.zip'],
        /^autograder: --tiers: mr has no tier "bonus" \(tiers: course, extended, challenge\)$/,
      ],
      [['--lab', 'kv', 'out.zip'], /^autograder: no lab "kv" \(labs: mr, raft\)$/],
      [['--lab', 'mr', 'out.tar'], /^autograder: the output must be a \.zip file, not "out\.tar"$/],
      [
        ['--lab', 'mr', path.join(work, 'no', 'such', 'dir', 'a.zip')],
        /^autograder: cannot write .*: no such directory /,
      ],
      [['a.zip'], /^autograder: which lab\? --lab mr\|raft$/],
      [['a.zip', 'b.zip'], /^autograder: unexpected argument "b\.zip"/],
      [['--out', 'a.zip'], /^autograder: unknown option "--out" \(see --help\)$/],
    ];
    for (const [args, message] of cases) {
      const run = spawnSync(process.execPath, [path.join(KIT, 'dist', 'scripts', 'autograder.js'), ...args], {
        encoding: 'utf8',
      });
      expect({ args, status: run.status, lines: run.stderr.trim().split('\n').length }).toEqual({
        args,
        status: 2,
        lines: 1,
      });
      expect(run.stderr.trim()).toMatch(message);
    }
  });

  test("run_autograder's script rejects a bad option with one line and status 2", () => {
    const script = path.join(KIT, 'dist', 'scripts', 'gradescope-run.js');
    for (const args of [['--root'], ['--bogus', 'x'], ['stray']]) {
      const run = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
      expect({ args, status: run.status, lines: run.stderr.trim().split('\n').length }).toEqual({
        args,
        status: 2,
        lines: 1,
      });
    }
  });

  const helps: [string, string, CommandLine][] = [
    ['autograder.js', 'OUTFILE.zip', ZIP_COMMAND_LINE],
    ['gradescope-run.js', '--root DIR', RUN_COMMAND_LINE],
  ];
  test.each(helps)('%s --help prints the help of its option table and exits 0', (script, row, table) => {
    const run = spawnSync(process.execPath, [path.join(KIT, 'dist', 'scripts', script), '--help'], {
      cwd: work,
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${helpText(table)}\n`);
    expect(run.stdout).toContain(row);
    for (const name of Object.keys(table.options)) expect(run.stdout).toContain(`--${name} `);
    expect(run.stdout).toContain('-h, --help');
  });

  test('a submission without src/mr gets 0 and says what is missing', () => {
    const { results } = grade('empty', (sub) => fs.writeFileSync(path.join(sub, 'README.md'), 'oops\n'));
    expect(results).toMatchObject({ score: 0, tests: [] });
    expect(results.output).toContain('No src/mr');
  });
});
