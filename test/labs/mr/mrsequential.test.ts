// The sequential driver: the reference output every distributed run is
// compared with. Run compiled, in a temp dir per test.

import * as fs from 'fs';
import * as path from 'path';
import { compareCodePoints } from '../../../src/kit/order';
import { words } from '../../../src/mrapps/lib/text';
import { dist, oneLine, ROOT, runNode } from '../../helpers/proc';
import { useTempDir } from '../../helpers/tmpdir';

const tmp = useTempDir('mr-seq-');
const mrsequential = () => dist('src/main/mrsequential.js');

function write(name: string, contents: string | Buffer): string {
  fs.writeFileSync(path.join(tmp.path, name), contents);
  return name;
}

async function runSequential(args: string[]) {
  return runNode(mrsequential(), args, { cwd: tmp.path, timeoutMs: 20_000 });
}

function output(): string {
  return fs.readFileSync(path.join(tmp.path, 'mr-out-0'), 'utf8');
}

test('wc: "key value" lines, one per distinct word, keys in order', async () => {
  write('a.txt', 'the cat and the hat\n');
  write('b.txt', "The cat, don't!\n");
  const result = await runSequential(['wc', 'a.txt', 'b.txt']);
  expect(result.exitCode).toBe(0);
  expect(result.stderr).toBe('');
  expect(output()).toBe('The 1\nand 1\ncat 2\ndon 1\nhat 1\nt 1\nthe 2\n');
});

test('keys sort by code point: a letter outside the BMP after U+FFxx letters', async () => {
  // JavaScript's default sort would put U+10400 (surrogates D801 DC00) before U+FF5A.
  write('u.txt', '\u{10400} \uff5a z é \u{1D49C} Z');
  expect(['\u{10400}', '\uff5a'].sort()).toEqual(['\u{10400}', '\uff5a']);
  expect((await runSequential(['wc', 'u.txt'])).exitCode).toBe(0);
  expect(output()).toBe('Z 1\nz 1\né 1\n\uff5a 1\n\u{10400} 1\n\u{1D49C} 1\n');
});

test('indexer: file names reach map exactly as given', async () => {
  fs.mkdirSync(path.join(tmp.path, 'sub'));
  write('sub/x.txt', 'alpha beta alpha');
  write('y z.txt', 'beta');
  const result = await runSequential(['indexer', './sub/../sub/x.txt', 'y z.txt']);
  expect(result.exitCode).toBe(0);
  expect(output()).toBe('alpha 1 ./sub/../sub/x.txt\nbeta 2 ./sub/../sub/x.txt,y z.txt\n');
});

test('an app given by path works as one given by name', async () => {
  write('a.txt', 'one two two');
  expect((await runSequential([path.join(ROOT, 'dist/src/mrapps/wc.js'), 'a.txt'])).exitCode).toBe(0);
  expect(output()).toBe('one 1\ntwo 2\n');
});

test('an empty file and a file without letters give an empty mr-out-0', async () => {
  write('empty.txt', '');
  write('digits.txt', '123 456, 7.8 -- !!\n');
  const result = await runSequential(['wc', 'empty.txt', 'digits.txt']);
  expect(result.exitCode).toBe(0);
  expect(output()).toBe('');
});

test('invalid UTF-8 decodes to U+FFFD, which splits words', async () => {
  write('bad.txt', Buffer.from([0x61, 0x62, 0xff, 0x63, 0x64, 0x20, 0x61, 0x62]));
  expect((await runSequential(['wc', 'bad.txt'])).exitCode).toBe(0);
  expect(output()).toBe('ab 2\ncd 1\n');
});

