// The benchmark's cgroups (scripts/bench/cgroup.ts): which hierarchy a
// machine has (v2, v1, or none), decided from the file system layout alone,
// and what a group does on each, against fake trees that look like
// /sys/fs/cgroup. Where this machine lets root make groups, one real group too.

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { detectHierarchy, Group, Hierarchy, makeGroup, ownPath } from '../../scripts/bench/cgroup';
import { Session } from '../../scripts/bench/session';
import { useTempDir } from '../helpers/tmpdir';

const MB = 1024 * 1024;
const BOX = { memoryMaxBytes: 768 * MB, cpu: { quotaUs: 50_000, periodUs: 100_000 } };
const SELF_V1 = '9:name=systemd:/\n4:memory:/jobs/42\n1:cpu,cpuacct:/\n0::/\n';

/** Writes files (path relative to root -> content), making the folders on the way. */
function tree(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

const read = (file: string): string => fs.readFileSync(file, 'utf8');

/** What v2 mounts at /sys/fs/cgroup: the unified tree's root. */
function fakeV2(root: string, controllers = 'cpuset cpu io memory hugetlb pids', enabled = ''): void {
  tree(root, { 'cgroup.controllers': controllers, 'cgroup.subtree_control': enabled, 'cgroup.procs': '' });
}

/** What v1 mounts: one tree per controller; we are in /jobs/42 of the memory tree. */
function fakeV1(root: string): void {
  tree(root, {
    'memory/jobs/42/memory.max_usage_in_bytes': '0',
    'cpu/cpu.cfs_quota_us': '-1',
    'pids/pids.max': 'max',
  });
}

describe('detectHierarchy', () => {
  const tmp = useTempDir('mr-bench-cg-');

  test('v2: the root is the unified tree (it has cgroup.controllers)', () => {
    fakeV2(tmp.path);
    expect(detectHierarchy(tmp.path, '0::/user.slice\n')).toEqual({ version: 2, root: tmp.path });
  });

  test('v1: our own folder in the memory and cpu trees, as /proc/self/cgroup names it', () => {
    fakeV1(tmp.path);
    expect(detectHierarchy(tmp.path, SELF_V1)).toEqual({
      version: 1,
      root: tmp.path,
      memory: path.join(tmp.path, 'memory', 'jobs', '42'),
      cpu: path.join(tmp.path, 'cpu'),
    });
  });

  test('hybrid (v1 trees and a controller-less v2 tree at unified/) is v1', () => {
    fakeV1(tmp.path);
    tree(tmp.path, { 'unified/cgroup.controllers': '', 'unified/cgroup.procs': '' });
    expect(detectHierarchy(tmp.path, SELF_V1).version).toBe(1);
  });

  test('v1 with only some controllers mounted: those it has', () => {
    tree(tmp.path, { 'cpu/cpu.cfs_quota_us': '-1' });
    expect(detectHierarchy(tmp.path, SELF_V1)).toEqual({ version: 1, root: tmp.path, cpu: path.join(tmp.path, 'cpu') });
  });

  test('nothing mounted (an empty folder, or none at all): none, with the reason', () => {
    const empty = detectHierarchy(tmp.path, '');
    expect(empty).toEqual({ version: 'none', reason: expect.stringMatching(/^no cgroup mounted at /) });
    expect(detectHierarchy(path.join(tmp.path, 'absent'), '').version).toBe('none');
  });

  test('ownPath reads a controller\'s line of /proc/self/cgroup; "/" when it has none', () => {
    expect(ownPath(SELF_V1, 'memory')).toBe('/jobs/42');
    expect(ownPath(SELF_V1, 'cpu')).toBe('/');
    expect(ownPath(SELF_V1, 'cpuacct')).toBe('/');
    expect(ownPath(SELF_V1, 'blkio')).toBe('/');
    expect(ownPath('', 'memory')).toBe('/');
  });
});

describe('a group on a fake v2 tree', () => {
  const tmp = useTempDir('mr-bench-cg2-');
  const groups: Group[] = [];
  afterEach(() => groups.splice(0).forEach((g) => g.remove()));
  const make = (h: Hierarchy, limits: Parameters<typeof makeGroup>[2]): Group => {
    const g = makeGroup(h, 'box', limits);
    groups.push(g);
    return g;
  };

  test("Gradescope's box: cpu and memory enabled for the root's children, cpu.max and memory.max set", () => {
    fakeV2(tmp.path);
    const g = make({ version: 2, root: tmp.path }, BOX);
    const folder = path.join(tmp.path, 'box');
    expect(g.folders).toEqual([folder]);
    expect(read(path.join(tmp.path, 'cgroup.subtree_control'))).toBe('+cpu +memory');
    expect(read(path.join(folder, 'cpu.max'))).toBe('50000 100000');
    expect(read(path.join(folder, 'memory.max'))).toBe(String(768 * MB));
    expect(g.enterCommand()).toBe(`echo $$ > '${folder}/cgroup.procs' && exec "$@"`);
  });

  test('controllers already enabled are left alone; measuring memory asks for memory alone', () => {
    fakeV2(tmp.path, 'cpu memory', 'memory');
    const g = make({ version: 2, root: tmp.path }, { measureMemory: true });
    expect(read(path.join(tmp.path, 'cgroup.subtree_control'))).toBe('memory');
    expect(fs.existsSync(path.join(tmp.path, 'box', 'cpu.max'))).toBe(false);
    expect(fs.existsSync(path.join(tmp.path, 'box', 'memory.max'))).toBe(false);
    expect(g.memoryFolder).toBe(path.join(tmp.path, 'box'));
  });

  test('the peak is memory.peak, or memory.current polled where the kernel has no memory.peak', () => {
    fakeV2(tmp.path);
    const g = make({ version: 2, root: tmp.path }, { measureMemory: true });
    const folder = path.join(tmp.path, 'box');
    fs.writeFileSync(path.join(folder, 'memory.current'), String(300 * MB));
    expect(g.peakMemory()).toBe(300 * MB);
    fs.writeFileSync(path.join(folder, 'memory.current'), String(100 * MB));
    expect(g.peakMemory()).toBe(300 * MB); // the highest seen, not the last
    fs.writeFileSync(path.join(folder, 'memory.peak'), String(512 * MB));
    expect(g.peakMemory()).toBe(512 * MB);
  });

  test('limit hits and OOM kills come from memory.events', () => {
    fakeV2(tmp.path);
    const g = make({ version: 2, root: tmp.path }, BOX);
    fs.writeFileSync(path.join(tmp.path, 'box', 'memory.events'), 'low 0\nhigh 0\nmax 17\noom 2\noom_kill 1\n');
    expect(g.memoryPressure()).toEqual({ limitHits: 17, oomKills: 1 });
  });

  test('a controller the tree does not offer is a one-line reason', () => {
    fakeV2(tmp.path, 'io pids');
    expect(() => makeGroup({ version: 2, root: tmp.path }, 'box', BOX)).toThrow(
      /^cgroup v2 at .* offers no cpu or memory controller$/,
    );
    expect(fs.existsSync(path.join(tmp.path, 'box'))).toBe(false);
  });
});

describe('a group on a fake v1 tree', () => {
  const tmp = useTempDir('mr-bench-cg1-');

  test("Gradescope's box: a folder in each tree, under our own, with the limit and the CFS quota", () => {
    fakeV1(tmp.path);
    tree(tmp.path, { 'memory/jobs/42/memory.memsw.limit_in_bytes': '' });
    const g = makeGroup(detectHierarchy(tmp.path, SELF_V1), 'box', BOX);
    const memory = path.join(tmp.path, 'memory', 'jobs', '42', 'box');
    const cpu = path.join(tmp.path, 'cpu', 'box');
    try {
      expect(g.folders).toEqual([memory, cpu]);
      expect(read(path.join(memory, 'memory.limit_in_bytes'))).toBe(String(768 * MB));
      expect(read(path.join(tmp.path, 'memory/jobs/42/memory.memsw.limit_in_bytes'))).toBe('');
      expect(read(path.join(cpu, 'cpu.cfs_period_us'))).toBe('100000');
      expect(read(path.join(cpu, 'cpu.cfs_quota_us'))).toBe('50000');
      expect(g.enterCommand()).toBe(
        `echo $$ > '${memory}/cgroup.procs' && echo $$ > '${cpu}/cgroup.procs' && exec "$@"`,
      );
      fs.writeFileSync(path.join(memory, 'memory.max_usage_in_bytes'), String(200 * MB));
      fs.writeFileSync(path.join(memory, 'memory.failcnt'), '5');
      fs.writeFileSync(path.join(memory, 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n');
      expect(g.peakMemory()).toBe(200 * MB);
      expect(g.memoryPressure()).toEqual({ limitHits: 5, oomKills: 2 });
    } finally {
      g.remove();
    }
  });

  test('a missing controller is a one-line reason', () => {
    tree(tmp.path, { 'memory/memory.max_usage_in_bytes': '0' });
    expect(() => makeGroup(detectHierarchy(tmp.path, ''), 'box', BOX)).toThrow(/^no cgroup v1 cpu controller under /);
  });
});

describe('no cgroups', () => {
  test('the part that wanted one gets no group and the reason, and goes on', async () => {
    const session = new Session();
    try {
      const none: Hierarchy = { version: 'none', reason: 'no cgroup mounted at /nowhere' };
      const got = await session.inGroup(none, 'mr-bench-test', BOX, async (group, why) => ({ group, why }));
      expect(got).toEqual({ group: undefined, why: 'no cgroups: no cgroup mounted at /nowhere' });
    } finally {
      session.close();
    }
  });
});

const real = detectHierarchy();
const canMake = process.getuid?.() === 0 && real.version !== 'none';

(canMake ? describe : describe.skip)(`a real group (cgroup v${String(real.version)} on this machine)`, () => {
  test('a process entered into it is measured, and the group is removed afterwards', () => {
    const group = makeGroup(real, `mr-bench-test-${process.pid}`, { measureMemory: true });
    try {
      const fill = 'const b = Buffer.alloc(64 * 1024 * 1024, 1); console.log(b.length)';
      const out = execFileSync('/bin/sh', ['-c', group.enterCommand(), 'sh', process.execPath, '-e', fill]);
      expect(out.toString().trim()).toBe(String(64 * MB));
      expect(group.peakMemory()).toBeGreaterThan(64 * MB);
    } finally {
      group.remove();
    }
    for (const folder of group.folders) expect(fs.existsSync(folder)).toBe(false);
  });
});
