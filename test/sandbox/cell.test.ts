// grader/sandbox/cell.ts without root: the command a cell builds (and that
// its shell really enters the cell's groups and keeps the pid), the
// environment it gives a student's process, the one line a broken budget
// becomes, and what it tells its wall. Plain folders stand in for cgroups.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Budgets } from '../../grader/sandbox/budgets';
import { Cell, CellHost } from '../../grader/sandbox/cell';
import { MARKER_VAR } from '../../grader/sandbox/reap';
import { useTempDir } from '../helpers/tmpdir';

const BUDGETS: Budgets = { memoryBytes: 1 << 30, tasks: 100, diskBytes: 1000, outputBytes: 1 << 20 };

/** A wall that only records what its cells tell it. */
function recordingHost(): CellHost & { told: object[]; forgotten: Cell[] } {
  const told: object[] = [];
  const forgotten: Cell[] = [];
  return { budgets: BUDGETS, told, forgotten, tell: (m) => told.push(m), forget: (c) => forgotten.push(c) };
}

interface CellParts {
  uid?: number;
  gid?: number;
  cgroupDirs?: string[];
  setpriv?: string;
  prlimit?: string;
  unshareNet?: string;
  unshareAlone?: string;
}

function makeCell(parts: CellParts = {}, host = recordingHost()): Cell {
  const { uid, gid, cgroupDirs = [], setpriv, prlimit, unshareNet, unshareAlone } = parts;
  return new Cell(host, '99-1', uid, gid, cgroupDirs, setpriv, prlimit, unshareNet, unshareAlone);
}

describe('the command a cell builds', () => {
  const dir = useTempDir('mr-cell-');

  test('without root or tools: a shell that enters no group and runs the command as it is', () => {
    const built = makeCell().command('/usr/bin/node', ['worker.js', 'wc']);
    expect(built.command).toBe('/bin/sh');
    expect(built.args.slice(2)).toEqual(['mr-cell', '--', '/usr/bin/node', 'worker.js', 'wc']);
    expect(built.uid).toBeUndefined();
    expect(built.gid).toBeUndefined();
  });

  test('with a sandbox user: enter the groups, then prlimit, unshare and setpriv, then the command', () => {
    const pids = path.join(dir.path, 'pids');
    const memory = path.join(dir.path, 'memory');
    fs.mkdirSync(pids);
    fs.mkdirSync(memory);
    fs.writeFileSync(path.join(pids, 'pids.max'), '100'); // a pids cgroup: RLIMIT_NPROC is only a backstop above it
    const cell = makeCell({
      uid: 61003,
      gid: 61000,
      cgroupDirs: [memory, pids],
      setpriv: '/usr/bin/setpriv',
      prlimit: '/usr/bin/prlimit',
      unshareNet: '/usr/bin/unshare',
    });
    const built = cell.command('node', ['w.js']);
    expect(built.args.slice(2)).toEqual([
      'mr-cell',
      path.join(memory, 'cgroup.procs'),
      path.join(pids, 'cgroup.procs'),
      '--',
      '/usr/bin/prlimit',
      '--fsize=1000',
      '--core=0',
      '--nproc=164',
      '--',
      '/usr/bin/unshare',
      '--net',
      '--',
      '/usr/bin/setpriv',
      '--reuid=61003',
      '--regid=61000',
      '--clear-groups',
      '--no-new-privs',
      '--',
      'node',
      'w.js',
    ]);
    expect(built.uid).toBeUndefined(); // setpriv drops to the user: spawn starts the shell as root
  });

  test('RLIMIT_NPROC is the task budget itself where no pids cgroup counts, and only with a sandbox user', () => {
    const withUser = makeCell({ uid: 61003, gid: 61000, prlimit: '/usr/bin/prlimit' }).command('node', []);
    expect(withUser.args).toContain('--nproc=100');
    const without = makeCell({ prlimit: '/usr/bin/prlimit' }).command('node', []);
    expect(without.args.filter((a) => a.startsWith('--nproc'))).toEqual([]);
    expect(without.args).toContain('--fsize=1000');
  });

  test('without setpriv, spawn switches to the sandbox user itself', () => {
    const built = makeCell({ uid: 61003, gid: 61000 }).command('node', ['w.js']);
    expect(built).toMatchObject({ uid: 61003, gid: 61000 });
    expect(built.args.slice(2)).toEqual(['mr-cell', '--', 'node', 'w.js']);
  });

  test('on a two-hosts "host", it enters that network namespace instead of making one', () => {
    const built = makeCell({ unshareNet: '/usr/bin/unshare' }).command('node', [], { netns: 'mrlab-c-1' });
    expect(built.args.slice(2)).toEqual([
      'mr-cell',
      '--',
      '/usr/bin/nsenter',
      '--net=/run/netns/mrlab-c-1',
      '--',
      'node',
    ]);
  });

  test('its shell writes its pid into each group, then execs: the command keeps that pid', () => {
    const groups = [path.join(dir.path, 'a'), path.join(dir.path, 'b')];
    for (const g of groups) fs.mkdirSync(g);
    const built = makeCell({ cgroupDirs: groups }).command('/bin/sh', ['-c', 'echo $$']);
    const run = spawnSync(built.command, built.args, { encoding: 'utf8' });
    expect(run.status).toBe(0);
    const pid = run.stdout.trim();
    expect(pid).toMatch(/^\d+$/);
    for (const g of groups) expect(fs.readFileSync(path.join(g, 'cgroup.procs'), 'utf8').trim()).toBe(pid);
  });

  test('its shell refuses to start the command when it cannot enter a group (exit 125)', () => {
    const ran = path.join(dir.path, 'ran');
    const built = makeCell({ cgroupDirs: [path.join(dir.path, 'missing')] }).command('/bin/sh', ['-c', `touch ${ran}`]);
    const run = spawnSync(built.command, built.args, { encoding: 'utf8' });
    expect(run.status).toBe(125);
    expect(fs.existsSync(ran)).toBe(false);
  });
});

