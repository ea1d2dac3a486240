// Bulk grading: `<command> --submissions DIR [--out OUT] [--parallel P]`
// grades every sub-folder of DIR (one per student) with the kit's own
// drivers, apps and grader, each in isolation, and writes OUT/grades.csv and
// OUT/grades.json; what each student's failed tests left (logs, timeline,
// seed) is kept in OUT/students/<student>/, with the command that re-runs it.
//
// Isolation. Each student is graded by a grader process of its own (the
// trusted side), with its own build folder, endpoints and temporary folders,
// writing its results where only the trusted side can. Run as root, that
// grader runs each student's processes under a sandbox user id of their own
// (sandbox/wall.ts), which can write only its test folders and read only what a
// job needs: not the submissions, the solutions, another student's build, or
// any result.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Options, UsageError } from './options';
import { Points, readPoints } from './points';
import { Registry, sleep } from './processes';
import type { Summary } from './summary';
import { changedKitFiles, copyRegularFiles, findStudentFolder } from './submission';
import { StudentGrade, StudentTest, writeBulkReport } from '../reports/bulk';

/** Past this, a student's whole grading is stopped. */
const STUDENT_LIMIT_MS = 20 * 60_000;
/** What is kept of one student's failed tests: no file above the first, no more than the second in all. */
const KEEP_FILE_BYTES = 8 * 1024 * 1024;
const KEEP_STUDENT_BYTES = 64 * 1024 * 1024;

export async function gradeSubmissions(kit: string, opts: Options): Promise<number> {
  const lab = opts.lab;
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
  const points = readPoints(kit, lab);

  const closed: Array<() => void> = [];
  if (process.getuid?.() !== 0) {
    console.log(
      `${lab.command}: not running as root: students run as your own user, kept apart by folders only; grade untrusted code as root or in a container`,
    );
  } else {
    // Every sandbox user can read what "others" may: close the students' work and the solutions to them, while grading.
    closed.push(
      ...[
        [dir, 'the submissions'],
        ...lab.release.solutions.map((s) => [path.join(kit, s), 'a reference solution']),
      ].map(([folder, what]) => closeToOthers(folder, what, lab.command)),
    );
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `${lab.id}-bulk-`));
  fs.chmodSync(work, 0o711); // students' processes pass through to their own test folders, and list nothing

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
      const one = {
        kit,
        opts,
        points,
        submission: path.join(dir, student),
        student,
        out,
        work: path.join(work, `s${i}`),
      };
      const g = await gradeOne(one, registry);
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
    for (const reopen of closed) reopen(); // their modes as they were
  }

  const graded = grades.filter(Boolean);
  writeBulkReport(
    out,
    opts.tests.map((e) => e.spec.id),
    graded,
  );
  console.log(`*** Wrote ${path.join(out, 'grades.csv')} and grades.json (${graded.length} students)`);
  const rerun = graded.flatMap((g) => g.tests.filter((t) => t.replay)).find(Boolean);
  if (rerun)
    console.log(
      `*** What failed tests left is in ${path.join(out, 'students')}; to re-run one by hand: ${rerun.replay}`,
    );
  if (interrupted) {
    console.error(
      `${lab.command}: interrupted by ${interrupted}: ${students.length - graded.length} students not graded`,
    );
    return interrupted === 'SIGINT' ? 130 : interrupted === 'SIGHUP' ? 129 : 143;
  }
  return 0;
}

interface OneStudent {
  kit: string;
  opts: Options;
  points: Points;
  submission: string;
  student: string;
  out: string;
  /** This student's own folder of the bulk run. */
  work: string;
}

