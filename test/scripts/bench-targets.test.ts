// The benchmark's targets (scripts/bench/targets.ts): a table of rows, each
// judged against a report: met, missed, or not measured (null) with the reason.

import type { Report } from '../../scripts/bench/report';
import { judge, TARGETS } from '../../scripts/bench/targets';

const MB = 1024 * 1024;

/** A report with every part measured, each figure on the right side of its bar. */
function goodReport(): Report {
  const job = (workers: number, ms: number) => ({
    workers,
    ms,
    correct: true,
    workerPeakRssBytes: [],
    speedupVsOneWorker: 18_000 / ms,
  });
  return {
    tool: 'mr-lab bench',
    startedAt: '2026-11-24T00:00:00.000Z',
    durationMs: 1,
    machine: { cpus: 2, cpuModel: 'x', memoryBytes: 1, node: 'v20', os: 'Linux', loadAverageAtStart: [0] },
    impl: { dir: 'labs/mr/solution', staged: 'compiled' },
    parts: ['grader', 'scaling', 'startup', 'memory', 'gradescope-box'],
    quick: false,
    grader: { status: 'ok', passed: true, wallMs: 72_700 },
    scaling: {
      timing: '',
      corpora: [
        {
          name: '128MB',
          files: 16,
          bytes: 128 * MB,
          sequential: { ms: 11_900, ok: true },
          runs: [job(1, 18_000), job(2, 10_400), job(4, 12_200)],
        },
      ],
    },
    startup: {
      method: '',
      coordinator: { samplesMs: [143], medianMs: 143 },
      worker: { samplesMs: [142], medianMs: 142 },
    },
    memory: { method: '', sequentialPeakRssBytes: 1386 * MB, workerPeakRssBytes: 668 * MB },
    shuffle: {
      impl: 'labs/mr/solution-challenge',
      corpus: '128MB',
      method: '',
      runs: [2, 4].map((workers) => ({
        workers,
        ms: 14_000,
        correct: true,
        intermediateBytes: 90 * MB,
        fetchedBytes: ((workers - 1) / workers) * 90 * MB,
        localBytes: (90 * MB) / workers,
        fetches: 160,
        failedFetches: 0,
        fetchMs: 800,
        reducers: [],
        tasks: [],
      })),
    },
    raft: {
      impl: 'labs/raft/solution',
      graded: { status: 'ok', passed: true, wallMs: 26_100, virtualMs: 340_000, tests: 28 },
      inProcess: { status: 'ok', passed: true, wallMs: 9_900, virtualMs: 340_000, tests: 28 },
      seeds2A: { seeds: 100, wallMs: 9_400, perMinute: 638, passed: true },
      box: { status: 'ok', passed: true, wallMs: 76_200, cpu: 'half a CPU', memoryLimitBytes: 768 * MB },
    },
    gradescopeBox: { status: 'ok', passed: true, wallMs: 84_500, cpu: 'half', memoryLimitBytes: 768 * MB },
    targets: [],
  };
}

function byId(report: Report, bigCorpus?: string) {
  return Object.fromEntries(judge({ report, bigCorpus }).map((t) => [t.id, t]));
}

