// The apps' map and reduce, called directly; the probe apps in a temp dir
// (they keep their marker files in the current directory).

import * as fs from 'fs';
import * as earlyExit from '../../../src/mrapps/early_exit';
import * as indexer from '../../../src/mrapps/indexer';
import * as jobcount from '../../../src/mrapps/jobcount';
import * as mtiming from '../../../src/mrapps/mtiming';
import * as nocrash from '../../../src/mrapps/nocrash';
import * as rtiming from '../../../src/mrapps/rtiming';
import * as wc from '../../../src/mrapps/wc';
import { crashRandom } from '../../../src/mrapps/lib/random';
import { isAlive } from '../../../src/mrapps/lib/probe';
import { dist, Processes, runNode } from '../../helpers/proc';
import { useTempDir } from '../../helpers/tmpdir';

function timed<T>(fn: () => T): { result: T; seconds: number } {
  const start = performance.now();
  const result = fn();
  return { result, seconds: (performance.now() - start) / 1000 };
}

describe('wc', () => {
  test('map emits (word, "1") for every occurrence, in order', () => {
    expect(wc.map('f.txt', "The cat, the CAT; don't 42 café\n")).toEqual(
      ['The', 'cat', 'the', 'CAT', 'don', 't', 'café'].map((key) => ({ key, value: '1' })),
    );
    expect(wc.map('f.txt', '')).toEqual([]);
  });

  test('reduce counts the values', () => {
    expect(wc.reduce('the', ['1', '1', '1'])).toBe('3');
    expect(wc.reduce('x', ['1'])).toBe('1');
  });
});

describe('indexer', () => {
  test('map emits each distinct word once, with the document name as given', () => {
    const pairs = indexer.map('../dir/Doc 1.txt', 'b a b A a\u{10400}');
    expect(pairs.map((p) => p.key).sort()).toEqual(['A', 'a', 'a\u{10400}', 'b'].sort());
    expect(new Set(pairs.map((p) => p.value))).toEqual(new Set(['../dir/Doc 1.txt']));
  });

  test('reduce gives the count and the sorted documents, comma-separated', () => {
    expect(indexer.reduce('w', ['pg-c.txt', 'pg-a.txt', 'pg-b.txt'])).toBe('3 pg-a.txt,pg-b.txt,pg-c.txt');
    expect(indexer.reduce('w', ['only.txt'])).toBe('1 only.txt');
  });
});

describe('crash output (nocrash, and crash when it does not crash)', () => {
  test("map emits the name, its byte length, the contents' byte length and xyzzy", () => {
    expect(nocrash.map('../pg-grimm.txt', 'héllo \u{10400}')).toEqual([
      { key: 'a', value: '../pg-grimm.txt' },
      { key: 'b', value: '15' },
      { key: 'c', value: '11' }, // h é(2) l l o space 𐐀(4)
      { key: 'd', value: 'xyzzy' },
    ]);
    expect(nocrash.map('dé.txt', '')[1]).toEqual({ key: 'b', value: '7' });
  });

  test('reduce sorts the values as strings and joins them with spaces', () => {
    expect(nocrash.reduce('b', ['20', '15', '9', '21'])).toBe('15 20 21 9');
    expect(nocrash.reduce('d', ['xyzzy', 'xyzzy'])).toBe('xyzzy xyzzy');
  });
});

describe('crash', () => {
  const processes = new Processes();
  afterEach(() => processes.killAll());

  /** The outcome of each draw in order: 'crash', 'delay <ms>' or 'ok'. */
  function outcomes(seed: string, calls: number): string[] {
    const random = crashRandom(seed);
    const out: string[] = [];
    for (let i = 0; i < calls; i++) {
      const r = random(1000);
      if (r < 330) return [...out, 'crash'];
      out.push(r < 660 ? `delay ${random(10_000)}` : 'ok');
    }
    return out;
  }

  /** The first seed seed-<n> whose draws go as `wanted` says. */
  function findSeed(wanted: (o: string[]) => boolean, calls: number): string {
    for (let n = 0; n < 100_000; n++) if (wanted(outcomes(`seed-${n}`, calls))) return `seed-${n}`;
    throw new Error('no such seed');
  }

  // Calls map, then reduce, alternately, printing after each call that returned.
  const CHILD = `
    const app = require(process.argv[1]);
    for (let i = 0; i < Number(process.argv[2]); i++) {
      const out = i % 2 ? app.reduce('b', ['2', '10']) : app.map('f.txt', 'abc');
      console.log(i + ' ' + JSON.stringify(out));
    }`;
  const run = (seed: string, calls: number) =>
    runNode('-e', [CHILD, dist('src/mrapps/crash.js'), String(calls)], {
      env: { ...process.env, MR_CRASH_SEED: seed },
      timeoutMs: 20_000,
    });

  test('the same MR_CRASH_SEED replays the same draws; a crash draw exits with status 1', async () => {
    const seed = findSeed((o) => o.join() === 'ok,ok,crash', 3);
    const first = await run(seed, 3);
    expect(first.exitCode).toBe(1);
    expect(first.stdout).toBe(
      '0 [{"key":"a","value":"f.txt"},{"key":"b","value":"5"},{"key":"c","value":"3"},{"key":"d","value":"xyzzy"}]\n1 "10 2"\n',
    );
    const second = await run(seed, 3);
    expect([second.exitCode, second.stdout]).toEqual([1, first.stdout]);
  });

  test('a seed without crash draws runs to the end, through a short delay', async () => {
    const short = (o: string) => o === 'ok' || /^delay [0-4]?\d?\d$/.test(o); // at most 499 ms
    const seed = findSeed((o) => o.length === 4 && o.every(short) && o.some((x) => x.startsWith('delay')), 4);
    const result = await run(seed, 4);
    expect(result.exitCode).toBe(0);
    expect(
      result.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(' ')[0]),
    ).toEqual(['0', '1', '2', '3']);
  });

  test('crashRandom: a seed gives the same sequence, another seed another one', () => {
    const draw = (seed: string) => {
      const r = crashRandom(seed);
      return Array.from({ length: 50 }, () => r(1000));
    };
    expect(draw('abc')).toEqual(draw('abc'));
    expect(draw('abc')).not.toEqual(draw('abd'));
    expect(draw('abc').every((r) => Number.isInteger(r) && r >= 0 && r < 1000)).toBe(true);
  });
});

