// The MapReduce grader's pure parts: merging job output as `sort mr-out* |
// grep .`, describing differences, expanding --inputs globs, and file names
// in diagnoses.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UsageError } from '../../../src/kit/args';
import { expandGlob } from '../../../grader/labs/mr/inputs';
import { describeDifference, readOutput } from '../../../grader/labs/mr/harness/output';
import { compareCodePoints } from '../../../src/kit/order';
import { checkFileSet } from '../../../grader/labs/mr/harness/layout';
import { TestFailure } from '../../../grader/core/outcome';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'go-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('readOutput merges mr-out-* files only, drops blank lines, sorts by code point', () => {
  fs.writeFileSync(path.join(dir, 'mr-out-0'), 'b 2\n\nZ 1\n');
  fs.writeFileSync(path.join(dir, 'mr-out-tmp-123'), 'a 1\n'); // the course's glob sees temp files too
  fs.writeFileSync(path.join(dir, 'mr-outx'), 'not output\n');
  fs.writeFileSync(path.join(dir, 'mr-1-0'), 'intermediate\n');
  fs.writeFileSync(path.join(dir, 'mr-out-1'), '\u00e9 3\n\ud83d\ude00 4\n\uffff 5');
  const out = readOutput(dir);
  expect(out.files).toEqual(['mr-out-0', 'mr-out-1', 'mr-out-tmp-123']);
  expect(out.lines).toEqual(['Z 1', 'a 1', 'b 2', '\u00e9 3', '\uffff 5', '\ud83d\ude00 4']);
});

test('code-point order puts letters beyond U+FFFF after the BMP, as UTF-8 bytes do', () => {
  expect(compareCodePoints('\ud83d\ude00', '\uffff')).toBeGreaterThan(0);
  expect(compareCodePoints('a', 'ab')).toBeLessThan(0);
  expect(compareCodePoints('b', 'b')).toBe(0);
});

test('describeDifference names counts, the first difference, missing, extra and repeated keys', () => {
  const expected = ['a 1', 'b 2', 'c 3', 'd 4'];
  const found = ['a 1', 'b 5', 'd 4', 'd 4', 'e 9'];
  const notes = describeDifference(expected, found).join('\n');
  expect(notes).toContain('4 lines expected, 5 found');
  expect(notes).toContain('first difference at sorted line 2: expected "b 2", found "b 5"');
  expect(notes).toContain('missing keys (1): c');
  expect(notes).toContain('unexpected keys (1): e');
  expect(notes).toContain('keys output more than once (1): d (2x)');
  expect(notes).toContain('another value (1): "b 2"');
  expect(describeDifference(['a 1'], [])).toEqual(['1 line expected, 0 found']);
});

test('expandGlob matches file names only, sorted, and rejects what matches nothing', () => {
  for (const name of ['pg-b.txt', 'pg-a.txt', 'other.txt']) fs.writeFileSync(path.join(dir, name), 'x');
  fs.mkdirSync(path.join(dir, 'pg-dir.txt'));
  expect(expandGlob(path.join(dir, 'pg-*.txt'))).toEqual([path.join(dir, 'pg-a.txt'), path.join(dir, 'pg-b.txt')]);
  expect(expandGlob(path.join(dir, 'pg-?.txt'))).toHaveLength(2);
  expect(() => expandGlob(path.join(dir, 'none-*.txt'))).toThrow(UsageError);
  expect(() => expandGlob(path.join(dir, '*', 'x.txt'))).toThrow(/only in the file name/);
});

test('file names a student made are shown on one line in a diagnosis (no forged verdict line)', () => {
  const forged = 'mr-out-x\n--- wc test: PASS\u001b[2K';
  let notes: string[] = [];
  try {
    checkFileSet(new Map([[forged, '']]), 1);
  } catch (err) {
    notes = (err as TestFailure).notes;
  }
  expect(notes.some((n) => n.includes('mr-out-x\\u000a--- wc test: PASS\\u001b[2K'))).toBe(true);
  for (const note of notes) expect(note).not.toMatch(/[\n\u001b]/);
});
