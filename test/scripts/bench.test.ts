// The benchmark's own machinery on a tiny configuration (--quick: a 1 MB
// generated corpus, 1 and 2 workers): it stages the implementation, runs
// real jobs, checks their output and writes a well-formed report and chart.
// No timing assertions: the figures of a loaded test machine mean nothing.

import * as fs from 'fs';
import * as path from 'path';
import execa = require('execa');
import { dist, ROOT } from '../helpers/proc';
import { useTempDir } from '../helpers/tmpdir';

jest.setTimeout(240_000);

/** Runs the compiled bench; on a time-out it gets SIGTERM, so it can end what it started. */
async function bench(args: string[]): Promise<execa.ExecaReturnValue & { pid: number }> {
  const child = execa(process.execPath, [dist('scripts/bench.js'), ...args], {
    cwd: ROOT,
    reject: false,
    timeout: 200_000,
    killSignal: 'SIGTERM',
  });
  return { ...(await child), pid: child.pid! };
}

/** The build folders a bench left in .mr-build (grader/build.ts names them <pid>-XXXXXX). */
function leftoverStages(pid: number): string[] {
  const build = path.join(ROOT, '.mr-build');
  return fs.existsSync(build) ? fs.readdirSync(build).filter((n) => n.startsWith(`${pid}-`)) : [];
}

