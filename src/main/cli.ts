// Small helpers shared by the drivers: argument parsing, input checks and
// turning expected failures into a one-line message and a non-zero exit.

import * as fs from 'fs';

/** An error whose message is meant for the user as it stands: no stack trace. */
export class UsageError extends Error {}

/** Takes "--endpoint E" (or "--endpoint=E") out of argv; returns it and the rest. */
export function takeEndpoint(argv: string[]): { endpoint?: string; rest: string[] } {
  const rest: string[] = [];
  let endpoint: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--endpoint') {
      endpoint = argv[++i];
      if (!endpoint) throw new UsageError('--endpoint needs a value (a socket path or host:port)');
    } else if (arg.startsWith('--endpoint=')) {
      endpoint = arg.slice('--endpoint='.length);
    } else if (arg === '--') {
      rest.push(...argv.slice(i + 1));
      break;
    } else {
      rest.push(arg);
    }
  }
  return { endpoint, rest };
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
 * Runs a driver's main. Bad input (a UsageError, or a system error such as
 * EACCES) prints one line and exits 1; anything else is a bug, so its stack
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
