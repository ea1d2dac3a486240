// Small helpers shared by the drivers: their command lines, input checks and
// turning expected failures into a one-line message and a non-zero exit.

import * as fs from 'fs';
import { CommandLine, helpText, OptionTable, parseCommandLine, UsageError } from '../kit/args';

export { UsageError }; // load-app.ts takes it from here

/** The option both distributed drivers take: where the coordinator listens. */
export const ENDPOINT_OPTION = {
  endpoint: {
    value: 'E',
    help:
      "the coordinator's endpoint: a socket path, or host:port for TCP\n" +
      '(default: $MR_ENDPOINT, else a private unix socket)',
  },
};

/**
 * Parses a driver's command line against its table (see src/kit/args.ts for
 * the rules). With -h or --help it prints the help made from that table, and
 * exits.
 */
export function parseDriverArgs<T extends OptionTable>(
  cli: CommandLine & { options: T },
  argv = process.argv.slice(2),
) {
  const { values, positionals, help } = parseCommandLine(cli, argv);
  if (help) {
    console.log(helpText(cli));
    process.exit(0);
  }
  return { values, positionals };
}

/** Fails unless every path names a readable regular file. */
export function checkInputFiles(files: string[]): void {
  for (const file of files) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      throw new UsageError(`cannot read input file ${file}: no such file`);
    }
    if (stat.isDirectory()) throw new UsageError(`input ${file} is a directory, not a file`);
    try {
      fs.accessSync(file, fs.constants.R_OK);
    } catch {
      throw new UsageError(`cannot read input file ${file}: permission denied`);
    }
  }
}

/**
 * Runs a driver's main. Bad input (a UsageError, a bad command line
 * included, or a system error such as EACCES) prints one line and exits 1,
 * as the course's Go drivers do; anything else is a bug, so its stack
 * trace is shown as well. The same goes for an error thrown outside main,
 * in a callback (the transport fails a coordinator that way).
 */
export function runMain(name: string, main: () => Promise<void>): void {
  const fail = (err: unknown) => {
    const isExpected = err instanceof UsageError || (err instanceof Error && 'code' in err);
    const text = err instanceof Error ? (isExpected ? err.message : err.stack ?? err.message) : String(err);
    console.error(`${name}: ${text}`);
    process.exit(1);
  };
  process.on('uncaughtException', fail);
  main().catch(fail);
}
