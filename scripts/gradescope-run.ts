// What Gradescope's run_autograder does for one submission: find the
// student's folder of the zip's lab (autograder.json: which lab, which
// tiers), grade it with the kit's own drivers, apps and grader (whatever
// else the submission holds), and always leave a results.json.
//
//   node dist/scripts/gradescope-run.js [--root /autograder] [--kit DIR]
//
// Environment: AUTOGRADER_BUDGET_S, the whole run's time budget (default
// 540 s, under Gradescope's default 10 minutes); AUTOGRADER_TIMEOUT_SCALE
// and AUTOGRADER_ONLY, passed to the grader's --timeout-scale and --only;
// AUTOGRADER_GRADER_OPTIONS, more grader options (e.g. "--disk-limit 256MB").
// The README's "Gradescope" section says how to try it on your own machine.
//
// It runs as root on Gradescope, and stays on the trusted side: the grader
// runs the student's processes under a sandbox user id, and the score comes
// only from the grader's report (written where no student process can), checked
// again here; results.json is written whole or not at all, whatever happens.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Catalog } from '../grader/core/catalog';
import type { Lab } from '../grader/core/lab';
import { findLab, loadLabs } from '../grader/core/labs';
import { readPoints } from '../grader/core/points';
import { Registry } from '../grader/core/processes';
import { sleep } from '../src/kit/time';
import { studentGraderArgs } from '../grader/core/student-grader';
import { changedKitFiles, copyRegularFiles, findStudentFolder } from '../grader/core/submission';
import { CommandLine, helpText, parseCommandLine, UsageError } from '../src/kit/args';
import { kitRoot } from '../src/kit/root';

export const COMMAND_LINE = {
  usage: 'gradescope-run [--root DIR] [--kit DIR]',
  about: "Grades the submission in --root's submission/ folder and writes its results/results.json.",
  options: {
    root: { value: 'DIR', help: "Gradescope's folder (default /autograder)" },
    kit: { value: 'DIR', help: 'the kit that grades (default: the one holding this script)' },
  },
} satisfies CommandLine;

/** The folders to work in; undefined when the user asked for --help (which it prints). */
function parseRunArgs(argv: string[]): { root: string; kit: string } | undefined {
  const { values, help } = parseCommandLine(COMMAND_LINE, argv);
  if (help) {
    console.log(helpText(COMMAND_LINE));
    return undefined;
  }
  return { root: path.resolve(values.root ?? '/autograder'), kit: path.resolve(values.kit ?? kitRoot()) };
}

/** A results.json that gives 0 and says why, for when grading itself could not run. */
function failedResults(message: string, seconds: number): GradescopeResults {
  return { score: 0, execution_time: Math.round(seconds), output: message, tests: [] };
}

interface GradescopeTest {
  name: string;
  score: number;
  max_score: number;
  status: string;
  output: string;
}

interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  tests: GradescopeTest[];
}

/**
 * The grader's report, checked before it counts: it must be our own shape,
 * every score between 0 and its test's points, and the total their sum. The
 * grader writes it where only the trusted side can; this is the second belt.
 */
function checkedResults(text: string, points: Record<string, number>): GradescopeResults | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const r = data as Partial<GradescopeResults>;
  if (typeof r !== 'object' || r === null || !Array.isArray(r.tests)) return undefined;
  const tests: GradescopeTest[] = [];
  for (const t of r.tests as Partial<GradescopeTest>[]) {
    const max = typeof t.name === 'string' ? points[t.name] : undefined;
    if (max === undefined || typeof t.score !== 'number') return undefined;
    const score = Math.min(Math.max(t.score, 0), max);
    tests.push({
      name: t.name!,
      score,
      max_score: max,
      status: t.status === 'passed' && score === max ? 'passed' : 'failed',
      output: String(t.output ?? ''),
    });
  }
  return {
    score: tests.reduce((sum, t) => sum + t.score, 0),
    execution_time: typeof r.execution_time === 'number' ? r.execution_time : 0,
    output: String(r.output ?? ''),
    tests,
  };
}

/** The points of each test, by its Gradescope name ("wc test"), from the lab's points file. */
function pointsByName(kit: string, lab: Lab): Record<string, number> {
  const points = readPoints(kit, lab);
  return Object.fromEntries(new Catalog(lab).entries.map((e) => [`${e.spec.name} test`, points[e.spec.id] ?? 0]));
}

/** The zip's lab and tiers (autograder.json, written by npm run autograder); the first lab's defaults without it. */
function autograderConfig(kit: string): { lab: Lab; tiers?: string[] } {
  const file = path.join(kit, 'autograder.json');
  if (!fs.existsSync(file)) return { lab: loadLabs()[0] };
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as { lab: string; tiers?: string[] };
  return { lab: findLab(config.lab), tiers: config.tiers };
}

