// grader/sandbox/cgroups.ts, on plain folders standing in for cgroup roots:
// which hierarchies a cell joins, and reading the kernel's counters.

import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_BUDGETS } from '../../grader/sandbox/budgets';
import { counter, makeCellGroups } from '../../grader/sandbox/cgroups';
import { useTempDir } from '../helpers/tmpdir';

describe('counter', () => {
  const dir = useTempDir('mr-cgroups-');

  test('reads the number after a key of a flat-keyed file, whole keys only', () => {
    fs.writeFileSync(path.join(dir.path, 'memory.events'), 'low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\n');
    expect(counter(dir.path, 'memory.events', 'oom_kill')).toBe(2);
    expect(counter(dir.path, 'memory.events', 'oom')).toBe(3);
    expect(counter(dir.path, 'memory.events', 'max')).toBe(12);
    expect(counter(dir.path, 'memory.events', 'kill')).toBe(0); // only the end of oom_kill
  });

  test('is 0 for a key or a file that is not there', () => {
    fs.writeFileSync(path.join(dir.path, 'pids.events'), 'max 0\n');
    expect(counter(dir.path, 'pids.events', 'max')).toBe(0);
    expect(counter(dir.path, 'pids.events', 'oom_kill')).toBe(0);
    expect(counter(dir.path, 'memory.oom_control', 'oom_kill')).toBe(0);
  });
});

describe('makeCellGroups', () => {
  const dir = useTempDir('mr-cgroups-');
  const roots = (): { v2: string; v1Memory: string; v1Pids: string } => {
    const made = {
      v2: path.join(dir.path, 'v2'),
      v1Memory: path.join(dir.path, 'mem'),
      v1Pids: path.join(dir.path, 'pids'),
    };
    for (const root of Object.values(made)) fs.mkdirSync(root);
    return made;
  };

  test('with v2 controllers, a cell has one folder, in the v2 hierarchy', () => {
    const r = roots();
    const dirs = makeCellGroups({ ...r, v2Controllers: true }, '1-1', DEFAULT_BUDGETS, undefined);
    expect(dirs).toEqual([path.join(r.v2, 'cell-1-1')]);
    expect(fs.existsSync(path.join(r.v1Memory, 'cell-1-1'))).toBe(false);
  });

  test('without them, it joins v2 for tracking and v1 memory and pids for the budgets', () => {
    const r = roots();
    const dirs = makeCellGroups({ ...r, v2Controllers: false }, '1-2', DEFAULT_BUDGETS, undefined);
    expect(dirs).toEqual([
      path.join(r.v2, 'cell-1-2'),
      path.join(r.v1Memory, 'cell-1-2'),
      path.join(r.v1Pids, 'cell-1-2'),
    ]);
    for (const d of dirs) expect(fs.statSync(d).isDirectory()).toBe(true);
  });

  test('leaves out a hierarchy the grader has no root in, or where the folder cannot be made', () => {
    const r = roots();
    fs.mkdirSync(path.join(r.v1Pids, 'cell-1-3')); // already there: mkdir fails
    const dirs = makeCellGroups(
      { v1Memory: r.v1Memory, v1Pids: r.v1Pids, v2Controllers: false },
      '1-3',
      DEFAULT_BUDGETS,
      undefined,
    );
    expect(dirs).toEqual([path.join(r.v1Memory, 'cell-1-3')]);
    expect(makeCellGroups({ v2Controllers: false }, '1-4', DEFAULT_BUDGETS, undefined)).toEqual([]);
  });
});