async function gradeOne(s: OneStudent, registry: Registry): Promise<StudentGrade> {
  const { kit, opts, points, student } = s;
  const lab = opts.lab;
  const started = Date.now();
  const grade: StudentGrade = {
    student,
    status: 'graded',
    score: 0,
    maxScore: opts.tests.reduce((sum, e) => sum + (points[e.spec.id] ?? 0), 0),
    tests: [],
    durationMs: 0,
    changedKitFiles: [],
    message: '',
  };
  const folder = findStudentFolder(s.submission, lab);
  if (!folder) {
    grade.status = 'no-folder';
    grade.message = `no ${lab.student.dir} with ${lab.student.required.join(' and ')} in the submission`;
    return grade;
  }
  grade.folder = folder;
  grade.changedKitFiles = changedKitFiles(s.submission, folder, kit, lab);

  // The student's folder: their temporary folder (test folders, sockets: the
  // sandbox users pass through it), and, private to the trusted side, a copy
  // of their folder and the result file.
  fs.mkdirSync(s.work, { mode: 0o711 });
  const trusted = path.join(s.work, 'trusted');
  fs.mkdirSync(trusted, { mode: 0o700 });
  const impl = path.join(trusted, path.basename(lab.student.dir));
  copyRegularFiles(folder, impl);
  const tmp = path.join(s.work, 'tmp');
  fs.mkdirSync(tmp, { mode: 0o711 });

  const result = path.join(trusted, 'result.json');
  const cli = path.join(kit, 'dist-grader', 'grader', 'cli.js');
  const args = [cli, lab.id, 'quiet', '--impl', impl, '--impl-label', folder];
  args.push('--json', result);
  args.push(
    '--only',
    opts.tests.map((e) => e.spec.id).join(','),
    ...opts.passThrough.filter((a, i, all) => !isSelection(all, i)),
  );
  if (opts.seedGiven) args.push('--seed', opts.seed);
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

  let summary: Summary | undefined;
  try {
    summary = JSON.parse(fs.readFileSync(result, 'utf8')) as Summary;
  } catch {
    grade.status = 'grader-error';
    grade.message = `the grader ended with status ${code} and no results: ${output}`;
  }
  if (summary) {
    grade.graderPeakRssMb = summary.graderPeakRssMb;
    grade.changedKitFiles = [...new Set([...grade.changedKitFiles, ...(summary.build.changedProvided ?? [])])].sort();
    if (!summary.build.ok) {
      grade.status = 'build-failed';
      grade.message = summary.build.message.split('\n').slice(0, 5).join('\n');
    } else if (summary.harnessError) {
      grade.status = 'grader-error';
      grade.message = "the grader failed on some tests (not the student's fault): re-run them";
    }
    const keptFolder = path.join(s.out, 'students', student);
    const budget = { bytes: KEEP_STUDENT_BYTES };
    for (const t of summary.runs.flatMap((r) => r.tests)) {
      const earned = t.passed && t.status !== 'skipped' ? (points[t.test] ?? 0) : 0;
      const test: StudentTest = {
        id: t.test,
        status: t.status,
        passed: t.passed,
        points: earned,
        maxPoints: points[t.test] ?? 0,
        durationMs: t.durationMs,
        notes: t.notes,
        ...(t.seed ? { seed: t.seed } : {}),
      };
      if (!t.passed) {
        test.replay = `npm run ${lab.command} -- --impl ${folder} --only ${t.test}${t.seed ? ` --seed ${t.seed}` : ''}`;
        if (t.dir && fs.existsSync(t.dir)) {
          test.kept = path.join(keptFolder, path.basename(t.dir));
          copyRegularFiles(t.dir, test.kept, { fileBytes: KEEP_FILE_BYTES, budget });
        }
      }
      grade.tests.push(test);
      grade.score += earned;
    }
  }
  if (grade.status !== 'graded' || grade.tests.some((t) => !t.passed)) {
    fs.mkdirSync(path.join(s.out, 'students', student), { recursive: true });
    if (grader.logFile && fs.existsSync(grader.logFile)) {
      fs.copyFileSync(grader.logFile, path.join(s.out, 'students', student, 'grader.log'));
    }
  }
  grade.durationMs = Date.now() - started;
  return grade;
}

/** --only and --skip in the options handed on: bulk grading names the tests itself. */
function isSelection(args: string[], i: number): boolean {
  const selection = ['--only', '--skip', '--tiers'];
  return selection.includes(args[i]) || (i > 0 && selection.includes(args[i - 1]));
}

/** Closes a folder to "others" (every sandbox user is one), saying so; returns what reopens it as it was. */
function closeToOthers(dir: string, what: string, command: string): () => void {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    return () => undefined;
  }
  const mode = st.mode & 0o7777;
  if ((mode & 0o007) === 0) return () => undefined;
  fs.chmodSync(dir, mode & 0o7770);
  console.log(
    `${command}: made ${what} (${dir}) unreadable to other users while grading, so that no student's code can read it`,
  );
  return () => fs.chmodSync(dir, mode);
}
