// The grader's entry point, for every lab:
//
//   npm run grade -- <lab> [quiet] [options]      (npm run grade -- mr --only wc)
//   npm run test-mr -- [quiet] [options]           (the lab's own command: `grade mr`)
//   bash test-mr.sh [quiet] [options]              (the course's habit)
//
// Exit status: 0 all tests passed, 1 some failed (or the implementation did
// not compile), 2 bad options or a grader error (a harness error: not the
// student's fault), 130/143 interrupted by SIGINT/SIGTERM (or when whatever
// started the grader is gone: an orphaned grader stops as if it got SIGTERM).

import { helpText, UsageError } from '../src/kit/args';
import { kitRoot } from '../src/kit/root';
import { gradeSubmissions } from './core/bulk';
import { broadcast, Reporter } from './core/events';
import { findLab, loadLabs } from './core/labs';
import { commandLine, Options, parseOptions } from './core/options';
import { readPoints } from './core/points';
import { Runner } from './core/runner';
import { ConsoleReporter } from './reports/console';
import { GradescopeReporter } from './reports/gradescope';
import { JsonReporter } from './reports/json';
import { JunitReporter } from './reports/junit';

const KIT = kitRoot();

async function main(argv: string[]): Promise<number> {
  let name = 'grade';
  let opts: Options;
  let reporters: Reporter[];
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
      console.log(labsHelp());
      return argv.length === 0 ? 2 : 0;
    }
    const lab = findLab(argv[0]);
    name = lab.command;
    opts = parseOptions(lab, argv.slice(1), KIT);
    if (opts.help) {
      console.log(helpText(commandLine(lab)));
      return 0;
    }
    reporters = makeReporters(opts);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${name}: ${err.message}`);
    return 2;
  }
  if (opts.submissions) {
    try {
      return await gradeSubmissions(KIT, opts);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      console.error(`${name}: ${err.message}`);
      return 2;
    }
  }

  const runner = new Runner(KIT, opts, reporters);
  const stop = (signal: NodeJS.Signals, status: number) => () => {
    runner.stopping = true;
    runner.cleanup(); // kills every process group at once
    console.error(`\n${name}: interrupted by ${signal}; every process the grader started has been killed`);
    void runner.registry.settle(2000).then(() => process.exit(status)); // reap them before leaving
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
  process.once('exit', () => runner.cleanup());
  const crash = (err: unknown): void => {
    if (runner.stopping) return; // code still in flight after an interrupt
    console.error(
      `${name}: grader error, not your fault: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    runner.cleanup();
    process.exit(2);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);

  try {
    const summary = await runner.run();
    const failedReports = broadcast(reporters, 'runEnd', summary);
    for (const why of failedReports) console.error(`${name}: a report could not be written: ${why}`);
    if (summary.harnessError || failedReports.length) return 2;
    return summary.passed ? 0 : 1;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${name}: ${err.message}`); // the machine's setup, not the student's code
    return 2;
  } finally {
    runner.cleanup();
  }
}

/** The reports the command line asked for; the console always. */
function makeReporters(opts: Options): Reporter[] {
  const reporters: Reporter[] = [new ConsoleReporter()];
  if (opts.json) reporters.push(new JsonReporter(opts.json));
  if (opts.gradescope) {
    const selected = opts.tests.map((e) => ({ id: e.id, test: e.spec.id, name: e.spec.name }));
    reporters.push(new GradescopeReporter(opts.gradescope, readPoints(KIT, opts.lab), selected));
  }
  if (opts.junit) reporters.push(new JunitReporter(opts.junit));
  return reporters;
}

function labsHelp(): string {
  const labs = loadLabs();
  return [
    'usage: grade <lab> [quiet] [options]      (grade <lab> --help: its options and tests)',
    '',
    'Grades an implementation of one lab of the kit. Labs:',
    ...labs.map((l) => `  ${l.id.padEnd(8)} ${l.title} (also: npm run ${l.command})`),
  ].join('\n');
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (err: unknown) => {
    console.error(`grade: grader error, not your fault: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