describe('early_exit', () => {
  test('map emits (filename, "1"); reduce counts', () => {
    expect(earlyExit.map('../pg-grimm.txt', 'whatever')).toEqual([{ key: '../pg-grimm.txt', value: '1' }]);
    const { result, seconds } = timed(() => earlyExit.reduce('../pg-grimm.txt', ['1', '1']));
    expect(result).toBe('2');
    expect(seconds).toBeLessThan(2.5); // no sleep for other keys
  });

  test('reduce sleeps 3 s for keys with "sherlock" or "tom"', () => {
    for (const key of ['gen-sherlock_holmes.txt', '../pg-tom_sawyer.txt']) {
      const { result, seconds } = timed(() => earlyExit.reduce(key, ['1']));
      expect(result).toBe('1');
      expect(seconds).toBeGreaterThanOrEqual(2.9);
    }
  });
});

describe('probe apps (marker files in the current directory)', () => {
  const tmp = useTempDir('mr-apps-');
  const processes = new Processes();
  let cwd = '';
  beforeEach(() => {
    cwd = process.cwd();
    process.chdir(tmp.path);
  });
  afterEach(async () => {
    process.chdir(cwd);
    await processes.killAll();
  });

  /** The pid of a live process of ours, and the pid of one that has exited. */
  async function pids(): Promise<{ live: number; dead: number }> {
    const live = processes.startNode('-e', ['setTimeout(() => {}, 120000)']).pid!;
    const dead = processes.startNode('-e', ['']);
    await dead;
    expect(isAlive(live)).toBe(true);
    expect(isAlive(dead.pid!)).toBe(false);
    return { live, dead: dead.pid! };
  }

  test('mtiming counts live map markers only, and removes its own', async () => {
    const { live, dead } = await pids();
    const others = [`mr-worker-map-${live}`, `mr-worker-map-${dead}`, `mr-worker-reduce-${live}`, 'mr-worker-map-x'];
    for (const name of others) fs.writeFileSync(name, 'x');
    const before = Date.now() / 1000;
    const { result, seconds } = timed(() => mtiming.map('f.txt', 'ignored'));
    expect(result).toEqual([
      { key: `times-${process.pid}`, value: expect.stringMatching(/^\d+\.\d$/) },
      { key: `parallel-${process.pid}`, value: '2' }, // itself and the live one
    ]);
    expect(Math.abs(Number(result[0].value) - before)).toBeLessThan(1);
    expect(seconds).toBeGreaterThanOrEqual(0.9); // the 1 s hold
    expect(fs.readdirSync('.').sort()).toEqual([...others].sort());
    expect(mtiming.reduce(`parallel-${process.pid}`, ['2', '1', '10'])).toBe('1 10 2');
  });

  test('rtiming: map emits a..j; reduce reports the live reduce workers', async () => {
    expect(rtiming.map('f.txt', 'ignored')).toEqual([...'abcdefghij'].map((key) => ({ key, value: '1' })));
    expect(rtiming.reduce('a', ['1'])).toBe('1');
    expect(fs.readdirSync('.')).toEqual([]);
    const { live, dead } = await pids();
    fs.writeFileSync(`mr-worker-reduce-${live}`, 'x');
    fs.writeFileSync(`mr-worker-reduce-${dead}`, 'x');
    fs.writeFileSync(`mr-worker-map-${live}`, 'x');
    expect(rtiming.reduce('b', ['1', '1'])).toBe('2');
    expect(fs.existsSync(`mr-worker-reduce-${process.pid}`)).toBe(false);
  });

  test('jobcount: each map leaves one marker and sleeps 2-5 s; reduce counts the markers', () => {
    const { result, seconds } = timed(() => jobcount.map('f.txt', 'ignored'));
    expect(result).toEqual([{ key: 'a', value: 'x' }]);
    expect(seconds).toBeGreaterThanOrEqual(1.9);
    expect(fs.readdirSync('.')).toEqual([`mr-worker-jobcount-${process.pid}-0`]);
    fs.writeFileSync('mr-worker-jobcount-12345-0', 'x'); // another worker's
    fs.writeFileSync('mr-out-0', ''); // not a marker
    expect(jobcount.reduce('a', ['x', 'x'])).toBe('2');
  });
});
