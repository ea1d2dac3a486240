// Loads a MapReduce application, a module that exports map() and reduce(),
// and wraps its calls: for the trace, and to report one that throws.

import * as fs from 'fs';
import * as path from 'path';
import type { MapFunction, ReduceFunction } from '../mr/worker';
import { UsageError } from './cli';

export interface App {
  map: MapFunction;
  reduce: ReduceFunction;
}

const APPS_DIR = path.join(__dirname, '..', 'mrapps');

/**
 * Accepts a path to the app's module (src/mrapps/wc.ts, dist/src/mrapps/wc.js)
 * or a bare name (wc) for one of the kit's own apps. A compiled driver given
 * a .ts file of the kit loads its compiled twin.
 */
export function loadApp(spec: string): App {
  const file = resolveAppFile(spec);
  let mod: Record<string, unknown>;
  try {
    mod = require(file); // eslint-disable-line @typescript-eslint/no-require-imports -- an app is found at run time
  } catch (err) {
    throw new UsageError(`cannot load app ${spec}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof mod.map !== 'function' || typeof mod.reduce !== 'function') {
    throw new UsageError(`app ${spec} must export functions map(filename, contents) and reduce(key, values)`);
  }
  return { map: mod.map as MapFunction, reduce: mod.reduce as ReduceFunction };
}

function resolveAppFile(spec: string): string {
  const canRunTs = require.extensions['.ts'] !== undefined; // true under ts-node
  const ext = canRunTs ? '.ts' : '.js';
  if (!spec.includes('/') && !spec.includes('\\') && !path.extname(spec)) {
    const file = path.join(APPS_DIR, spec + ext);
    if (!fs.existsSync(file)) {
      throw new UsageError(`no app named ${spec} (the kit's apps: ${knownApps(ext).join(', ')})`);
    }
    return file;
  }
  let file = path.resolve(spec);
  if (!canRunTs && file.endsWith('.ts')) {
    const twin = path.join(APPS_DIR, path.basename(file, '.ts') + '.js');
    if (!fs.existsSync(twin)) throw new UsageError(`cannot load TypeScript app ${spec} from compiled JavaScript`);
    file = twin;
  }
  if (!fs.existsSync(file)) throw new UsageError(`cannot load app ${spec}: no such file`);
  if (fs.statSync(file).isDirectory()) throw new UsageError(`app ${spec} is a directory, not a module`);
  return file;
}

function knownApps(ext: string): string[] {
  return fs
    .readdirSync(APPS_DIR)
    .filter((f) => f.endsWith(ext) && !f.endsWith('.d.ts') && !f.startsWith('_'))
    .map((f) => path.basename(f, ext));
}

export type { Phase } from './trace-format';
import type { Phase } from './trace-format';

/** The app with each call passed through `around`, with its phase and input (the file, or the key). */
export function wrapApp(app: App, around: <R>(phase: Phase, input: string, run: () => R) => R): App {
  return {
    map: (filename, contents) => around('map', filename, () => app.map(filename, contents)),
    reduce: (key, values) => around('reduce', key, () => app.reduce(key, values)),
  };
}

/**
 * The app with a map or reduce that throws turned into a diagnosis for
 * `fail`: one line naming the app, the function, its input and the error,
 * then the first stack frame in the app's own code. Without it, the
 * student would see a stack trace through the drivers, or nothing at all.
 */
export function guardApp(spec: string, app: App, fail: (diagnosis: string) => never): App {
  return wrapApp(app, (phase, input, run) => {
    try {
      return run();
    } catch (err) {
      const on = phase === 'map' ? `input file ${input}` : `key ${JSON.stringify(input)}`;
      const error = err instanceof Error ? `${err.name}: ${err.message}` : `${String(err)} (not an Error)`;
      const frame = err instanceof Error ? firstOwnFrame(err.stack ?? '') : undefined;
      return fail(`app ${spec}: ${phase} threw on ${on}: ${error.split('\n')[0]}${frame ? `\n    ${frame}` : ''}`);
    }
  });
}

/** The first "at ..." line of a stack outside Node, node_modules and these drivers; paths relative to the cwd. */
function firstOwnFrame(stack: string): string | undefined {
  const own = stack
    .split('\n')
    .map((line) => line.trim())
    .find(
      (line) =>
        line.startsWith('at ') &&
        !/\(?node:|<anonymous>|\/node_modules\//.test(line) &&
        !line.includes(__dirname + path.sep),
    );
  return own?.split(process.cwd() + path.sep).join('');
}
