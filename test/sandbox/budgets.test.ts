// grader/sandbox/budgets.ts: the sizes in a broken budget's one line, the
// bytes a test's folders hold, and what a sandbox user left in the shared
// temporary folders.

import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_BUDGETS, formatBytes, leftovers, removeLeftovers, treeSize } from '../../grader/sandbox/budgets';
import { useTempDir } from '../helpers/tmpdir';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('formatBytes', () => {
  test('says bytes below a kilobyte, and rounds kilobytes to whole ones', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(1024)).toBe('1 KB');
    expect(formatBytes(1536)).toBe('2 KB');
    expect(formatBytes(300 * 1024)).toBe('300 KB');
  });

  test('gives one decimal below 10 MB and none from there up to a gigabyte', () => {
    expect(formatBytes(MiB)).toBe('1.0 MB');
    expect(formatBytes(2.5 * MiB)).toBe('2.5 MB');
    expect(formatBytes(10 * MiB)).toBe('10 MB');
    expect(formatBytes(64 * MiB)).toBe('64 MB');
  });

  test('gives gigabytes with one decimal', () => {
    expect(formatBytes(GiB)).toBe('1.0 GB');
    expect(formatBytes(2.5 * GiB)).toBe('2.5 GB');
  });

  test('names the default budgets as the grader prints them', () => {
    expect(formatBytes(DEFAULT_BUDGETS.memoryBytes)).toBe('2.0 GB');
    expect(formatBytes(DEFAULT_BUDGETS.diskBytes)).toBe('1.0 GB');
    expect(formatBytes(DEFAULT_BUDGETS.outputBytes)).toBe('64 MB');
    expect(DEFAULT_BUDGETS.tasks).toBe(512);
  });
});

describe('treeSize', () => {
  const dir = useTempDir('mr-budgets-');

  test('adds up the sizes of the files below a folder, at every depth', () => {
    fs.writeFileSync(path.join(dir.path, 'a'), Buffer.alloc(1000));
    fs.mkdirSync(path.join(dir.path, 'sub', 'deeper'), { recursive: true });
    fs.writeFileSync(path.join(dir.path, 'sub', 'b'), Buffer.alloc(234));
    fs.writeFileSync(path.join(dir.path, 'sub', 'deeper', 'c'), Buffer.alloc(5));
    expect(treeSize(dir.path)).toBe(1239);
    expect(treeSize(path.join(dir.path, 'a'))).toBe(1000);
  });

  test('counts a link as itself, never what it points at', () => {
    const big = path.join(dir.path, 'big');
    fs.writeFileSync(big, Buffer.alloc(100_000));
    fs.mkdirSync(path.join(dir.path, 'test'));
    fs.symlinkSync(big, path.join(dir.path, 'test', 'link'));
    fs.symlinkSync(dir.path, path.join(dir.path, 'test', 'loop')); // a loop is not followed either
    const linkSizes = big.length + dir.path.length; // a symbolic link's size is its target's length
    expect(treeSize(path.join(dir.path, 'test'))).toBe(linkSizes);
  });

  test('is 0 for a path that does not exist', () => {
    expect(treeSize(path.join(dir.path, 'missing'))).toBe(0);
  });

  test('stops counting when its budget of entries runs out', () => {
    for (let i = 0; i < 10; i++) fs.writeFileSync(path.join(dir.path, `f${i}`), Buffer.alloc(10));
    expect(treeSize(dir.path)).toBe(100);
    // The folder itself takes one entry, each file another: 5 entries leave 4 files counted.
    expect(treeSize(dir.path, { entries: 5 })).toBe(40);
  });
});

// Root only: the entries are handed to a user id no one has, so that nothing else's files are touched.
const rootTest = process.getuid?.() === 0 ? test : test.skip;

rootTest('leftovers finds what a user id owns in the shared temporary folders, and removeLeftovers removes it', () => {
  const uid = 3_900_000_000 + (process.pid % 1_000_000);
  const file = path.join('/tmp', `mr-leftover-${process.pid}`);
  const folder = path.join('/tmp', `mr-leftover-dir-${process.pid}`);
  const notTheirs = path.join('/tmp', `mr-not-leftover-${process.pid}`);
  try {
    fs.writeFileSync(file, 'x');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'inside'), 'y');
    fs.writeFileSync(notTheirs, 'z');
    fs.lchownSync(file, uid, uid);
    fs.lchownSync(folder, uid, uid);
    expect(leftovers(uid).sort()).toEqual([file, folder].sort());
    removeLeftovers(uid);
    expect(leftovers(uid)).toEqual([]);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.existsSync(folder)).toBe(false);
    expect(fs.existsSync(notTheirs)).toBe(true);
  } finally {
    for (const entry of [file, folder, notTheirs]) fs.rmSync(entry, { recursive: true, force: true });
  }
});
