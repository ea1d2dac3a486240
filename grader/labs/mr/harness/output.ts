// Job output as the course's `sort mr-out* | grep .` sees it: the lines of
// every file whose name starts with mr-out-, blank lines dropped, sorted by
// code point (the C locale's byte order), and a short account of how two
// such outputs differ.

import * as fs from 'fs';
import * as path from 'path';
import { compareCodePoints } from '../../../../src/kit/order';
import { readCapped } from '../../../sandbox/files';
import { TestFailure } from '../../../core/outcome';

/** Splits text into its non-blank lines and sorts them. */
export function sortedLines(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .sort(compareCodePoints);
}

export interface JobOutput {
  files: string[]; // the mr-out-* names found
  lines: string[]; // their non-blank lines, sorted
}

/** The most output the grader reads from one job: far above any honest job's, far below its own memory. */
export const OUTPUT_CAP = 32 * 1024 * 1024;

/** A job's output too large to read: the test fails with this. */
export class OutputTooLarge extends TestFailure {
  constructor(message: string) {
    super([message]);
  }
}

/**
 * The job's mr-out* files in a test directory (name -> content), read
 * without following links (the folder is the student's); files renamed
 * away meanwhile are left out. Past OUTPUT_CAP bytes in all it throws.
 */
export function outputFiles(dir: string, cap = OUTPUT_CAP): Map<string, string> {
  const files = new Map<string, string>();
  let total = 0;
  for (const name of fs
    .readdirSync(dir)
    .filter((n) => n.startsWith('mr-out'))
    .sort(compareCodePoints)) {
    const file = readCapped(path.join(dir, name), cap - total + 1);
    if (!file) continue;
    total += file.size;
    if (total > cap) {
      throw new OutputTooLarge(
        `the job's mr-out files hold more than ${cap / 1024 / 1024} MB (${name} alone ${file.size} bytes): far more than the expected output`,
      );
    }
    files.set(name, file.text);
  }
  return files;
}

/** Reads the job's output in a test directory. */
export function readOutput(dir: string): JobOutput {
  const found = [...outputFiles(dir)].filter(([name]) => name.startsWith('mr-out-'));
  return { files: found.map(([name]) => name), lines: sortedLines(found.map(([, text]) => text).join('\n')) };
}

export function sameLines(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((line, i) => line === b[i]);
}

const SHOW = 5;

/** A few lines saying how `found` differs from `expected` (both sorted). */
export function describeDifference(expected: string[], found: string[], what = 'expected'): string[] {
  const notes: string[] = [];
  notes.push(`${expected.length} line${expected.length === 1 ? '' : 's'} ${what}, ${found.length} found`);
  if (found.length === 0) return notes;

  const firstDiff = expected.findIndex((line, i) => line !== found[i]);
  const at = firstDiff === -1 ? expected.length : firstDiff;
  notes.push(`first difference at sorted line ${at + 1}: ${what} ${quote(expected[at])}, found ${quote(found[at])}`);

  const count = (lines: string[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const line of lines) m.set(line, (m.get(line) ?? 0) + 1);
    return m;
  };
  const want = count(expected);
  const have = count(found);
  const missing = [...want].filter(([l, n]) => (have.get(l) ?? 0) < n).map(([l]) => l);
  const extra = [...have].filter(([l, n]) => (want.get(l) ?? 0) < n).map(([l]) => l);

  const keyOf = (line: string): string => line.split(' ')[0];
  const wantKeys = new Set(expected.map(keyOf));
  const haveKeys = count(found.map(keyOf));
  const missingKeys = [...wantKeys].filter((k) => !haveKeys.has(k));
  const extraKeys = [...haveKeys.keys()].filter((k) => !wantKeys.has(k));
  const repeatedKeys = [...haveKeys].filter(([k, n]) => n > 1 && wantKeys.has(k)).map(([k, n]) => `${k} (${n}x)`);

  if (missingKeys.length) notes.push(`missing keys (${missingKeys.length}): ${sample(missingKeys)}`);
  if (extraKeys.length) notes.push(`unexpected keys (${extraKeys.length}): ${sample(extraKeys)}`);
  if (repeatedKeys.length) notes.push(`keys output more than once (${repeatedKeys.length}): ${sample(repeatedKeys)}`);
  const wrongValue = missing.filter((l) => haveKeys.has(keyOf(l)));
  if (wrongValue.length) {
    notes.push(`lines whose key is there with another value (${wrongValue.length}): ${sample(wrongValue.map(quote))}`);
  }
  if (!missingKeys.length && !extraKeys.length && !repeatedKeys.length && !wrongValue.length && extra.length) {
    notes.push(`unexpected lines (${extra.length}): ${sample(extra.map(quote))}`);
  }
  return notes;
}

function sample(items: string[]): string {
  const shown = items.slice(0, SHOW).join(', ');
  return items.length > SHOW ? `${shown}, ...` : shown;
}

export function quote(line: string | undefined): string {
  if (line === undefined) return '(nothing)';
  const short = line.length > 80 ? `${line.slice(0, 77)}...` : line;
  return JSON.stringify(short);
}