describe('the environment of a student process', () => {
  const base = { PATH: '/usr/bin', LANG: 'C.UTF-8', MR_TOKEN: 't', SECRET: 's', HOME: '/root', TMPDIR: '/x' };

  test('with a sandbox user: only what a job needs, the kit MR_* included, and the cell marker', () => {
    const cell = makeCell({ uid: 61003, gid: 61000 });
    expect(cell.env(base, '/tmp/cell')).toEqual({
      PATH: '/usr/bin',
      LANG: 'C.UTF-8',
      MR_TOKEN: 't',
      HOME: '/tmp/cell',
      TMPDIR: '/tmp/cell',
      [MARKER_VAR]: cell.marker,
    });
  });

  test('without one: the whole environment, with HOME, TMPDIR and the marker set', () => {
    const cell = makeCell();
    expect(cell.env(base, '/tmp/cell')).toEqual({
      ...base,
      HOME: '/tmp/cell',
      TMPDIR: '/tmp/cell',
      [MARKER_VAR]: cell.marker,
    });
    expect(cell.marker).toMatch(/^[0-9a-f]{16}$/);
    expect(makeCell().marker).not.toBe(cell.marker);
  });
});

describe('overBudget', () => {
  const dir = useTempDir('mr-cell-');

  test('is undefined while the test keeps within its budgets', () => {
    fs.writeFileSync(path.join(dir.path, 'out'), Buffer.alloc(1000));
    expect(makeCell().overBudget([dir.path])).toBeUndefined();
  });

  test('names the disk written, over every folder given, against the limit', () => {
    const other = path.join(dir.path, 'tmp');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(dir.path, 'out'), Buffer.alloc(600));
    fs.writeFileSync(path.join(other, 'spill'), Buffer.alloc(600));
    expect(makeCell().overBudget([path.join(dir.path, 'out'), other])).toEqual({
      line: "the test's processes wrote 1 KB to disk; the limit is 1000 bytes",
    });
  });

  /** A cgroup folder of these files, as the kernel would show them. */
  const group = (name: string, files: Record<string, string>): string => {
    const d = path.join(dir.path, name);
    fs.mkdirSync(d, { recursive: true });
    for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(d, file), text);
    return d;
  };
  const overMemory = (killed: number) => ({
    line: `the test's processes used more than the memory limit of 1.0 GB (the kernel killed ${killed})`,
  });
  const v1Kills = (killed: number) => `oom_kill_disable 0\nunder_oom 0\noom_kill ${killed}\n`;

  test("says the kernel killed processes for memory, from a v2 or a v1 group's counter", () => {
    const v2 = group('v2', { 'memory.events': 'low 0\nhigh 0\nmax 7\noom 2\noom_kill 2\n' });
    const v1 = group('v1', { 'memory.oom_control': v1Kills(1), 'memory.failcnt': '12\n' });
    expect(makeCell({ cgroupDirs: [v2] }).overBudget([])).toEqual(overMemory(2));
    expect(makeCell({ cgroupDirs: [v1] }).overBudget([])).toEqual(overMemory(1));
    // v1 as this machine's kernel leaves it after a kill at the limit: no fail count, the peak at the limit
    group('v1', {
      'memory.failcnt': '0\n',
      'memory.memsw.failcnt': '0\n',
      'memory.max_usage_in_bytes': `${1024 ** 3}`,
    });
    expect(makeCell({ cgroupDirs: [v1] }).overBudget([])).toEqual(overMemory(1));
  });

  // The kernel counts the machine's OOM kills in the cell's counter too (the
  // kinds are told apart in memory-kills.ts, tested in memory-kills.test.ts).
  test("says the machine ran out, as the grader's error, when the cell used a small share of it", () => {
    const v2 = group('v2', {
      'memory.events': 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 1\n',
      'memory.peak': `${1024 * 1024}`,
    });
    expect(makeCell({ cgroupDirs: [v2] }).overBudget([])).toEqual({
      line: expect.stringMatching(/^the machine ran out of memory \(it has .*\): run the test again$/),
      byMachine: true,
    });
  });

  test('says the pids group refused a fork', () => {
    fs.writeFileSync(path.join(dir.path, 'pids.events'), 'max 3\n');
    expect(makeCell({ cgroupDirs: [dir.path] }).overBudget([])).toEqual({
      line: "the test's processes tried to run more than 100 processes and threads at once (the limit)",
    });
  });
});

describe('what a cell tells its wall', () => {
  test('each process group it starts, for the watchdog', () => {
    const host = recordingHost();
    const cell = makeCell({}, host);
    cell.started(4242);
    expect(host.told).toEqual([{ cell: '99-1', pgid: 4242 }]);
  });

  test('that it has closed, once however often it is closed', () => {
    const host = recordingHost();
    const cell = makeCell({}, host);
    cell.close();
    cell.close();
    expect(host.forgotten).toEqual([cell]);
  });
});
