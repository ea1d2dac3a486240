// Bulk grading: `test-mr --submissions DIR [--out OUT] [--parallel P]`
// grades every sub-folder of DIR (one per student) with the kit's own
// drivers, apps and grader, each in isolation, and writes OUT/grades.csv
// and OUT/grades.json.
//
// Isolation. Each student is graded by its own grader process, with its
// own build folder, endpoints and temporary folders. Run as root, that
// process and everything it starts run under a user id of their own, with
// a private folder (mode 0700) as the only place they may write: a
// student's code can then neither read nor change another's files, the
// results, or the kit. When the grading ends, every process left under that
// user id is killed before its results are read.

import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TestId } from './catalog';
import { Options, UsageError } from './options';
import { Points, readPoints, Summary } from './report';
import { changesOutsideMr, findMrFolder } from './submission';

/** The first user id handed to students when the grader runs as root. */
const FIRST_UID = 61000;
/** Past this, a student's whole grading is stopped. */
const STUDENT_LIMIT_MS = 20 * 60_000;

export interface StudentGrade {
  student: string;
  status: 'graded' | 'no-src-mr' | 'build-failed' | 'grader-error';
  score: number;
  maxScore: number;
  tests: Array<{ id: TestId; passed: boolean; points: number; maxPoints: number; durationMs: number }>;
  durationMs: number;
  changedOutsideMr: string[];
  message: string;
}

export async function gradeSubmissions(kit: string, opts: Options): Promise<number> {
  const dir = opts.submissions!;
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new UsageError(`--submissions: ${dir} is not a directory`);
  }
  const students = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  if (students.length === 0) throw new UsageError(`--submissions: ${dir} has no sub-folders (one per student)`);
  const out = opts.out ?? path.resolve(`grades-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  fs.mkdirSync(out, { recursive: true });
  const points = readPoints(kit);

  const asRoot = process.getuid?.() === 0;
  if (!asRoot) console.log('test-mr: not running as root: students are kept apart by folders only, not by user ids');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mr-bulk-'));
  fs.chmodSync(work, 0o711); // students may pass through to their own folder, not list the others
  if (asRoot) ensureSharedBuildRoot(kit);
  // The inputs, readable by every student's user id whatever their modes in the kit.
  const inputs = path.join(work, 'inputs');
  fs.mkdirSync(inputs, { mode: 0o755 });
  for (const file of opts.inputs) {
    const copy = path.join(inputs, path.basename(file));
    fs.copyFileSync(file, copy);
    fs.chmodSync(copy, 0o644);
  }
  const studentOpts = { ...opts, inputsGlob: path.join(inputs, '*') };

  const grades: StudentGrade[] = new Array(students.length);
  let next = 0;
  const lane = async () => {
    while (next < students.length) {
      const i = next++;
      const student = students[i];
      console.log(`*** Grading ${student}`);
      grades[i] = await gradeOne(kit, studentOpts, points, path.join(dir, student), student, work, asRoot ? FIRST_UID + i : undefined);
      const g = grades[i];
      console.log(`--- ${student}: ${g.score}/${g.maxScore}${g.status === 'graded' ? '' : ` (${g.status})`}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.parallel, students.length)) }, lane));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }

  const tests = opts.tests;
  fs.writeFileSync(path.join(out, 'grades.json'), JSON.stringify({ tests, students: grades }, null, 2) + '\n');
  fs.writeFileSync(path.join(out, 'grades.csv'), toCsv(grades, tests));
  console.log(`*** Wrote ${path.join(out, 'grades.csv')} and grades.json (${grades.length} students)`);
  return 0;
}

