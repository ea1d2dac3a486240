// The student release: `node dist/scripts/handout.js OUTDIR` writes it.
// These tests build MapReduce's (--labs mr) into a temporary folder and check that it holds
// what a student needs and nothing of the instructor's, that it type-checks
// and builds on its own, and that its grader fails the untouched skeleton
// cleanly. The kit's node_modules is linked into the release instead of
// running `npm ci` (CI should also run a real `npm ci` of a release).

import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { helpText } from '../../src/kit/args';
import { COMMAND_LINE } from '../../scripts/handout';

const KIT = path.join(__dirname, '..', '..');
const HANDOUT = path.join(KIT, 'dist', 'scripts', 'handout.js');
const SOLUTION = path.join(KIT, 'labs', 'mr', 'solution');
const HAS_GRADER = fs.existsSync(path.join(KIT, 'grader', 'cli.ts'));

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string; // stdout and stderr, interleaved
  timedOut: boolean;
}

const running = new Set<number>();

/** Runs a command in its own process group; the whole group is killed after `limitMs`. */
function run(command: string, args: string[], cwd: string, limitMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid!, 'SIGTERM'); // lets the grader stop its own processes
      setTimeout(() => killGroup(child.pid!, 'SIGKILL'), 5_000).unref();
    }, limitMs);
    if (child.pid) running.add(child.pid);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child.pid!);
      resolve({ code, signal, output: Buffer.concat(chunks).toString('utf8'), timedOut });
    });
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Every file under `dir`, as '/'-separated paths relative to it (symlinks not followed). */
function listFiles(dir: string, rel = ''): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...listFiles(dir, child));
    else files.push(child);
  }
  return files;
}

let scratch: string;
let release: string;
let made: RunResult;

beforeAll(async () => {
  if (!fs.existsSync(HANDOUT)) throw new Error(`${HANDOUT} is missing: run npm run build first`);
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mr-handout-'));
  release = path.join(scratch, 'release');
  made = await run(process.execPath, [HANDOUT, '--labs', 'mr', release], KIT, 60_000);
}, 90_000);

