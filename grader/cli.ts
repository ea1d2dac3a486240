// The grader's entry point: `npm run test-mr -- [options]` or
// `bash test-mr.sh [quiet] [options]`. Exit status: 0 all tests passed,
// 1 some failed (or the implementation did not compile), 2 bad options,
// 130/143 interrupted by SIGINT/SIGTERM (or when whatever started the grader
// is gone: an orphaned grader stops as if it got SIGTERM).

import { helpText, UsageError } from '../src/kit/args';
import { kitRoot } from '../src/kit/root';
import { gradeSubmissions } from './core/bulk';
import { Grader } from './core/runner';
import { COMMAND_LINE, Options, parseOptions } from './core/options';
import { Points, readPoints, writeGradescope, writeJson, writeJunit } from './reports/results';

const KIT = kitRoot();

async function main(): Promise<number> {
  let opts: Options;
  let points: Points | undefined;
  try {
    opts = parseOptions(process.argv.slice(2), KIT);
    if (opts.gradescope) points = readPoints(KIT);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`test-mr: ${err.message}`);
      return 2;
    }
    throw err;
  }
  if (opts.help) {
    console.log(helpText(COMMAND_LINE));
    return 0;
  }
  if (opts.submissions) {
    try {
      return await gradeSubmissions(KIT, opts);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      console.error(`test-mr: ${err.message}`);
      return 2;
    }
  }

  const grader = new Grader(KIT, opts);
  const stop = (signal: NodeJS.Signals, status: number) => () => {
    grader.stopping = true;
    grader.cleanup(); // kills every process group at once
    console.error(`\ntest-mr: interrupted by ${signal}; every process the grader started has been killed`);
    void grader.registry.settle(2000).then(() => process.exit(status)); // reap them before leaving
  };
  process.once('SIGINT', stop('SIGINT', 130));
  process.once('SIGTERM', stop('SIGTERM', 143));
  process.once('SIGHUP', stop('SIGHUP', 129));
  // `npm run` and CI runners may end our parent and leave us running: notice, and stop.
  const parent = process.ppid;
  const orphaned = stop('SIGTERM', 143);
  const watchParent = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(watchParent);
      orphaned();
    }
  }, 500);
  watchParent.unref();
  process.once('exit', () => grader.cleanup());
  const crash = (err: unknown): void => {
    if (grader.stopping) return; // code still in flight after an interrupt
    console.error(`test-mr: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    grader.cleanup();
    process.exit(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);

  // The reports are written after every test too: a grader that dies leaves what it had found.
  const selected = [...opts.tests];
  grader.onProgress = (partial) => {
    try {
      if (opts.json) writeJson(opts.json, partial);
      if (opts.gradescope) writeGradescope(opts.gradescope, partial, points!, selected);
    } catch {
      // the final write below says what is wrong
    }
  };
  try {
    const summary = await grader.run();
    if (opts.json) writeJson(opts.json, summary);
    if (opts.gradescope) writeGradescope(opts.gradescope, summary, points!, selected);
    if (opts.junit) writeJunit(opts.junit, summary);
    return summary.passed ? 0 : 1;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`test-mr: ${err.message}`); // the machine's setup, not the student's code
    return 2;
  } finally {
    grader.cleanup();
  }
}

main().then(
  (status) => process.exit(status),
  (err: unknown) => {
    console.error(`test-mr: internal error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