test('wc over the generated inputs counts every word', async () => {
  const names = fs.readdirSync(path.join(ROOT, 'inputs')).filter((n) => /^gen-.*\.txt$/.test(n));
  expect(names).toHaveLength(8);
  for (const name of names) fs.symlinkSync(path.join(ROOT, 'inputs', name), path.join(tmp.path, name));
  const result = await runSequential(['wc', ...names]);
  expect(result.exitCode).toBe(0);

  const counts = new Map<string, number>();
  for (const name of names) {
    for (const w of words(fs.readFileSync(path.join(ROOT, 'inputs', name), 'utf8')))
      counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  const expected = [...counts.keys()]
    .sort(compareCodePoints)
    .map((k) => `${k} ${counts.get(k)}\n`)
    .join('');
  const got = output();
  expect(got.split('\n').length - 1).toBe(counts.size);
  expect(got === expected).toBe(true);
});

describe('bad input: one line on stderr, exit 1, no mr-out-0', () => {
  async function expectFailure(args: string[], message: RegExp): Promise<void> {
    const result = await runSequential(args);
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(oneLine(result.stderr)).toMatch(message);
    expect(fs.existsSync(path.join(tmp.path, 'mr-out-0'))).toBe(false);
  }

  test('no arguments, or an app and no files', async () => {
    await expectFailure([], /^mrsequential: usage: /);
    await expectFailure(['wc'], /^mrsequential: usage: /);
  });

  test('a missing input file', async () => {
    write('a.txt', 'x');
    await expectFailure(['wc', 'a.txt', 'missing.txt'], /missing\.txt/);
  });

  test('a directory as input', async () => {
    fs.mkdirSync(path.join(tmp.path, 'dir'));
    await expectFailure(['wc', 'dir'], /dir is a directory/);
  });

  test('an unreadable input file', async () => {
    write('secret.txt', 'x');
    fs.chmodSync(path.join(tmp.path, 'secret.txt'), 0o000);
    if (process.getuid?.() !== 0) {
      await expectFailure(['wc', 'secret.txt'], /secret\.txt: permission denied/);
      return;
    }
    // Root reads a file whatever its mode (as in CI containers), so chmod 000 alone proves
    // nothing: run the driver as nobody instead, if this machine lets us.
    fs.chmodSync(tmp.path, 0o777);
    const result = await runNode(mrsequential(), ['wc', 'secret.txt'], { cwd: tmp.path, uid: 65534, gid: 65534 });
    if (result.exitCode !== 1 || !/permission denied/.test(result.stderr)) {
      console.log(`skipped the chmod 000 case: running as root, and as nobody the driver said: ${result.stderr}`);
      return;
    }
    expect(oneLine(result.stderr)).toMatch(/^mrsequential: cannot read input file secret\.txt: permission denied$/);
    expect(fs.existsSync(path.join(tmp.path, 'mr-out-0'))).toBe(false);
  });

  test('an unknown app, and an app without map and reduce', async () => {
    write('a.txt', 'x');
    await expectFailure(['nosuchapp', 'a.txt'], /no app named nosuchapp/);
    write('half.js', 'exports.map = () => [];\n');
    await expectFailure(['./half.js', 'a.txt'], /must export functions map.*and reduce/);
    write('broken.js', 'this is not javascript\n');
    await expectFailure(['./broken.js', 'a.txt'], /cannot load app/);
  });
});

describe('an app that throws: the call and the frame in the app, exit 1, the last good mr-out-0 kept', () => {
  const APP = [
    "exports.map = (filename, contents) => contents.split(/\\s+/).filter(Boolean).map((key) => ({ key, value: '1' }));",
    'exports.reduce = (key, values) => {',
    "  if (key === 'boom') throw new Error('reduce gave up');",
    '  return String(values.length);',
    '};',
  ].join('\n');

  async function expectAppFailure(args: string[], line: string, frame: RegExp): Promise<void> {
    const result = await runSequential(args);
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.split('\n').filter((l) => l !== '')).toEqual([line, expect.stringMatching(frame)]);
  }

  test('reduce throws half-way: mr-out-0 of the previous run is untouched, no temporary file is left', async () => {
    write('a.txt', 'apple boom zebra\n');
    expect((await runSequential(['wc', 'a.txt'])).exitCode).toBe(0);
    const good = output();
    expect(good).toBe('apple 1\nboom 1\nzebra 1\n');

    write('bad.js', APP);
    await expectAppFailure(
      ['./bad.js', 'a.txt'],
      'mrsequential: app ./bad.js: reduce threw on key "boom": Error: reduce gave up',
      /^ {4}at .*\(bad\.js:3:\d+\)$/,
    );
    expect(output()).toBe(good);
    expect(fs.readdirSync(tmp.path).sort()).toEqual(['a.txt', 'bad.js', 'mr-out-0']);
  });

  test('map throws: the line names the input file; no mr-out-0 is made', async () => {
    write('a.txt', 'apple\n');
    write('b.txt', 'zebra\n');
    write('badmap.js', "exports.map = (f) => { if (f === 'b.txt') null.x; return []; };\nexports.reduce = () => '';\n");
    await expectAppFailure(
      ['./badmap.js', 'a.txt', 'b.txt'],
      "mrsequential: app ./badmap.js: map threw on input file b.txt: TypeError: Cannot read properties of null (reading 'x')",
      /^ {4}at .*\(badmap\.js:1:\d+\)$/,
    );
    expect(fs.readdirSync(tmp.path).sort()).toEqual(['a.txt', 'b.txt', 'badmap.js']);
  });
});
