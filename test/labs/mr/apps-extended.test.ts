// The apps of the grader's extended tier, called directly: slowwc (wc with
// a 1 s map, to catch a worker in the middle of a map task), rjobcount
// (counts reduce calls with marker files in the current directory) and
// tokencount (counts whitespace-separated tokens, for the data tests).

import * as fs from 'fs';
import * as rjobcount from '../../../src/mrapps/rjobcount';
import * as slowwc from '../../../src/mrapps/slowwc';
import * as tokencount from '../../../src/mrapps/tokencount';
import * as wc from '../../../src/mrapps/wc';
import { useTempDir } from '../../helpers/tmpdir';

function timed<T>(fn: () => T): { result: T; seconds: number } {
  const start = performance.now();
  const result = fn();
  return { result, seconds: (performance.now() - start) / 1000 };
}

describe('slowwc', () => {
  test('map blocks about 1 s, then emits what wc emits; reduce counts', () => {
    const text = "The cat, the CAT; don't 42 café\n";
    const { result, seconds } = timed(() => slowwc.map('f.txt', text));
    expect(result).toEqual(wc.map('f.txt', text));
    expect(seconds).toBeGreaterThanOrEqual(0.95);
    expect(seconds).toBeLessThan(5);
    expect(slowwc.reduce('the', ['1', '1', '1'])).toBe('3');
  });
});

describe('rjobcount (marker files in the current directory)', () => {
  const tmp = useTempDir('mr-apps-ext-');
  let cwd = '';
  beforeEach(() => {
    cwd = process.cwd();
    process.chdir(tmp.path);
  });
  afterEach(() => process.chdir(cwd));

  test('map emits the keys a..j and leaves no marker', () => {
    expect(rjobcount.map('f.txt', 'ignored').map((kv) => kv.key)).toEqual([...'abcdefghij']);
    expect(fs.readdirSync('.')).toEqual([]);
  });

  test('each reduce call leaves one marker naming its key, takes 1-3 s, and returns "1"', () => {
    const first = timed(() => rjobcount.reduce('c', ['f.txt', 'g.txt']));
    const second = timed(() => rjobcount.reduce('d', ['f.txt']));
    for (const { result, seconds } of [first, second]) {
      expect(result).toBe('1');
      expect(seconds).toBeGreaterThanOrEqual(0.95);
      expect(seconds).toBeLessThan(6);
    }
    const markers = fs.readdirSync('.').sort();
    expect(markers).toHaveLength(2);
    for (const name of markers) expect(name).toMatch(new RegExp(`^mr-worker-rjobcount-${process.pid}-\\d+$`));
    expect(markers.map((name) => fs.readFileSync(name, 'utf8')).sort()).toEqual(['c', 'd']);
  });
});

describe('tokencount', () => {
  test('every whitespace-separated token is a key as written; Unicode spaces separate too', () => {
    const text = '__proto__ constructor\t"quoted" back\\slash\n\n  a,b\u3000\u{1D400}x\u00a0toString ';
    expect(tokencount.map('f.txt', text)).toEqual(
      ['__proto__', 'constructor', '"quoted"', 'back\\slash', 'a,b', '\u{1D400}x', 'toString'].map((key) => ({
        key,
        value: '1',
      })),
    );
    expect(tokencount.map('f.txt', '')).toEqual([]);
    expect(tokencount.map('f.txt', ' \n\t')).toEqual([]);
  });

  test('reduce counts the values', () => {
    expect(tokencount.reduce('__proto__', ['1', '1'])).toBe('2');
    expect(tokencount.reduce('x', new Array(400_000).fill('1'))).toBe('400000');
  });
});
