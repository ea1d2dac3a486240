// The shuffle part's reading of a challenge job (scripts/bench/shuffle-trace.ts):
// each reducer's trace cut into runs of reduce tasks, the task named by its
// keys' ihash, the fetched bytes by peer, and the local bytes from the parts
// left on the workers' disks. (npm run bench -- --quick --only shuffle runs
// the real thing: test/bench.test.ts.)

import * as fs from 'fs';
import * as path from 'path';
import { ihash } from '../../src/kit/hash';
import { partBytesOn, shuffleFigures } from '../../scripts/bench/shuffle-trace';
import { useTempDir } from '../helpers/tmpdir';

/** A key of reduce task `task` of 2. */
function keyOf(task: number, skip = 0): string {
  const keys = ['apple', 'brook', 'cedar', 'dune', 'ember', 'fjord', 'grove', 'heath'];
  return keys.filter((k) => ihash(k) % 2 === task)[skip];
}

const W0 = '/s/w0.sock';
const W1 = '/s/w1.sock';
const at = (time: number, e: Record<string, unknown>) => ({ pid: 1, time, ...e });

/** Worker 0: a map task; reduce task 0 with two chunks from worker 1; a wait; a reduce given up on a lost worker. */
const worker0 = [
  at(1000, { event: 'reply', method: 'RequestTask' }),
  at(1001, { event: 'start', phase: 'map', input: 'a.txt' }),
  at(1100, { event: 'end', phase: 'map', input: 'a.txt', outcome: 'ok' }),
  at(1101, { event: 'call', method: 'ReportTask' }),
  at(2000, { event: 'reply', method: 'RequestTask' }),
  at(2010, { event: 'call', method: 'Fetch', to: W1 }),
  at(2015, { event: 'read', file: 'mr-0-1', where: 'local' }), // serving worker 1: not this run's
  at(2030, { event: 'reply', method: 'Fetch', to: W1, bytes: 30 }),
  at(2030, { event: 'call', method: 'Fetch', to: W1 }),
  at(2040, { event: 'reply', method: 'Fetch', to: W1, bytes: 10 }),
  at(2050, { event: 'start', phase: 'reduce', input: keyOf(0) }),
  at(2060, { event: 'end', phase: 'reduce', input: keyOf(0), outcome: 'ok' }),
  at(2061, { event: 'start', phase: 'reduce', input: keyOf(0, 1) }),
  at(2070, { event: 'end', phase: 'reduce', input: keyOf(0, 1), outcome: 'ok' }),
  at(2071, { event: 'call', method: 'ReportTask' }),
  at(3000, { event: 'reply', method: 'RequestTask' }), // "wait": nothing follows
  at(3100, { event: 'reply', method: 'RequestTask' }),
  at(3100, { event: 'call', method: 'Fetch', to: W1 }),
  at(3200, { event: 'reply', method: 'Fetch', to: W1, failed: true }),
  at(3201, { event: 'call', method: 'ReportTask' }),
];

/** Worker 1: reduce task 1, with one chunk from worker 0. */
const worker1 = [
  at(2000, { event: 'reply', method: 'RequestTask' }),
  at(2005, { event: 'call', method: 'Fetch', to: W0 }),
  at(2025, { event: 'reply', method: 'Fetch', to: W0, bytes: 25 }),
  at(2030, { event: 'start', phase: 'reduce', input: keyOf(1) }),
  at(2040, { event: 'end', phase: 'reduce', input: keyOf(1), outcome: 'ok' }),
  at(2041, { event: 'call', method: 'ReportTask' }),
];

describe('shuffleFigures', () => {
  const figures = shuffleFigures(
    [
      { events: worker0, address: W0 },
      { events: worker1, address: W1 },
    ],
    [100, 60],
  );

  test('one run per reduce task handed out, named by its keys; a given-up run has no task', () => {
    expect(figures.tasks).toEqual([
      {
        task: 0,
        reducer: 0,
        fetchedBytes: 40,
        localBytes: 60, // task 0's parts are 100 bytes: what was not fetched was on its own disk
        fetches: 2,
        failedFetches: 0,
        fetchMs: 30,
        fetchedFrom: [0, 40],
        ms: 70,
      },
      {
        reducer: 0,
        fetchedBytes: 0,
        localBytes: 0,
        fetches: 1,
        failedFetches: 1,
        fetchMs: 100,
        fetchedFrom: [0, 0],
        ms: 0,
      },
      {
        task: 1,
        reducer: 1,
        fetchedBytes: 25,
        localBytes: 35,
        fetches: 1,
        failedFetches: 0,
        fetchMs: 20,
        fetchedFrom: [25, 0],
        ms: 40,
      },
    ]);
  });

  test('per reducer: what it fetched from whom, and what the others fetched from it', () => {
    expect(figures.reducers).toEqual([
      {
        worker: 0,
        mapTasks: 1,
        reduceTasks: 1,
        fetchedBytes: 40,
        localBytes: 60,
        fetches: 3,
        failedFetches: 1,
        fetchMs: 130,
        fetchedFrom: [0, 40],
        servedBytes: 25,
      },
      {
        worker: 1,
        mapTasks: 0,
        reduceTasks: 1,
        fetchedBytes: 25,
        localBytes: 35,
        fetches: 1,
        failedFetches: 0,
        fetchMs: 20,
        fetchedFrom: [25, 0],
        servedBytes: 40,
      },
    ]);
    expect(figures).toMatchObject({
      intermediateBytes: 160,
      fetchedBytes: 65,
      localBytes: 95,
      fetches: 4,
      failedFetches: 1,
    });
  });

  test('no trace, no runs; no parts, no task named', () => {
    expect(shuffleFigures([{ events: [], address: W0 }], [])).toMatchObject({ tasks: [], intermediateBytes: 0 });
    const [run] = shuffleFigures([{ events: worker1, address: W1 }], []).tasks;
    expect(run.task).toBeUndefined();
    expect(run.fetchedBytes).toBe(25);
  });
});

describe('partBytesOn', () => {
  const tmp = useTempDir('mr-bench-shuffle-');

  test("sums each reduce task's parts over the disks, a part run twice counted once, other files ignored", () => {
    const disks = ['d0', 'd1', 'gone'].map((d) => path.join(tmp.path, d));
    const write = (disk: number, name: string, bytes: number) =>
      fs.writeFileSync(path.join(disks[disk], name), 'x'.repeat(bytes));
    fs.mkdirSync(disks[0]);
    fs.mkdirSync(disks[1]);
    write(0, 'mr-0-0', 50);
    write(0, 'mr-0-1', 30);
    write(1, 'mr-1-0', 50);
    write(1, 'mr-1-1', 30);
    write(1, 'mr-0-0', 50); // map task 0 ran again on worker 1
    write(1, '.tmp-mr-1-2-77', 9);
    write(0, 'mr-out-0', 9);
    expect(partBytesOn(disks)).toEqual([100, 60]);
  });
});
