// Loads a MapReduce application: a module that exports map() and reduce().

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
    mod = require(file);
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
