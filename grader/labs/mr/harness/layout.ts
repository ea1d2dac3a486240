// What the job's mr-out files must look like, file by file, beyond their
// merged lines: exactly mr-out-0 .. mr-out-(nReduce-1), each key in the file
// ihash chooses, and each file's keys in mrsequential's order (by code point).
// The checks fail with the file and the keys that break the rule; the
// order check itself is a pure function of the files' contents.

import { printable } from '../../../../src/main/trace-format';
import { fail } from '../../../core/outcome';
import { ihash } from '../../../../src/kit/hash';
import { compareCodePoints } from '../../../../src/kit/order';
import { quote } from './output';

/** The key of an output line: its text before the first space. */
export function keyOf(line: string): string {
  return line.split(' ')[0];
}

/** Exactly mr-out-0 .. mr-out-(nReduce-1): one file per reduce task, also for a task with no keys. */
export function checkFileSet(files: Map<string, string>, nReduce: number): void {
  const want = Array.from({ length: nReduce }, (_, r) => `mr-out-${r}`);
  const names = [...files.keys()];
  const missing = want.filter((n) => !files.has(n));
  const extra = names.filter((n) => !want.includes(n)).map(printable); // named by the student: shown on one line
  if (missing.length || extra.length) {
    fail(
      `expected exactly ${nReduce} output files mr-out-0 .. mr-out-${nReduce - 1} (one per reduce task, empty when no key hashes to it), found ${names.length}`,
      ...(missing.length ? [`missing: ${sample(missing, 8)}`] : []),
      ...(extra.length ? [`unexpected: ${sample(extra, 8)}`] : []),
    );
  }
}

/** Every key in mr-out-<ihash(key) % nReduce>. */
export function checkPartition(files: Map<string, string>, nReduce: number): void {
  const misplaced: string[] = [];
  let count = 0;
  for (const [name, text] of files) {
    const r = Number(name.slice('mr-out-'.length));
    for (const line of text.split('\n')) {
      if (!line) continue;
      const key = keyOf(line);
      const want = ihash(key) % nReduce;
      if (want !== r) {
        count++;
        if (misplaced.length < 5)
          misplaced.push(`${quote(key)} is in ${printable(name)}, ihash puts it in mr-out-${want}`);
      }
    }
  }
  if (count) {
    fail(
      `${count} key${count === 1 ? '' : 's'} in the wrong output file: reduce task Y must get exactly the keys with ihash(key) % ${nReduce} == Y`,
      ...misplaced,
    );
  }
}

/** Two neighbouring keys of one file in the wrong order. */
export interface OrderBreak {
  file: string;
  line: number; // 1-based, of the second key
  before: string; // the key on the line above
  key: string;
}

/**
 * The first place, in each file, where a key is smaller (by code point) than
 * the key of the line before it; files in the order given. Blank lines are
 * skipped, equal keys are not a break (a repeated key is the output check's
 * business).
 */
export function keyOrderBreaks(files: Map<string, string>): OrderBreak[] {
  const breaks: OrderBreak[] = [];
  for (const [file, text] of files) {
    let before: string | undefined;
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i]) continue;
      const key = keyOf(lines[i]);
      if (before !== undefined && compareCodePoints(before, key) > 0) {
        breaks.push({ file, line: i + 1, before, key });
        break;
      }
      before = key;
    }
  }
  return breaks;
}

/** Fails unless every file's keys are in code-point order, naming the file and the two keys. */
export function checkKeyOrder(files: Map<string, string>): void {
  const breaks = keyOrderBreaks(files);
  if (!breaks.length) return;
  const first = breaks[0];
  fail(
    `keys out of order in ${breaks.length} output file${breaks.length === 1 ? '' : 's'} (${sample(
      breaks.map((b) => b.file),
      5,
    )}): ` + "each mr-out file must list its keys in mrsequential's order, by Unicode code point",
    `${first.file} line ${first.line - 1}: ${quote(first.before)}, then line ${first.line}: ${quote(first.key)}`,
    explainOrder(first.before, first.key),
  );
}

/** Why `a` must come after `b`: their first differing code points, and whether UTF-16 order disagrees. */
export function explainOrder(a: string, b: string): string {
  const x = [...a];
  const y = [...b];
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  if (i === x.length || i === y.length) return `${quote(b)} is a prefix of ${quote(a)}, so it comes first`;
  const cx = x[i].codePointAt(0)!;
  const cy = y[i].codePointAt(0)!;
  const rule = `at character ${i + 1} they differ: ${codePoint(cx)} > ${codePoint(cy)}, so ${quote(b)} must come first`;
  if (!(a < b)) return rule;
  return `${rule}; JavaScript's default sort (and <) puts ${quote(a)} first because it compares UTF-16 code units, not code points`;
}

function codePoint(c: number): string {
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

function sample(items: string[], n: number): string {
  return items.slice(0, n).join(', ') + (items.length > n ? ', ...' : '');
}
