// Small helpers shared by the drivers: argument parsing, input checks and
// turning expected failures into a one-line message and a non-zero exit.

import * as fs from 'fs';

/** An error whose message is meant for the user as it stands: no stack trace. */
export class UsageError extends Error {}

/**
 * Takes the options named in `wanted` ("--name V" or "--name=V"; the key is
 * the name, the value describes V for the error) out of argv; returns their
 * values and the rest. Everything after "--" is rest, even if it looks like
 * an option. One pass over argv, so that "--" is honoured for every option.
 */
export function takeOptions<N extends string>(
  argv: string[],
  wanted: Record<N, string>,
): { values: Partial<Record<N, string>>; rest: string[] } {
  const values: Partial<Record<N, string>> = {};
  const rest: string[] = [];
  const names = Object.keys(wanted) as N[];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      rest.push(...argv.slice(i + 1));
      break;
    }
    const name = names.find((n) => arg === `--${n}` || arg.startsWith(`--${n}=`));
    if (name === undefined) {
      rest.push(arg);
    } else if (arg === `--${name}`) {
      const value = argv[++i];
      if (!value) throw new UsageError(`--${name} needs a value (${wanted[name]})`);
      values[name] = value;
    } else {
      values[name] = arg.slice(`--${name}=`.length);
    }
  }
  return { values, rest };
}

/** The option every driver takes, for takeOptions. */
export const ENDPOINT_OPTION = { endpoint: 'a socket path or host:port' } as const;

/** Takes "--endpoint E" (or "--endpoint=E") out of argv; returns it and the rest. */
export function takeEndpoint(argv: string[]): { endpoint?: string; rest: string[] } {
  const { values, rest } = takeOptions(argv, ENDPOINT_OPTION);
  return { endpoint: values.endpoint, rest };
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
