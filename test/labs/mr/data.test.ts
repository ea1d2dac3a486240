// The extended tier's data tests, as pure functions: the inputs the grader
// generates (each trap is really in them), and the per-file checks of
// grader/labs/mr/harness/layout.ts (file set, partition, key order) and their messages.

import {
  adversarialInputs,
  FEW_KEYS,
  fewKeyInputs,
  HOT_COUNT,
  HOT_KEY,
  PROTO_KEYS,
} from '../../../grader/labs/mr/harness/generated-inputs';
import { TestFailure } from '../../../grader/core/outcome';
import {
  checkFileSet,
  checkKeyOrder,
  checkPartition,
  explainOrder,
  keyOrderBreaks,
} from '../../../grader/labs/mr/harness/layout';
import { ihash } from '../../../src/kit/hash';
import { compareCodePoints } from '../../../src/kit/order';
import * as tokencount from '../../../src/mrapps/tokencount';
import * as wc from '../../../src/mrapps/wc';

const files = adversarialInputs();
const byName = new Map(files.map((f) => [f.name, f.data]));

/** tokencount's map over one generated file: token -> occurrences. */
function counts(data: Buffer): Map<string, number> {
  const m = new Map<string, number>();
  for (const { key } of tokencount.map('f', data.toString('utf8'))) m.set(key, (m.get(key) ?? 0) + 1);
  return m;
}

function failure(fn: () => void): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof TestFailure) return err.notes;
    throw err;
  }
  throw new Error('expected a TestFailure');
}

describe('the adversarial inputs', () => {
  test('are the same bytes every time, mapped in name order', () => {
    const again = adversarialInputs();
    expect(again.map((f) => f.name)).toEqual(files.map((f) => f.name));
    again.forEach((f, i) => expect(f.data.equals(files[i].data)).toBe(true));
    expect(files.map((f) => f.name)).toEqual([...files.map((f) => f.name)].sort());
  });

  test('hold every Object.prototype name as a key, as tokencount sees it, with distinct counts', () => {
    const names = counts(byName.get('adv-1-names.txt')!);
    for (const name of Object.getOwnPropertyNames(Object.prototype)) expect(PROTO_KEYS).toContain(name);
    PROTO_KEYS.forEach((key, i) => expect([key, names.get(key)]).toEqual([key, i + 1]));
    // wc keeps only letters: that is why these tests use tokencount.
    expect(wc.map('f', '__proto__').map((kv) => kv.key)).toEqual(['proto']);
  });

  test('one file gives one key more values than a spread can pass, and an earlier file has it too', () => {
    const names = [...byName.keys()];
    const hot = names.findIndex((n) => (counts(byName.get(n)!).get(HOT_KEY) ?? 0) === HOT_COUNT);
    expect(hot).toBeGreaterThan(0);
    expect(names.slice(0, hot).some((n) => counts(byName.get(n)!).has(HOT_KEY))).toBe(true);
    const values = new Array<string>(HOT_COUNT).fill('1');
    expect(() => [].push(...(values as never[]))).toThrow(RangeError);
  });

  test('one file is empty', () => {
    expect(byName.get('adv-3-empty.txt')!.length).toBe(0);
  });

  test('the UTF-8 file splits a character under any chunk size up to 1 MiB, and is one line of megabytes', () => {
    const data = byName.get('adv-5-utf8.txt')!;
    // A newline, then only three-byte sequences: lead bytes exactly at 1, 4, 7, ...
    expect(data[0]).toBe(0x0a);
    for (let i = 1; i < data.length; i++) {
      const lead = data[i] >= 0xe0 && data[i] <= 0xef;
      const cont = data[i] >= 0x80 && data[i] <= 0xbf;
      if ((i - 1) % 3 === 0 ? !lead : !cont) throw new Error(`byte ${i} is 0x${data[i].toString(16)}`);
    }
    expect((data.length - 1) % 3).toBe(0);
    // So a boundary at C or at 2C is inside a character whenever 2C fits in the file.
    const unsplit = [];
    for (let c = 1; c <= 1 << 20; c++) if (c % 3 === 1 && (2 * c) % 3 === 1) unsplit.push(c);
    expect(unsplit).toEqual([]);
    expect(data.length).toBeGreaterThan(2 * (1 << 20) + 1);
    const whole = data.toString('utf8');
    for (const size of [1000, 4096, 65535, 1 << 16, 3 << 16, 1 << 20]) {
      let pieces = '';
      for (let at = 0; at < data.length; at += size) pieces += data.subarray(at, at + size).toString('utf8');
      expect([size, pieces === whole]).toEqual([size, false]);
    }
    expect(Math.max(...whole.split('\n').map((l) => l.length))).toBeGreaterThan(500_000);
  });

  test('in every mr-out file, for any nReduce up to 16, the default sort and the code-point order disagree', () => {
    const keys = new Set<string>();
    for (const data of byName.values()) for (const key of counts(data).keys()) keys.add(key);
    expect(keys.size).toBeGreaterThan(1000);
    const hashed = [...keys].map((k) => [k, ihash(k)] as const);
    for (let n = 1; n <= 16; n++) {
      for (let r = 0; r < n; r++) {
        const bucket = hashed.filter(([, h]) => h % n === r).map(([k]) => k);
        const utf16 = [...bucket].sort();
        const codePoints = [...bucket].sort(compareCodePoints);
        expect([n, r, utf16.join('\n') === codePoints.join('\n')]).toEqual([n, r, false]);
      }
    }
  });
});