async function gradeOne(
  kit: string,
  opts: Options,
  points: Points,
  submission: string,
  student: string,
  work: string,
  uid: number | undefined,
): Promise<StudentGrade> {
  const started = Date.now();
  const maxScore = opts.tests.reduce((sum, id) => sum + points[id], 0);
  const grade: StudentGrade = {
    student,
    status: 'graded',
    score: 0,
    maxScore,
    tests: [],
    durationMs: 0,
    changedOutsideMr: [],
    message: '',
  };
  const mr = findMrFolder(submission);
  if (!mr) {
    grade.status = 'no-src-mr';
    grade.message = 'no src/mr with coordinator.ts and worker.ts in the submission';
    return grade;
  }
  grade.changedOutsideMr = changesOutsideMr(submission, mr, kit);

  // The student's private folder: a copy of their src/mr and the result file.
  const own = path.join(work, `s${String(uid ?? student).replace(/[^\w-]/g, '_')}`);
  fs.mkdirSync(own, { mode: 0o700 });
  fs.cpSync(mr, path.join(own, 'mr'), { recursive: true });
  const tmp = path.join(own, 'tmp');
  fs.mkdirSync(tmp);
  if (uid !== undefined) chownTree(own, uid);

  const result = path.join(own, 'result.json');
  const args = [path.join(kit, 'dist-grader', 'grader', 'cli.js'), 'quiet', '--impl', path.join(own, 'mr'), '--json', result];
  args.push('--only', opts.tests.join(','), '--timeout-scale', String(opts.timeoutScale), '--inputs', opts.inputsGlob);
  const { code, output } = await runGrader(args, kit, tmp, uid);
  if (uid !== undefined) await killEveryProcessOf(uid);

  try {
    const summary = JSON.parse(fs.readFileSync(result, 'utf8')) as Summary;
    if (!summary.build.ok) {
      grade.status = 'build-failed';
      grade.message = summary.build.message.split('\n').slice(0, 5).join('\n');
    }
    for (const t of summary.runs.flatMap((r) => r.tests)) {
      const earned = t.passed ? points[t.id] : 0;
      grade.tests.push({ id: t.id, passed: t.passed, points: earned, maxPoints: points[t.id], durationMs: t.durationMs });
      grade.score += earned;
    }
  } catch {
    grade.status = 'grader-error';
    grade.message = `the grader ended with status ${code} and no results: ${output.trim().split('\n').slice(-3).join(' | ')}`;
  }
  grade.durationMs = Date.now() - started;
  return grade;
}

/** Runs one student's grader, as their user id when given; stops it past STUDENT_LIMIT_MS. */
function runGrader(args: string[], cwd: string, tmp: string, uid: number | undefined) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const env = { ...process.env, TMPDIR: tmp, HOME: tmp };
    const child = spawn(process.execPath, args, {
      cwd,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(uid !== undefined ? { uid, gid: uid } : {}),
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        /* gone */
      }
    }, STUDENT_LIMIT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** kill(-1, SIGKILL) from a process of that user id ends all of its processes, whatever group they moved to. */
function killEveryProcessOf(uid: number): Promise<void> {
  return new Promise((resolve) => {
    const killer = spawn(process.execPath, ['-e', "try { process.kill(-1, 'SIGKILL') } catch {}"], {
      uid,
      gid: uid,
      stdio: 'ignore',
    });
    killer.on('error', () => resolve());
    killer.on('close', () => resolve());
  });
}

/**
 * The graders of different students build under <kit>/.mr-build (so that
 * node_modules resolve); as in /tmp, each may make its own folder there but
 * not touch another's.
 */
function ensureSharedBuildRoot(kit: string): void {
  const root = path.join(kit, '.mr-build');
  fs.mkdirSync(root, { recursive: true });
  fs.chmodSync(root, 0o1777);
}

function chownTree(at: string, uid: number): void {
  fs.chownSync(at, uid, uid);
  if (fs.statSync(at).isDirectory()) for (const name of fs.readdirSync(at)) chownTree(path.join(at, name), uid);
}

function toCsv(grades: StudentGrade[], tests: TestId[]): string {
  const header = ['student', 'status', 'score', 'max_score', ...tests, 'seconds', 'changed_outside_src_mr', 'message'];
  const rows = grades.map((g) => [
    g.student,
    g.status,
    String(g.score),
    String(g.maxScore),
    ...tests.map((id) => String(g.tests.find((t) => t.id === id)?.points ?? 0)),
    (g.durationMs / 1000).toFixed(1),
    g.changedOutsideMr.join(' '),
    g.message,
  ]);
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