describe('npm run bench', () => {
  const tmp = useTempDir('mr-bench-');

  test('--quick measures the reference solution and writes report.json and scaling.svg', async () => {
    const out = path.join(tmp.path, 'results');
    const r = await bench(['--quick', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/targets:/);

    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.quick).toBe(true);
    expect(report.parts).toEqual(['scaling', 'startup', 'memory']);
    expect(report.impl.dir).toBe(path.join('labs', 'mr', 'solution'));
    expect(report.machine.cpus).toBeGreaterThan(0);
    expect(report.machine.node).toBe(process.version);

    // Scaling: one corpus, mrsequential and 1 and 2 workers, each checked against mrsequential.
    const [corpus] = report.scaling.corpora;
    expect(report.scaling.corpora).toHaveLength(1);
    expect(corpus.files).toBe(4);
    expect(corpus.bytes).toBe(1024 * 1024);
    expect(corpus.sequential.ok).toBe(true);
    expect(corpus.sequential.ms).toBeGreaterThan(0);
    expect(corpus.runs.map((x: { workers: number }) => x.workers)).toEqual([1, 2]);
    for (const run of corpus.runs) {
      expect(run.problem).toBeUndefined();
      expect(run.correct).toBe(true);
      expect(run.ms).toBeGreaterThan(run.acceptMs);
      expect(run.workerPeakRssBytes).toHaveLength(run.workers);
      for (const rss of run.workerPeakRssBytes) expect(rss).toBeGreaterThan(10 * 1024 * 1024);
      expect(run.coordinatorPeakRssBytes).toBeGreaterThan(10 * 1024 * 1024);
      expect(run.cpuMs).toBeGreaterThan(0);
      expect(run.parallelism).toBeCloseTo(run.cpuMs / run.ms, 2);
      expect(run.speedupVsOneWorker).toBeCloseTo(corpus.runs[0].ms / run.ms, 2);
      expect(run.speedupVsSequential).toBeCloseTo(corpus.sequential.ms / run.ms, 2);
    }
    expect(corpus.runs[0].speedupVsOneWorker).toBe(1);

    // Start-up: two samples of each (after a warm-up), all positive.
    for (const kind of ['coordinator', 'worker']) {
      const s = report.startup[kind];
      expect(s.problem).toBeUndefined();
      expect(s.samplesMs).toHaveLength(2);
      for (const v of s.samplesMs) expect(v).toBeGreaterThan(0);
      expect(s.maxMs).toBeGreaterThanOrEqual(s.medianMs);
    }

    // Memory: from the quick corpus; big-corpus targets are not judged on it.
    expect(report.memory.corpus).toBe('quick-1MB');
    expect(report.memory.sequentialPeakRssBytes).toBeGreaterThan(10 * 1024 * 1024);
    const targets = Object.fromEntries(report.targets.map((t: { id: string }) => [t.id, t]));
    expect(Object.keys(targets).sort()).toEqual([
      'coordinator-start',
      'gradescope-box',
      'raft-2a-seeds',
      'raft-box',
      'raft-graded',
      'seq-rss',
      'shuffle-2',
      'speedup-2',
      'suite-time',
      'wc-2-time',
      'worker-rss',
      'worker-start',
    ]);
    // --quick runs neither the suite, the box, nor the Raft part: their targets are listed, not judged.
    for (const id of [
      'suite-time',
      'speedup-2',
      'wc-2-time',
      'seq-rss',
      'worker-rss',
      'shuffle-2',
      'gradescope-box',
      'raft-graded',
      'raft-2a-seeds',
      'raft-box',
    ]) {
      expect(targets[id].met).toBeNull();
    }
    expect(typeof targets['worker-start'].met).toBe('boolean');
    expect(typeof targets['coordinator-start'].met).toBe('boolean');

    // The chart: a standalone SVG with the two lines (vs 1 worker, vs mrsequential) of 2 points each.
    const svg = fs.readFileSync(path.join(out, 'scaling.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    const lines = [...svg.matchAll(/<polyline points="([^"]*)"/g)].map((m) => m[1].split(' '));
    expect(lines).toHaveLength(2);
    for (const pts of lines) {
      expect(pts).toHaveLength(2);
      for (const p of pts) expect(p).toMatch(/^\d+(\.\d)?,\d+(\.\d)?$/);
    }
    expect(svg).toContain('1 MB (--quick) vs mrsequential');
    expect((svg.match(/<text\b/g) ?? []).length).toBe((svg.match(/<\/text>/g) ?? []).length);
    expect(svg).not.toMatch(/<script|href=/);

    // It builds the implementation as the grader does, and cleans up its build folder.
    expect(report.impl.staged).toMatch(/^compiled from .*labs\/mr\/solution with the kit's tsc$/);
    expect(leftoverStages(r.pid)).toEqual([]);

    // --chart redraws the same chart from the report.
    const again = path.join(tmp.path, 'again');
    const c = await bench(['--chart', path.join(out, 'report.json'), '--out', again]);
    expect(c.exitCode).toBe(0);
    expect(fs.readFileSync(path.join(again, 'scaling.svg'), 'utf8')).toBe(svg);
  });

  test("--only shuffle: the challenge solution's traced job, each reduce task's fetched and local bytes", async () => {
    const out = path.join(tmp.path, 'results');
    const r = await bench(['--quick', '--only', 'shuffle', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(
      /shuffle quick-1MB \(labs\/mr\/solution-challenge, traced\): mrsequential [\d.]+ s, 2 workers/,
    );
    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.parts).toEqual(['shuffle']);
    expect(report.shuffle).toMatchObject({ impl: 'labs/mr/solution-challenge', corpus: 'quick-1MB' });
    expect(report.shuffle.skipped).toBeUndefined();
    const [run] = report.shuffle.runs;
    expect(report.shuffle.runs).toHaveLength(1); // --quick: 1 and 2 workers, and one worker shuffles nothing
    expect(run).toMatchObject({ workers: 2, correct: true, failedFetches: 0 });

    // Each of the 10 reduce tasks ran once, and needed every byte of its parts: fetched or on its reducer's disk.
    expect(run.tasks.map((t: { task: number }) => t.task).sort((a: number, b: number) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(run.fetchedBytes + run.localBytes).toBe(run.intermediateBytes);
    expect(run.intermediateBytes).toBeGreaterThan(100_000);
    // All to all: each worker fetched from the other, and what one fetched the other served.
    const [w0, w1] = run.reducers;
    expect(w0.fetchedFrom).toEqual([0, w0.fetchedBytes]);
    expect(w1.fetchedFrom).toEqual([w1.fetchedBytes, 0]);
    expect(w0.servedBytes).toBe(w1.fetchedBytes);
    expect(w1.servedBytes).toBe(w0.fetchedBytes);
    expect(w0.mapTasks + w1.mapTasks).toBe(4); // the quick corpus's 4 files, each mapped once
    // Who maps and who reduces is the coordinator's choice (a worker that starts late on a loaded machine may get
    // no map task): a worker that reduced fetched from the other whenever the other had mapped.
    for (const [w, other] of [
      [w0, w1],
      [w1, w0],
    ]) {
      if (w.reduceTasks === 0 || other.mapTasks === 0) continue;
      expect(w.fetchedBytes).toBeGreaterThan(0);
      expect(w.fetches).toBeGreaterThanOrEqual(w.reduceTasks); // a task fetches the other's part of each of its maps
    }
    expect(leftoverStages(r.pid)).toEqual([]);
  });

  test("another implementation folder is compiled with the kit's tsc and measured", async () => {
    const impl = path.join(tmp.path, 'impl');
    fs.cpSync(path.join(ROOT, 'labs', 'mr', 'solution'), impl, { recursive: true });
    const out = path.join(tmp.path, 'results');
    const r = await bench(['--quick', '--only', 'startup', '--repeat', '1', '--impl', impl, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.impl.staged).toMatch(/^compiled from .*impl with the kit's tsc$/);
    expect(report.parts).toEqual(['startup']);
    expect(report.scaling).toBeUndefined();
    expect(report.startup.worker.samplesMs).toHaveLength(1);
    expect(report.startup.coordinator.samplesMs).toHaveLength(1);
  });

  test('an implementation that does not compile is one line and status 2', async () => {
    const impl = path.join(tmp.path, 'broken');
    fs.cpSync(path.join(ROOT, 'labs', 'mr', 'solution'), impl, { recursive: true });
    fs.appendFileSync(path.join(impl, 'worker.ts'), '\nconst oops: number = "text";\n');
    const r = await bench(['--quick', '--only', 'startup', '--impl', impl, '--out', path.join(tmp.path, 'o')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^bench: .*broken does not compile: worker\.ts\(\d+,\d+\): error TS2322/);
    expect(fs.existsSync(path.join(tmp.path, 'o'))).toBe(false);
  });

  test('SIGTERM ends it with status 143, its processes and its build folder gone', async () => {
    const child = execa(process.execPath, [dist('scripts/bench.js'), '--quick', '--out', path.join(tmp.path, 'x')], {
      cwd: ROOT,
      reject: false,
      timeout: 200_000,
    });
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('scaling quick-1MB')) resolve();
      });
    });
    child.kill('SIGTERM');
    const r = await child;
    expect(r.exitCode).toBe(143);
    expect(r.stderr).toMatch(/interrupted by SIGTERM/);
    expect(leftoverStages(child.pid!)).toEqual([]);
    expect(fs.existsSync(path.join(tmp.path, 'x'))).toBe(false);
  });

  test('--help is the option table, and nothing runs', async () => {
    const r = await bench(['--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^usage: npm run bench/);
    for (const option of ['--impl DIR', '--only PARTS', '--quick', '--gradescope-box', '--chart REPORT', '--help']) {
      expect(r.stdout).toContain(option);
    }
    expect(leftoverStages(r.pid)).toEqual([]);
  });

  test.each([
    [['--only', 'speed'], /^bench: --only: unknown part "speed"/],
    [['--workers', '0,2'], /^bench: --workers expects counts from 1 to 16/],
    [['--big-size', 'huge'], /^bench: --big-size expects a size such as 128MB/],
    [['--impl', '/nonexistent/impl'], /^bench: --impl: \/nonexistent\/impl is not a directory/],
    [['--frobnicate'], /^bench: unknown option "--frobnicate"/],
    [['--quick=yes'], /^bench: --quick takes no value/],
    [['--repeat'], /^bench: --repeat needs a value/],
    [['--chart', '/nonexistent/report.json'], /^bench: --chart: no such file/],
    [['--chart', 'package.json'], /^bench: --chart: cannot read .*package\.json: not a report of npm run bench/],
  ])('bad options %j: one line, status 2', async (args, message) => {
    const r = await bench(args as string[]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
