// What Gradescope's run_autograder does for one submission: find the
// student's src/mr, grade it with the kit's own drivers, apps and grader
// (whatever else the submission holds), and always leave a results.json.
//
//   node dist/scripts/gradescope-run.js [--root /autograder] [--kit DIR]
//
// Environment: AUTOGRADER_BUDGET_S, the whole run's time budget (default
// 540 s, under Gradescope's default 10 minutes); AUTOGRADER_TIMEOUT_SCALE
// and AUTOGRADER_ONLY, passed to the grader's --timeout-scale and --only.

import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { changesOutsideMr, findMrFolder, STUDENT_FILES } from '../grader/submission';

interface Args {
  root: string;
  kit: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { root: '/autograder', kit: path.resolve(__dirname, '..', '..') };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if ((name !== '--root' && name !== '--kit') || !value) {
      console.error(`gradescope-run: bad argument "${name}" (usage: gradescope-run [--root DIR] [--kit DIR])`);
      process.exit(2);
    }
    args[name === '--root' ? 'root' : 'kit'] = path.resolve(value);
  }
  return args;
}

/** A results.json that gives 0 and says why, for when grading itself could not run. */
function failedResults(message: string, seconds: number): object {
  return { score: 0, execution_time: Math.round(seconds), output: message, tests: [] };
}

async function main(): Promise<void> {
  const { root, kit } = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const resultsFile = path.join(root, 'results', 'results.json');
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  const write = (results: object) => fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n');

  const submission = path.join(root, 'submission');
  const mr = findMrFolder(submission);
  if (!mr) {
    write(failedResults(`No src/mr found in the submission: upload your repository, or at least src/mr/ with ${STUDENT_FILES.join(', ')}.`, 0));
    return;
  }
  const notes: string[] = [];
  const changed = changesOutsideMr(submission, mr, kit);
  if (changed.length) {
    notes.push(
      `Graded with the kit's own drivers, apps and grader; your changes outside src/mr were ignored: ${changed.join(', ')}`,
    );
  }

  // Grade a private copy, so nothing the run does can touch the submission.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mr-autograder-'));
  const impl = path.join(work, 'mr');
  fs.cpSync(mr, impl, { recursive: true });
  const graderResults = path.join(work, 'results.json');
  const budgetMs = Number(process.env.AUTOGRADER_BUDGET_S ?? 540) * 1000;
  const graderArgs = [
    path.join(kit, 'dist-grader', 'grader', 'cli.js'),
    'quiet',
    '--impl',
    impl,
    '--gradescope',
    graderResults,
  ];
  if (process.env.AUTOGRADER_TIMEOUT_SCALE) graderArgs.push('--timeout-scale', process.env.AUTOGRADER_TIMEOUT_SCALE);
  if (process.env.AUTOGRADER_ONLY) graderArgs.push('--only', process.env.AUTOGRADER_ONLY);

  const { code, timedOut, output } = await runWithBudget(process.execPath, graderArgs, kit, budgetMs);
  const seconds = (Date.now() - started) / 1000;
  if (fs.existsSync(graderResults) && !timedOut) {
    const results = JSON.parse(fs.readFileSync(graderResults, 'utf8'));
    results.output = [...notes, results.output].filter(Boolean).join('\n\n');
    write(results);
  } else if (timedOut) {
    write(failedResults([...notes, `Grading took longer than its budget of ${budgetMs / 1000} s and was stopped.`, tail(output)].join('\n\n'), seconds));
  } else {
    write(failedResults([...notes, `The grader could not run (exit ${code}).`, tail(output)].join('\n\n'), seconds));
  }
  fs.rmSync(work, { recursive: true, force: true });
  process.stdout.write(output);
}

/** Runs a command in its own process group; ends the whole group when the budget runs out. */
function runWithBudget(cmd: string, args: string[], cwd: string, budgetMs: number) {
  return new Promise<{ code: number | null; timedOut: boolean; output: string }>((resolve) => {
    const child = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM'); // the grader ends its own processes on SIGTERM
      setTimeout(() => killGroup('SIGKILL'), 5000).unref();
    }, budgetMs);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        killGroup('SIGTERM');
        process.exit(1);
      });
    }
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut, output });
    });
  });
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

main().catch((err) => {
  console.error(`gradescope-run: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
