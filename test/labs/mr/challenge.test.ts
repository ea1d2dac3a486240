// The challenge track's runtime (mrworker --challenge, src/mr/challenge.ts)
// with its reference solution (labs/mr/solution-challenge): each worker keeps
// its map output on a local disk of its own and serves it to the reducers;
// the shared folder holds only the inputs and the mr-out files. A worker
// that dies after its maps finished takes their output with it, and the job
// still ends with the right output. And the course's solution, which expects
// one shared folder, cannot run there.

import * as fs from 'fs';
import * as path from 'path';
import { dist, Processes, ROOT, runNode, waitForEndpoint, withLimit } from '../../helpers/proc';
import { stageSolution } from '../../helpers/stage';
import { useTempDir } from '../../helpers/tmpdir';
import { sleep } from '../../../src/kit/time';
import { parseTrace } from '../../../src/main/trace-format';

const tmp = useTempDir('mr-challenge-');
const processes = new Processes();
afterEach(() => processes.killAll());

const stages = { challenge: '', course: '' };
beforeAll(() => {
  for (const which of ['challenge', 'course'] as const) {
    stages[which] = path.join(ROOT, '.mr-build', `challenge-${process.pid}-${which}`);
    stageSolution(stages[which], [], which === 'challenge' ? 'solution-challenge' : 'solution');
  }
});
afterAll(() => {
  for (const dir of Object.values(stages)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A job's folders: the shared one (with the kit's inputs) and a folder beside it for the local disks. */
function makeJob(): { shared: string; disks: string; endpoint: string; inputs: string[] } {
  const shared = path.join(tmp.path, 'shared');
  const disks = path.join(tmp.path, 'disks');
  fs.mkdirSync(shared);
  fs.mkdirSync(disks);
  const inputs = fs.readdirSync(path.join(ROOT, 'inputs')).filter((n) => n.endsWith('.txt'));
  for (const name of inputs) fs.copyFileSync(path.join(ROOT, 'inputs', name), path.join(shared, name));
  return { shared, disks, endpoint: path.join(tmp.path, 'c.sock'), inputs };
}

/** mrsequential's output for wc on the kit's inputs, sorted. */
async function expectedWc(inputs: string[]): Promise<string[]> {
  const dir = path.join(tmp.path, 'seq');
  fs.mkdirSync(dir);
  const result = await runNode(
    dist('src/main/mrsequential.js'),
    ['wc', ...inputs.map((n) => path.join(ROOT, 'inputs', n))],
    {
      cwd: dir,
      timeoutMs: 60_000,
    },
  );
  expect(result.exitCode).toBe(0);
  return sortedLines(fs.readFileSync(path.join(dir, 'mr-out-0'), 'utf8'));
}

function sortedLines(text: string): string[] {
  return text.split('\n').filter(Boolean).sort();
}

function outputOf(shared: string): string[] {
  const files = fs.readdirSync(shared).filter((n) => n.startsWith('mr-out-'));
  return sortedLines(files.map((n) => fs.readFileSync(path.join(shared, n), 'utf8')).join('\n'));
}

function startCoordinator(stage: string, job: ReturnType<typeof makeJob>) {
  const child = processes.startNode(
    path.join(stage, 'src/main/mrcoordinator.js'),
    ['--endpoint', job.endpoint, ...job.inputs],
    {
      cwd: job.shared,
    },
  );
  return { child, ready: () => waitForEndpoint(job.endpoint, 20_000, () => child.exitCode === null) };
}

function startWorker(stage: string, job: ReturnType<typeof makeJob>, env: Record<string, string> = {}) {
  return processes.startNode(
    path.join(stage, 'src/main/mrworker.js'),
    ['--endpoint', job.endpoint, '--challenge', 'wc'],
    {
      cwd: job.shared,
      env: { ...process.env, TMPDIR: job.disks, ...env },
    },
  );
}

test("local shuffle: map output stays on each worker's disk, and the output is mrsequential's", async () => {
  const job = makeJob();
  const expected = await expectedWc(job.inputs);
  const { child: coordinator, ready } = startCoordinator(stages.challenge, job);
  await ready();
  const traces = [1, 2, 3].map((n) => path.join(tmp.path, `trace-${n}.jsonl`));
  const workers = traces.map((trace) => startWorker(stages.challenge, job, { MR_TRACE: trace }));
  const exit = await withLimit(coordinator, 90_000, 'the job did not finish');
  expect(exit.exitCode).toBe(0);
  for (const w of workers) expect((await withLimit(w, 20_000, 'a worker did not exit')).exitCode).toBe(0);

  expect(outputOf(job.shared)).toEqual(expected);
  const inShared = fs.readdirSync(job.shared).filter((n) => !job.inputs.includes(n));
  expect(inShared.sort()).toEqual(Array.from({ length: 10 }, (_, r) => `mr-out-${r}`).sort());
  const disks = fs.readdirSync(job.disks);
  expect(disks).toHaveLength(3);
  const parts = disks.flatMap((d) => fs.readdirSync(path.join(job.disks, d)).filter((n) => /^mr-\d+-\d+$/.test(n)));
  expect(parts.length).toBeGreaterThanOrEqual(job.inputs.length * 10); // every map task's 10 parts, somewhere
  // With no straggler and no failure, no task runs twice: backups are for the end of a slow phase only.
  const maps = traces
    .flatMap((t) => parseTrace(fs.readFileSync(t, 'utf8')))
    .filter((e) => e.event === 'start' && e.phase === 'map');
  expect(maps.map((e) => e.input).sort()).toEqual([...job.inputs].sort());
  // Every intermediate file a worker opened was on its own disk: the rest came over RPC.
  const reads = traces.flatMap((t) => parseTrace(fs.readFileSync(t, 'utf8'))).filter((e) => e.event === 'read');
  expect(reads.length).toBeGreaterThan(0);
  expect(new Set(reads.map((e) => e.where))).toEqual(new Set(['local']));
}, 150_000);

test('lost map output: a worker killed after its maps finished; its maps run again and the output is right', async () => {
  const job = makeJob();
  const expected = await expectedWc(job.inputs);
  const gates = path.join(tmp.path, 'gates');
  fs.mkdirSync(gates);
  const trace = path.join(tmp.path, 'trace-a.jsonl');
  const { child: coordinator, ready } = startCoordinator(stages.challenge, job);
  await ready();
  // Worker A alone runs every map task, then holds before its first reduce call: all its map output is on its disk.
  const a = startWorker(stages.challenge, job, { MR_TRACE: trace, MR_HOLD: 'reduce', MR_GATES: gates });
  let held = false;
  for (let i = 0; i < 600 && !held; i++) {
    await sleep(100);
    held = fs.existsSync(trace) && parseTrace(fs.readFileSync(trace, 'utf8')).some((e) => e.event === 'held');
  }
  expect(held).toBe(true);
  const mapsByA = parseTrace(fs.readFileSync(trace, 'utf8')).filter((e) => e.event === 'end' && e.phase === 'map');
  expect(mapsByA).toHaveLength(job.inputs.length);
  process.kill(-a.pid!, 'SIGKILL');
  await a.catch(() => undefined);

  // Worker B finds A gone when it fetches, and the coordinator runs A's maps again.
  const b = startWorker(stages.challenge, job);
  const exit = await withLimit(coordinator, 120_000, 'the job did not finish');
  expect(exit.exitCode).toBe(0);
  expect(exit.stdout).toContain(`its ${job.inputs.length} finished map tasks run again`);
  expect((await withLimit(b, 20_000, 'worker B did not exit')).exitCode).toBe(0);
  expect(outputOf(job.shared)).toEqual(expected);
}, 180_000);

test("the course's solution cannot run in the challenge's mode: its inputs are not on the worker's disk", async () => {
  const job = makeJob();
  const { child: coordinator, ready } = startCoordinator(stages.course, job);
  await ready();
  const worker = startWorker(stages.course, job);
  const result = await withLimit(worker, 60_000, 'the worker did not end');
  expect(result.exitCode).not.toBe(0);
  expect(result.stderr).toMatch(/ENOENT|no such file/);
  process.kill(-coordinator.pid!, 'SIGKILL');
}, 90_000);

test('challenge() answers already when worker.ts calls it as it loads', async () => {
  const stage = path.join(ROOT, '.mr-build', `challenge-${process.pid}-at-load`);
  const seen = path.join(tmp.path, 'seen-at-load.json');
  try {
    // A worker that asks where things are at the top of its module, before the driver calls worker().
    stageSolution(
      stage,
      [
        {
          file: 'worker.js',
          find: '"use strict";',
          replace: `"use strict"; require('fs').writeFileSync(${JSON.stringify(seen)}, JSON.stringify(require('./challenge').challenge() ?? null));`,
        },
      ],
      'solution-challenge',
    );
    const job = makeJob();
    const { child: coordinator, ready } = startCoordinator(stage, job);
    await ready();
    const worker = startWorker(stage, job);
    await withLimit(worker, 60_000, 'the worker did not end');
    process.kill(-coordinator.pid!, 'SIGKILL');
    const atLoad = JSON.parse(fs.readFileSync(seen, 'utf8'));
    expect(atLoad).toMatchObject({ shared: job.shared, serveOn: expect.stringContaining('worker.sock') });
    expect(atLoad.local.startsWith(job.disks)).toBe(true);
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}, 90_000);

test('the trace says on whose disk each intermediate file a challenge worker opened lies', async () => {
  const job = makeJob();
  const other = path.join(job.disks, 'someone-else');
  fs.mkdirSync(other);
  for (const dir of [job.shared, other]) fs.writeFileSync(path.join(dir, 'mr-0-0'), '');
  const trace = path.join(tmp.path, 'trace-probe.jsonl');
  // A probe in place of a worker: the driver's tracing, a local disk, then three reads.
  const probe = `
    require(${JSON.stringify(dist('src/main/trace.js'))});
    const { enterChallenge } = require(${JSON.stringify(dist('src/mr/challenge.js'))});
    const fs = require('fs');
    const shared = process.cwd();
    enterChallenge({});
    fs.writeFileSync('mr-0-0', '');
    fs.readFileSync('mr-0-0');
    fs.readFileSync(shared + '/mr-0-0');
    fs.readFileSync(${JSON.stringify(path.join(other, 'mr-0-0'))});`;
  const result = await runNode('-e', [probe], {
    cwd: job.shared,
    env: { ...process.env, TMPDIR: job.disks, MR_TRACE: trace },
    timeoutMs: 20_000,
  });
  expect(result.stderr).toBe('');
  const reads = parseTrace(fs.readFileSync(trace, 'utf8')).filter((e) => e.event === 'read');
  // (readFileSync opens through openSync, so each read may be recorded twice: what matters is where.)
  expect([...new Set(reads.map((e) => e.where))]).toEqual(['local', 'shared', 'elsewhere']);
});

test("a part larger than gRPC's 4 MB message limit travels between workers, in chunks", async () => {
  // Two inputs of one word repeated: all their pairs fall in one reduce task, and each map task's part for it is over 6 MB.
  const shared = path.join(tmp.path, 'shared');
  const disks = path.join(tmp.path, 'disks');
  fs.mkdirSync(shared);
  fs.mkdirSync(disks);
  const inputs = ['big-1.txt', 'big-2.txt'];
  for (const name of inputs) fs.writeFileSync(path.join(shared, name), 'lorem '.repeat(1_800_000));
  const job = { shared, disks, endpoint: path.join(tmp.path, 'c.sock'), inputs };
  const seq = path.join(tmp.path, 'seq');
  fs.mkdirSync(seq);
  const sequential = await runNode(
    dist('src/main/mrsequential.js'),
    ['wc', ...inputs.map((n) => path.join(shared, n))],
    {
      cwd: seq,
      timeoutMs: 60_000,
    },
  );
  expect(sequential.exitCode).toBe(0);
  const expected = sortedLines(fs.readFileSync(path.join(seq, 'mr-out-0'), 'utf8'));
  expect(expected).toEqual(['lorem 3600000']);

  // Each worker holds after its first map, before reporting it: so each maps one input, and whichever of them
  // reduces the word must fetch the other's part.
  const gates = path.join(tmp.path, 'gates');
  fs.mkdirSync(gates);
  const { child: coordinator, ready } = startCoordinator(stages.challenge, job);
  await ready();
  const traces = ['a', 'b'].map((n) => path.join(tmp.path, `trace-${n}.jsonl`));
  const workers = traces.map((trace) =>
    startWorker(stages.challenge, job, { MR_TRACE: trace, MR_HOLD: 'map-report', MR_GATES: gates }),
  );
  const events = (trace: string) => (fs.existsSync(trace) ? parseTrace(fs.readFileSync(trace, 'utf8')) : []);
  let held: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 600 && held.length < 2; i++) {
    await sleep(100);
    held = traces.flatMap((t) => events(t).filter((e) => e.event === 'held'));
  }
  expect(held.map((e) => e.at)).toEqual(['map-report', 'map-report']);
  for (const h of held) fs.writeFileSync(path.join(gates, `release-${String(h.pid)}-${String(h.n)}`), '');

  const exit = await withLimit(coordinator, 120_000, 'the job did not finish');
  expect(exit.exitCode).toBe(0);
  expect(exit.stdout).not.toContain('run again'); // no fetch failed, so no worker was taken for lost
  for (const w of workers) expect((await withLimit(w, 20_000, 'a worker did not exit')).exitCode).toBe(0);
  expect(outputOf(shared)).toEqual(expected);

  // Each worker mapped one input; the big part on the other's disk came over in chunks of at most 1 MB.
  const all = traces.map(events);
  for (const lines of all) expect(lines.filter((e) => e.event === 'start' && e.phase === 'map')).toHaveLength(1);
  const parts = fs.readdirSync(disks).flatMap((d) =>
    fs
      .readdirSync(path.join(disks, d))
      .filter((n) => /^mr-\d+-\d+$/.test(n))
      .map((n) => path.join(disks, d, n)),
  );
  const biggest = Math.max(...parts.map((p) => fs.statSync(p).size));
  expect(biggest).toBeGreaterThan(6 * 1024 * 1024);
  const fetches = all.flat().filter((e) => e.event === 'reply' && e.method === 'Fetch');
  expect(fetches.filter((e) => e.failed)).toEqual([]);
  const bytes = fetches.map((e) => Number(e.bytes));
  expect(Math.max(...bytes)).toBeLessThanOrEqual(1024 * 1024);
  expect(bytes.reduce((sum, b) => sum + b, 0)).toBeGreaterThanOrEqual(biggest);
}, 180_000);
