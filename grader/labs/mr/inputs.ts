// MapReduce's own option: the input files of its jobs (--inputs GLOB).

import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from '../../../src/kit/args';

export interface MrOptions {
  /** Absolute paths of the input files, sorted. */
  inputs: string[];
  /** The --inputs value they came from, made absolute. */
  inputsGlob: string;
}

export const MR_OPTIONS = {
  inputs: { value: 'GLOB', help: "input files (default: the kit's inputs/gen-*.txt)" },
};

export function parseMrOptions(values: Record<string, string | boolean | undefined>, kit: string): MrOptions {
  const given = values.inputs;
  const glob = typeof given === 'string' ? given : path.join(kit, 'inputs', 'gen-*.txt');
  return { inputs: expandGlob(glob), inputsGlob: path.resolve(glob) };
}

/**
 * Expands a glob whose wildcards (* and ?) are in the file name only, as
 * '/data/pg-*.txt'. The result is sorted by code point, as the shell does in
 * the C locale.
 */
export function expandGlob(glob: string): string[] {
  const abs = path.resolve(glob);
  const dir = path.dirname(abs);
  const base = path.basename(abs);
  if (/[*?[\]]/.test(dir)) throw new UsageError(`--inputs: wildcards are allowed only in the file name ("${glob}")`);
  const pattern = new RegExp(
    '^' +
      base
        .replace(/[.+^${}()|\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]') +
      '$',
  );
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir).filter((n) => pattern.test(n) && fs.statSync(path.join(dir, n)).isFile());
  } catch {
    names = [];
  }
  if (names.length === 0) throw new UsageError(`no input files match ${glob}`);
  return names.sort().map((n) => path.join(dir, n));
}