describe('the targets table', () => {
  test('one row per target, in the order of the summary, each id once', () => {
    const ids = TARGETS.map((t) => t.id);
    expect(ids).toEqual([
      'suite-time',
      'speedup-2',
      'wc-2-time',
      'seq-rss',
      'worker-rss',
      'worker-start',
      'coordinator-start',
      'shuffle-2',
      'raft-graded',
      'raft-2a-seeds',
      'raft-box',
      'gradescope-box',
    ]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('a good report meets every target, each figure shown in its unit', () => {
    const t = byId(goodReport(), '128MB');
    for (const row of Object.values(t)) expect(row.met).toBe(true);
    expect(t['suite-time'].value).toBe('72.7 s');
    expect(t['speedup-2'].value).toBe('1.73x');
    expect(t['wc-2-time'].value).toBe('10.4 s');
    expect(t['seq-rss'].value).toBe('1386 MB');
    expect(t['worker-start'].value).toBe('142 ms');
    expect(t['gradescope-box'].value).toBe('passed in 84.5 s');
    expect(t['shuffle-2'].value).toBe('right output, 0 of 160 fetches failed, 14.0 s');
    expect(t['raft-graded'].value).toBe('26.1 s for 340.0 s of virtual time');
    expect(t['raft-2a-seeds'].value).toBe('638 a minute');
    expect(t['raft-box'].value).toBe('passed in 76.2 s');
    for (const row of Object.values(t)) expect(row.detail).toBeUndefined();
  });

  test('each bar, just past it, is missed', () => {
    const r = goodReport();
    r.grader!.wallMs = 75_001;
    r.scaling!.corpora[0].runs[1] = { ...r.scaling!.corpora[0].runs[1], ms: 22_001, speedupVsOneWorker: 1.59 };
    r.memory!.sequentialPeakRssBytes = 2048 * MB + 1;
    r.memory!.workerPeakRssBytes = 1024 * MB + 1;
    r.startup!.worker.medianMs = 301;
    r.startup!.coordinator.medianMs = 501;
    r.gradescopeBox!.passed = false;
    r.shuffle!.runs[0].failedFetches = 1;
    r.raft!.graded.wallMs = 30_001;
    r.raft!.seeds2A!.perMinute = 99;
    r.raft!.box!.wallMs = 300_001;
    const t = byId(r, '128MB');
    for (const row of Object.values(t)) expect(row.met).toBe(false);
    expect(t['gradescope-box'].value).toBe('failed in 84.5 s');
    expect(t['shuffle-2'].value).toBe('right output, 1 of 160 fetches failed, 14.0 s');
  });

  test('a shuffle with a wrong output misses its target even when every fetch was answered', () => {
    const r = goodReport();
    r.shuffle!.runs[0].correct = false;
    expect(byId(r, '128MB')['shuffle-2']).toMatchObject({
      met: false,
      value: 'wrong output, 0 of 160 fetches failed, 14.0 s',
    });
  });

  test('not measured is null, with the reason where there is one', () => {
    const r = goodReport();
    delete r.scaling;
    delete r.memory;
    delete r.startup;
    r.shuffle = { impl: 'labs/mr/solution-challenge', method: '', runs: [], skipped: 'no labs/mr/solution-challenge' };
    r.grader = { status: 'unavailable', reason: 'dist-grader/grader/cli.js is missing (npm run build)' };
    r.gradescopeBox = {
      status: 'unavailable',
      reason: 'no cgroups: nothing mounted',
      cpu: 'half',
      memoryLimitBytes: 1,
    };
    const noRaft = {
      status: 'unavailable' as const,
      reason: "no Raft reference solution here (a student's release has none)",
    };
    r.raft = { impl: 'labs/raft/solution', graded: noRaft, inProcess: noRaft };
    const t = byId(r, undefined);
    for (const row of Object.values(t)) {
      expect(row.met).toBeNull();
      expect(row.value).toBeUndefined();
    }
    expect(t['suite-time'].detail).toMatch(/cli\.js is missing/);
    expect(t['speedup-2'].detail).toBe('needs the big corpus (not in --quick)');
    expect(t['gradescope-box'].detail).toBe('no cgroups: nothing mounted');
    expect(t['shuffle-2'].detail).toBe('no labs/mr/solution-challenge');
    expect(t['raft-graded'].detail).toBe(noRaft.reason);
    expect(t['raft-box'].detail).toBe('needs --gradescope-box');
  });

  test('a failed suite has no time to judge; another --big-size is judged and said to be', () => {
    const r = goodReport();
    r.grader!.passed = false;
    r.scaling!.corpora[0].name = '64MB';
    const t = byId(r, '64MB');
    expect(t['suite-time']).toMatchObject({ met: null, detail: 'the suite failed' });
    expect(t['speedup-2']).toMatchObject({ met: true, detail: 'measured on 64MB, not 128MB' });
    expect(t['shuffle-2']).toMatchObject({ met: null }); // the shuffle ran on 128MB, not on the big corpus of this run
  });
});
