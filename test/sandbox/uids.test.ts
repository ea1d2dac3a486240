// grader/sandbox/uids.ts: the lock files that keep graders side by side
// from sharing a sandbox user id, and the folder they live in.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ensurePrivateDir, takeLock } from '../../grader/sandbox/uids';
import { startGroup } from '../helpers/proc';
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

  test('takes over a lock that names no pid (empty, or not pids) once it is a few seconds old', () => {
    for (const content of ['', 'not a pid', '0 -1 1.5']) {
      fs.writeFileSync(lockFile(), content);
      expect(takeLock(lockFile(), [process.pid])).toBe(false); // just written: its grader may be writing it
      const old = new Date(Date.now() - 60_000);
      fs.utimesSync(lockFile(), old, old);
      expect(takeLock(lockFile(), [process.pid])).toBe(true);
      expect(fs.readFileSync(lockFile(), 'utf8')).toBe(String(process.pid));
    }
  });

  test('a takeover left half done by a grader that died in it holds no one up for long', () => {
    fs.writeFileSync(lockFile(), `${deadPid}`);
    fs.mkdirSync(path.join(dir.path, '.takeover'));
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(dir.path, '.takeover'), old, old);
    expect(takeLock(lockFile(), [process.pid])).toBe(true);
    expect(fs.existsSync(path.join(dir.path, '.takeover'))).toBe(false);
  });

  test('graders racing for the same locks, dead ones among them, never hold one at once', async () => {
    // Four processes take and free the same three locks as fast as they can, each lock dead at first; a
    // holder marks its hold with a file only one may create. (A lock read half-written, or one dead lock
    // taken over by two, would let two hold at once.)
    for (const n of [0, 1, 2]) fs.writeFileSync(path.join(dir.path, `6100${n}`), `${deadPid}`);
    const uids = path.resolve(__dirname, '../../dist-grader/grader/sandbox/uids.js');
    const racer = `
      const fs = require('fs'); const { takeLock } = require(${JSON.stringify(uids)});
      let held = 0, both = 0;
      for (let round = 0; round < 300; round++) {
        const lock = ${JSON.stringify(dir.path)} + '/6100' + (round % 3);
        if (!takeLock(lock, [process.pid])) continue;
        held++;
        try { fs.mkdirSync(lock + '.held'); } catch { both++; continue; }
        let mine = false;
        try { mine = fs.readFileSync(lock, 'utf8') === String(process.pid); } catch {}
        if (!mine) both++; // taken from under its holder
        fs.rmdirSync(lock + '.held');
        fs.rmSync(lock, { force: true });
      }
      console.log(JSON.stringify({ held, both }));`;
    // each racer in a process group of its own, killed with it at its limit (the rounds take well under a second)
    const runs = await Promise.all(
      [0, 1, 2, 3].map(() => startGroup(process.execPath, ['-e', racer], { limitMs: 60_000 }).done),
    );
    const results = runs.map((r) => (r.code === 0 ? JSON.parse(r.stdout) : { held: 0, both: -1 })); // -1: it crashed
    expect(results.map((r) => r.both)).toEqual([0, 0, 0, 0]);
    expect(results.reduce((sum, r) => sum + r.held, 0)).toBeGreaterThan(0);
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