afterAll(() => {
  for (const pid of running) killGroup(pid, 'SIGKILL');
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

describe('npm run handout', () => {
  test('writes a release and says so', () => {
    expect(made.output).toMatch(/wrote \d+ files to /);
    expect(made.code).toBe(0);
  });

  test('leaves out the reference solution: no path with "solution", no file equal to a solution file', () => {
    const files = listFiles(release);
    expect(files.filter((f) => /solution/i.test(f))).toEqual([]);
    // transport.ts is provided to students as it stands: the same in both by design.
    const secrets = fs
      .readdirSync(SOLUTION)
      .filter((name) => name !== 'transport.ts')
      .map((name) => fs.readFileSync(path.join(SOLUTION, name)));
    const leaked = files.filter((f) => {
      const content = fs.readFileSync(path.join(release, f));
      return secrets.some((secret) => secret.equals(content));
    });
    expect(leaked).toEqual([]);
  });

  test('leaves out the kit tests, CI, notes, the jest config and the handout script', () => {
    const files = listFiles(release);
    const instructorOnly = files.filter((f) =>
      /^(test|\.ci|notes|dist|dist-grader|node_modules|\.git|labs\/mr\/solution)\/|^jest\.config|^scripts\/handout|STUDENT-README/.test(
        f,
      ),
    );
    expect(instructorOnly).toEqual([]);
    const labs = files.filter((f) => f.startsWith('labs/'));
    expect(labs).toEqual(expect.arrayContaining(['labs/mr/README.md', 'labs/mr/timeline.png']));
    expect(labs.filter((f) => !f.startsWith('labs/mr/') || /solution|STUDENT-README|ZOO/i.test(f))).toEqual([]);
  });

  test('holds the untouched skeleton, the drivers, the apps, the contract and the inputs', () => {
    for (const dir of ['src/mr', 'src/main', 'src/mrapps', 'src/mrapps/lib']) {
      for (const name of fs.readdirSync(path.join(KIT, dir)).filter((n) => /\.(ts|proto)$/.test(n))) {
        const shipped = path.join(release, dir, name);
        expect(fs.existsSync(shipped) ? fs.readFileSync(shipped, 'utf8') : `${dir}/${name} is missing`).toBe(
          fs.readFileSync(path.join(KIT, dir, name), 'utf8'),
        );
      }
    }
    expect(fs.readFileSync(path.join(release, 'src/mr/mr.proto'), 'utf8')).toContain('rpc Example (ExampleArgs)');
    const kitInputs = fs.readdirSync(path.join(KIT, 'inputs')).filter((n) => /^gen-.*\.txt$/.test(n));
    expect(kitInputs.length).toBeGreaterThan(0);
    expect(fs.readdirSync(path.join(release, 'inputs')).filter((n) => /^gen-.*\.txt$/.test(n))).toEqual(kitInputs);
  });

  test('holds the handout, the student README, the build files and (once written) the grader', () => {
    const read = (f: string) => fs.readFileSync(path.join(release, f), 'utf8');
    expect(read('labs/mr/README.md')).toBe(fs.readFileSync(path.join(KIT, 'labs/mr/README.md'), 'utf8'));
    expect(read('README.md')).toBe(fs.readFileSync(path.join(KIT, 'labs/mr/STUDENT-README.md'), 'utf8'));
    for (const f of [
      'tsconfig.json',
      'tsconfig.base.json',
      'tsconfig.build.json',
      '.gitignore',
      'scripts/copy-assets.js',
    ]) {
      expect(fs.existsSync(path.join(release, f)) ? f : `${f} is missing`).toBe(f);
    }
    for (const f of ['grader/cli.ts', 'test-mr.sh', 'scripts/gen-inputs.ts']) {
      if (fs.existsSync(path.join(KIT, f))) {
        // Only files git tracks are released: `git add` a new file if this fails.
        expect(fs.existsSync(path.join(release, f)) ? f : `${f} is missing from the release`).toBe(f);
      }
    }
  });

  test('its pages name no file the release lacks, and keep none of the kit-only parts', () => {
    const pages = releaseFilesUnder(release).filter((f) => f.endsWith('.md'));
    expect(pages).toContain('grader/README.md');
    const dangling: string[] = [];
    for (const page of pages) {
      const text = fs.readFileSync(path.join(release, page), 'utf8');
      expect(text).not.toContain('kit-only');
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

  test('gives the student sensible scripts and keeps the dependencies, so package-lock.json still fits', () => {
    const kitPkg = JSON.parse(fs.readFileSync(path.join(KIT, 'package.json'), 'utf8'));
    const pkg = JSON.parse(fs.readFileSync(path.join(release, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['build', 'typecheck', 'test-mr', 'test']));
    expect(pkg.scripts.handout).toBeUndefined();
    expect(pkg.scripts.test).toMatch(/typecheck.*test-mr/);
    expect(JSON.stringify(pkg.scripts)).not.toMatch(/jest|solution|handout/);
    expect(pkg.dependencies).toEqual(kitPkg.dependencies);
    expect(pkg.devDependencies).toEqual(kitPkg.devDependencies);
    const lock = JSON.parse(fs.readFileSync(path.join(release, 'package-lock.json'), 'utf8'));
    expect(lock.packages[''].dependencies).toEqual(pkg.dependencies);
    expect(lock.packages[''].devDependencies).toEqual(pkg.devDependencies);
  });

  test('refuses a non-empty OUTDIR, an OUTDIR inside the kit and a missing OUTDIR, in one line with exit 2', async () => {
    const inside = path.join(KIT, `handout-test-${process.pid}`);
    const cases: [string[], RegExp][] = [
      [[release], /is not empty/],
      [[inside], /inside the kit/],
      [[], /^handout: usage: handout \[--labs NAMES\] OUTDIR$/],
      [[scratch, 'more'], /^handout: unexpected argument "more"/],
      [['--force', scratch], /^handout: unknown option "--force" \(see --help\)$/],
    ];
    for (const [args, message] of cases) {
      const result = await run(process.execPath, [HANDOUT, ...args], scratch, 30_000);
      expect(result.code).toBe(2);
      expect(result.output.trim().split('\n')).toHaveLength(1);
      expect(result.output.trim()).toMatch(message);
    }
    expect(fs.existsSync(inside)).toBe(false);
  });

  test('--help prints the help of its option table and exits 0', async () => {
    const result = await run(process.execPath, [HANDOUT, '--help'], scratch, 30_000);
    expect(result.code).toBe(0);
    expect(result.output).toBe(`${helpText(COMMAND_LINE)}\n`);
    expect(result.output).toMatch(/^ {2}OUTDIR +where/m);
    expect(result.output).toMatch(/^ {2}-h, --help +show this help$/m);
  });
});

describe('the release', () => {
  beforeAll(() => {
    // Saves a download: the release's package-lock.json pins the same packages.
    fs.symlinkSync(path.join(KIT, 'node_modules'), path.join(release, 'node_modules'), 'dir');
  });

  test('type-checks and builds on its own', async () => {
    const typecheck = await run('npm', ['run', 'typecheck'], release, 180_000);
    expect(typecheck.timedOut).toBe(false);
    expect(typecheck.code === 0 ? 'ok' : typecheck.output).toBe('ok');
    const build = await run('npm', ['run', 'build'], release, 240_000);
    expect(build.code === 0 ? 'ok' : build.output).toBe('ok');
    for (const f of ['dist/src/main/mrworker.js', 'dist/src/mr/mr.proto', 'dist/src/mrapps/wc.js']) {
      expect(fs.existsSync(path.join(release, f)) ? f : `${f} is missing`).toBe(f);
    }
  }, 450_000);

  (HAS_GRADER ? test : test.skip)(
    'fails the untouched skeleton with exit 1 and stops by itself',
    async () => {
      const result = await run('npm', ['run', 'test-mr', '--', 'quiet', '--only', 'wc'], release, 60_000);
      expect(result.timedOut ? 'the grader had to be killed' : 'stopped by itself').toBe('stopped by itself');
      expect(result.output).toMatch(/wc test: FAIL/);
      expect(result.code).toBe(1);
    },
    90_000,
  );
});

/** Every file under `dir`, relative to it ('/'-separated), node_modules left out. */
function releaseFilesUnder(dir: string, rel = ''): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const name = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.name === 'node_modules') continue;
    if (entry.isDirectory()) found.push(...releaseFilesUnder(dir, name));
    else found.push(name);
  }
  return found;
}