test('the few-keys inputs have fewer distinct words than reduce tasks, so some tasks get none', () => {
  const words = new Set(fewKeyInputs().flatMap((f) => wc.map(f.name, f.data.toString('utf8')).map((kv) => kv.key)));
  expect([...words].sort()).toEqual(FEW_KEYS);
  expect(new Set([...words].map((w) => ihash(w) % 10)).size).toBeLessThan(10);
  expect(FEW_KEYS.length).toBeLessThan(7); // also fewer than the n-reduce test's 7
});

describe('the per-file checks', () => {
  test('file set: exactly mr-out-0 .. mr-out-(n-1), empty files included', () => {
    expect(() =>
      checkFileSet(
        new Map([
          ['mr-out-0', ''],
          ['mr-out-1', 'a 1\n'],
        ]),
        2,
      ),
    ).not.toThrow();
    const notes = failure(() =>
      checkFileSet(
        new Map([
          ['mr-out-0', 'a 1\n'],
          ['mr-out-2', ''],
          ['mr-out-x', ''],
        ]),
        3,
      ),
    );
    expect(notes[0]).toMatch(/^expected exactly 3 output files mr-out-0 \.\. mr-out-2 .*, found 3$/);
    expect(notes.slice(1)).toEqual(['missing: mr-out-1', 'unexpected: mr-out-x']);
  });

  test('partition: each key in mr-out-<ihash(key) % n>', () => {
    const a = ihash('a') % 7;
    expect(() => checkPartition(new Map([[`mr-out-${a}`, 'a 1\n\n']]), 7)).not.toThrow();
    const notes = failure(() => checkPartition(new Map([[`mr-out-${(a + 1) % 7}`, 'a 1\n']]), 7));
    expect(notes).toEqual([
      '1 key in the wrong output file: reduce task Y must get exactly the keys with ihash(key) % 7 == Y',
      `"a" is in mr-out-${(a + 1) % 7}, ihash puts it in mr-out-${a}`,
    ]);
  });

  test('key order: by code point, so an astral letter comes after U+FF21', () => {
    const astral = '\u{1D400}x'; // UTF-16 0xD835 0xDC00: before U+FF21 by the default sort
    const high = '\uFF21y';
    const good = new Map([
      ['mr-out-0', `${high} 1\n${astral} 2\n`],
      ['mr-out-1', 'a 1\n\nb 2\nb 3\n'], // blank lines skipped; a repeated key is not an order break
      ['mr-out-2', ''],
    ]);
    expect(keyOrderBreaks(good)).toEqual([]);
    expect(() => checkKeyOrder(good)).not.toThrow();

    const bad = new Map([
      ['mr-out-0', `${astral} 2\n${high} 1\n`],
      ['mr-out-1', 'a 1\nb 1\n'],
      ['mr-out-2', 'ab 1\na 1\nc 1\nb 1\n'],
    ]);
    expect(keyOrderBreaks(bad)).toEqual([
      { file: 'mr-out-0', line: 2, before: astral, key: high },
      { file: 'mr-out-2', line: 2, before: 'ab', key: 'a' },
    ]);
    const notes = failure(() => checkKeyOrder(bad));
    expect(notes[0]).toMatch(/^keys out of order in 2 output files \(mr-out-0, mr-out-2\): /);
    expect(notes[1]).toBe(`mr-out-0 line 1: "${astral}", then line 2: "${high}"`);
    expect(notes[2]).toMatch(
      /^at character 1 they differ: U\+1D400 > U\+FF21, so "\uFF21y" must come first; JavaScript's default sort/,
    );
  });

  test('the explanation of an order break', () => {
    expect(explainOrder('ab', 'a')).toBe('"a" is a prefix of "ab", so it comes first');
    expect(explainOrder('ac', 'ab')).toBe('at character 2 they differ: U+0063 > U+0062, so "ab" must come first');
  });
});