async function main(): Promise<void> {
  const args = parseRunArgs(process.argv.slice(2));
  if (!args) return;
  const { root, kit } = args;
  const started = Date.now();
  const resultsFile = path.join(root, 'results', 'results.json');
  // The verdict's folder is the trusted side's: nobody else may write in it.
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  if (process.getuid?.() === 0) fs.chownSync(path.dirname(resultsFile), 0, 0);
  fs.chmodSync(path.dirname(resultsFile), 0o755);
  const write = (results: GradescopeResults) => {
    const tmp = `${resultsFile}.tmp-${process.pid}`;
    fs.rmSync(tmp, { force: true });
    fs.writeFileSync(tmp, JSON.stringify(results, null, 2) + '\n', { flag: 'wx' });
    fs.renameSync(tmp, resultsFile);
  };

  try {
    await grade(root, kit, started, write);
  } catch (err) {
    write(
      failedResults(
        `The autograder failed: ${err instanceof Error ? err.message : String(err)}`,
        (Date.now() - started) / 1000,
      ),
    );
  }
}

async function grade(root: string, kit: string, started: number, write: (r: GradescopeResults) => void): Promise<void> {
  const { lab, tiers } = autograderConfig(kit);
  const submission = path.join(root, 'submission');
  const folder = findStudentFolder(submission, lab);
  if (!folder) {
    write(
      failedResults(
        `No ${lab.student.dir} found in the submission: upload your repository, or at least ${lab.student.dir}/ with ${lab.student.files.join(', ')}.`,
        0,
      ),
    );
    return;
  }
  const notes: string[] = [];
  const changed = changedKitFiles(submission, folder, kit, lab);
  if (changed.length) {
    notes.push(
      `Graded with the kit's own copies of the files it provides; your changes to them were ignored: ${changed.join(', ')}`,
    );
  }

  // Grade a private copy (regular files only), so nothing the run does can touch the submission.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `${lab.id}-autograder-`));
  try {
    const impl = path.join(work, path.basename(lab.student.dir));
    copyRegularFiles(folder, impl);
    const graderResults = path.join(work, 'results.json');
    const budgetMs = Number(process.env.AUTOGRADER_BUDGET_S ?? 540) * 1000;
    // Diagnoses name the copy as the student's own folder in their clone.
    const graderArgs = studentGraderArgs(kit, lab, impl, lab.student.dir, [
      '--gradescope',
      graderResults,
      ...(tiers ? ['--tiers', tiers.join(',')] : []),
      // Gradescope's box has half a CPU and 768 MB: one test at a time, whatever the lab may do elsewhere.
      ...(lab.testsAtOnce ? ['--parallel', '1'] : []),
    ]);
    if (process.env.AUTOGRADER_TIMEOUT_SCALE) graderArgs.push('--timeout-scale', process.env.AUTOGRADER_TIMEOUT_SCALE);
    if (process.env.AUTOGRADER_ONLY) graderArgs.push('--only', process.env.AUTOGRADER_ONLY);
    if (process.env.AUTOGRADER_GRADER_OPTIONS)
      graderArgs.push(...process.env.AUTOGRADER_GRADER_OPTIONS.split(' ').filter(Boolean));

    const { code, timedOut, output } = await runWithBudget(process.execPath, graderArgs, kit, work, budgetMs);
    const seconds = (Date.now() - started) / 1000;
    // The grader writes its report after every test: a grader stopped or killed still leaves what it had found.
    const text = fs.existsSync(graderResults) ? fs.readFileSync(graderResults, 'utf8') : '';
    const results = text ? checkedResults(text, pointsByName(kit, lab)) : undefined;
    const why = timedOut
      ? `Grading took longer than its budget of ${budgetMs / 1000} s and was stopped; tests not run score 0.`
      : code !== 0 && code !== 1 && !results?.output.includes('not your fault')
        ? `The grader ended early (exit ${code}); tests not run score 0.`
        : '';
    if (results) {
      results.execution_time = Math.round(seconds);
      results.output = [...notes, why, results.output].filter(Boolean).join('\n\n');
      write(results);
    } else {
      write(
        failedResults(
          [...notes, why || `The grader could not run (exit ${code}).`, tail(output)].filter(Boolean).join('\n\n'),
          seconds,
        ),
      );
    }
    process.stdout.write(output);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Runs the grader in the grader's own process registry: a process group of its
 * own, SIGTERM when the budget runs out (it ends its processes and keeps its
 * report), SIGKILL if it is still there 5 s later. What it printed is capped.
 */
async function runWithBudget(cmd: string, args: string[], cwd: string, logDir: string, budgetMs: number) {
  const registry = new Registry();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      registry.signalAll('SIGTERM', `gradescope-run got ${signal}`);
      process.exit(1);
    });
  }
  const grader = registry.spawn({
    role: 'grader',
    command: cmd,
    args,
    cwd,
    limitMs: budgetMs,
    limitSignal: 'SIGTERM',
    logDir,
    logName: 'grader',
    echo: false,
  });
  const { code } = await grader.exited;
  await Promise.race([grader.logged, sleep(2000)]); // its log is complete once its output has ended
  const output = grader.logFile && fs.existsSync(grader.logFile) ? fs.readFileSync(grader.logFile, 'utf8') : '';
  return { code, timedOut: grader.timedOut, output };
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`gradescope-run: ${err instanceof Error ? err.message : err}`);
    process.exit(err instanceof UsageError ? 2 : 1); // 2: a bad command line
  });
}
