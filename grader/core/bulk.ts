// Bulk grading: `test-mr --submissions DIR [--out OUT] [--parallel P]`
// grades every sub-folder of DIR (one per student) with the kit's own
// drivers, apps and grader, each in isolation, and writes OUT/grades.csv
// and OUT/grades.json.
//
// Isolation. Each student is graded by a grader process of its own (the
// trusted side), with its own build folder, endpoints and temporary folders,
// writing its results where only the trusted side can. Run as root, that
// grader runs each student's processes under a sandbox user id of their own
// (sandbox/uids.ts), which can write only its test folders and read only what a
// job needs: not the submissions, the solution, another student's build, or
// any result.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TestId } from '../labs/mr/catalog';
import { Options, UsageError } from './options';
import { Registry, sleep } from './processes';
import { Points, readPoints, Summary } from '../reports/results';
import { changesOutsideMr, copyRegularFiles, findMrFolder } from './submission';

/** Past this, a student's whole grading is stopped. */
const STUDENT_LIMIT_MS = 20 * 60_000;

export interface StudentGrade {
  student: string;
  status: 'graded' | 'no-src-mr' | 'build-failed' | 'grader-error';
  score: number;
  maxScore: number;
  tests: Array<{ id: TestId; passed: boolean; points: number; maxPoints: number; durationMs: number; notes: string[] }>;
  durationMs: number;
  changedOutsideMr: string[];
  message: string;
  /** The student's grader's peak memory. */
  graderPeakRssMb?: number;
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
  if (!asRoot) {
    console.log(
      'test-mr: not running as root: students run as your own user, kept apart by folders only; grade untrusted code as root or in a container',
    );
  } else {
    // Every sandbox user can read what "others" may: close the students' work and the solution to them.
    makePrivate(dir, 'the submissions');
    makePrivate(path.join(kit, 'labs', 'mr', 'solution'), 'the reference solution');
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mr-bulk-'));
  fs.chmodSync(work, 0o711); // students' processes pass through to their own test folders, and list nothing
  // The inputs, readable by every student's user id whatever their modes in the kit.
  const inputs = path.join(work, 'inputs');
  fs.mkdirSync(inputs, { mode: 0o755 });
  for (const file of opts.inputs) {
    const copy = path.join(inputs, path.basename(file));
    fs.copyFileSync(file, copy);
    fs.chmodSync(copy, 0o644);
  }
  const studentOpts = { ...opts, inputsGlob: path.join(inputs, '*') };

  // Every student's grader, in the one registry that can end them all. Interrupted, each
  // gets SIGTERM (it ends its student's processes and writes what it found), no
  // further student starts, and the grades so far are written.
  const registry = new Registry();
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted ??= signal;
    registry.signalAll('SIGTERM', `bulk grading interrupted by ${signal}`);
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.on(signal, onSignal);

  const grades: StudentGrade[] = [];
  let next = 0;
  const lane = async () => {
    while (next < students.length && !interrupted) {
      const i = next++;
      const student = students[i];
      console.log(`*** Grading ${student}`);
      const g = await gradeOne(kit, studentOpts, points, path.join(dir, student), student, work, i, registry);
      if (interrupted) break; // graded only in part
      grades[i] = g;
      console.log(`--- ${student}: ${g.score}/${g.maxScore}${g.status === 'graded' ? '' : ` (${g.status})`}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.parallel, students.length)) }, lane));
  } finally {
    await registry.settle(10_000);
    registry.close();
    for (const signal of signals) process.off(signal, onSignal);
    fs.rmSync(work, { recursive: true, force: true });
  }

  const tests = opts.tests;
  const graded = grades.filter(Boolean);
  fs.writeFileSync(path.join(out, 'grades.json'), JSON.stringify({ tests, students: graded }, null, 2) + '\n');
  fs.writeFileSync(path.join(out, 'grades.csv'), toCsv(graded, tests));
  console.log(`*** Wrote ${path.join(out, 'grades.csv')} and grades.json (${graded.length} students)`);
  if (interrupted) {
    console.error(`test-mr: interrupted by ${interrupted}: ${students.length - graded.length} students not graded`);
    return interrupted === 'SIGINT' ? 130 : interrupted === 'SIGHUP' ? 129 : 143;
  }
  return 0;
}

async function gradeOne(
  kit: string,
  opts: Options,
  points: Points,
  submission: string,
  student: string,
  work: string,
  index: number,
  registry: Registry,
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

  // The student's folder: their temporary folder (test folders, sockets: the
  // sandbox users pass through it), and, private to the trusted side, a copy
  // of their src/mr and the result file.
  const own = path.join(work, `s${index}`);
  fs.mkdirSync(own, { mode: 0o711 });
  const trusted = path.join(own, 'trusted');
  fs.mkdirSync(trusted, { mode: 0o700 });
  copyRegularFiles(mr, path.join(trusted, 'mr'));
  const tmp = path.join(own, 'tmp');
  fs.mkdirSync(tmp, { mode: 0o711 });

  const result = path.join(trusted, 'result.json');
  const b = opts.budgets;
  const args = [
    path.join(kit, 'dist-grader', 'grader', 'cli.js'),
    'quiet',
    '--impl',
    path.join(trusted, 'mr'),
    '--json',
    result,
  ];
  args.push('--only', opts.tests.join(','), '--timeout-scale', String(opts.timeoutScale), '--inputs', opts.inputsGlob);
  args.push(
    '--memory-limit',
    String(b.memoryBytes),
    '--disk-limit',
    String(b.diskBytes),
    '--output-limit',
    String(b.outputBytes),
  );
  args.push('--task-limit', String(b.tasks));
  if (process.getuid?.() === 0) args.push('--require-wall'); // never grade a student as root without the wall
  const grader = registry.spawn({
    role: `the grader of ${student}`,
    command: process.execPath,
    args,
    cwd: kit,
    env: { ...process.env, TMPDIR: tmp },
    limitMs: STUDENT_LIMIT_MS,
    limitSignal: 'SIGTERM',
    logDir: trusted,
    logName: 'grader',
    echo: false,
  });
  const { code } = await grader.exited;
  await Promise.race([grader.logged, sleep(2000)]); // its log is complete once its output has ended
  const output = grader.tail(3).join(' | ');

  try {
    const summary = JSON.parse(fs.readFileSync(result, 'utf8')) as Summary;
    grade.graderPeakRssMb = summary.graderPeakRssMb;
    grade.changedOutsideMr = [...new Set([...grade.changedOutsideMr, ...(summary.build.changedProvided ?? [])])].sort();
    if (!summary.build.ok) {
      grade.status = 'build-failed';
      grade.message = summary.build.message.split('\n').slice(0, 5).join('\n');
    }
    for (const t of summary.runs.flatMap((r) => r.tests)) {
      const earned = t.passed ? points[t.id] : 0;
      grade.tests.push({
        id: t.id,
        passed: t.passed,
        points: earned,
        maxPoints: points[t.id],
        durationMs: t.durationMs,
        notes: t.notes,
      });
      grade.score += earned;
    }
  } catch {
    grade.status = 'grader-error';
    grade.message = `the grader ended with status ${code} and no results: ${output}`;
  }
  grade.durationMs = Date.now() - started;
  return grade;
}

/** Closes a folder to "others" (every sandbox user is one), saying so. */
function makePrivate(dir: string, what: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    return;
  }
  if ((st.mode & 0o007) === 0) return;
  fs.chmodSync(dir, st.mode & 0o770);
  console.log(`test-mr: made ${what} (${dir}) unreadable to other users, so that no student's code can read it`);
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
