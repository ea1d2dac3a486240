// grader/sandbox/uids.ts: the lock files that keep graders side by side
// from sharing a sandbox user id, and the folder they live in.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ensurePrivateDir, takeLock } from '../../grader/sandbox/uids';
import { useTempDir } from '../helpers/tmpdir';

/** A pid no process can have: past the kernel's largest. */
const deadPid = Number(fs.readFileSync('/proc/sys/kernel/pid_max', 'utf8')) + 1;

/** The pid of a process that has run and exited. */
function exitedPid(): number {
  const pid = spawnSync('/bin/sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim();
  return Number(pid);
}

describe('takeLock', () => {
  const dir = useTempDir('mr-uids-');
  const lockFile = (): string => path.join(dir.path, '61000');

  test('takes a free lock, writing its holders', () => {
    expect(takeLock(lockFile(), [process.pid, 4242])).toBe(true);
    expect(fs.readFileSync(lockFile(), 'utf8')).toBe(`${process.pid} 4242`);
  });

  test('leaves a lock alone while any of its holders lives', () => {
    fs.writeFileSync(lockFile(), `${deadPid} ${process.pid}`);
    expect(takeLock(lockFile(), [7])).toBe(false);
    expect(fs.readFileSync(lockFile(), 'utf8')).toBe(`${deadPid} ${process.pid}`);
  });

  test('takes over a lock whose holders have all died', () => {
    fs.writeFileSync(lockFile(), `${deadPid} ${exitedPid()}`);
    expect(takeLock(lockFile(), [process.pid])).toBe(true);
    expect(fs.readFileSync(lockFile(), 'utf8')).toBe(String(process.pid));
  });

  test('takes over a lock that names no live process at all (empty, or not pids)', () => {
    for (const content of ['', 'not a pid', '0 -1 1.5']) {
      fs.writeFileSync(lockFile(), content);
      expect(takeLock(lockFile(), [process.pid])).toBe(true);
      expect(fs.readFileSync(lockFile(), 'utf8')).toBe(String(process.pid));
    }
  });

  test('a second taker of the same free lock is refused while the first lives', () => {
    expect(takeLock(lockFile(), [process.pid])).toBe(true);
    expect(takeLock(lockFile(), [process.pid])).toBe(false);
  });

  test('never takes a lock it cannot read', () => {
    fs.mkdirSync(lockFile()); // a folder where the lock file should be: neither writable anew nor readable
    expect(takeLock(lockFile(), [process.pid])).toBe(false);
    expect(fs.statSync(lockFile()).isDirectory()).toBe(true);
  });
});

describe('ensurePrivateDir', () => {
  const dir = useTempDir('mr-uids-');

  test('refuses a folder its group or others may write', () => {
    for (const mode of [0o777, 0o770, 0o702]) {
      const locks = path.join(dir.path, `locks-${mode.toString(8)}`);
      fs.mkdirSync(locks);
      fs.chmodSync(locks, mode);
      expect(() => ensurePrivateDir(locks)).toThrow(`${locks} must be a folder owned by root that only root can write`);
    }
  });

  test('refuses a file, or a link, where the folder should be', () => {
    const file = path.join(dir.path, 'file');
    fs.writeFileSync(file, '');
    expect(() => ensurePrivateDir(file)).toThrow(); // mkdir of an existing file fails
    const link = path.join(dir.path, 'link');
    const target = path.join(dir.path, 'target');
    fs.mkdirSync(target, { mode: 0o700 });
    fs.symlinkSync(target, link);
    expect(() => ensurePrivateDir(link)).toThrow(`${link} must be a folder owned by root that only root can write`);
  });

  const rootTest = process.getuid?.() === 0 ? test : test.skip;
  rootTest('makes the folder, owned by root and closed to others, as root', () => {
    const locks = path.join(dir.path, 'run', 'mr-lab-uids');
    ensurePrivateDir(locks);
    const st = fs.lstatSync(locks);
    expect(st.isDirectory()).toBe(true);
    expect(st.uid).toBe(0);
    expect(st.mode & 0o022).toBe(0);
  });
});
