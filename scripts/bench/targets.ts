// The kit's targets, as a table: what each one measures, where in the report
// its figure is, and the bar it must clear. Informative: the exit status does
// not depend on them. To change a target, change its row.

import { GB, mb, ms, secs } from './format';
import type { Report } from './report';

export interface Target {
  id: string;
  description: string;
  value?: string;
  met: boolean | null; // null: not measured
  detail?: string;
}

/** What a row is judged against: the report, and the big corpus's name (none with --quick). */
export interface Judged {
  report: Report;
  bigCorpus?: string;
}

export interface TargetRow {
  id: string;
  description: string;
  /** The figure, undefined when it was not measured. */
  measured(j: Judged): number | undefined;
  met(value: number, j: Judged): boolean;
  show(value: number, j: Judged): string;
  /** Why it was not measured, or what to know about the figure. */
  detail?(j: Judged): string | undefined;
}

/** The big-corpus rows are judged on 128 MB; another --big-size is measured, and said to be. */
function bigCorpusNote({ bigCorpus }: Judged): string | undefined {
  if (!bigCorpus) return 'needs the big corpus (not in --quick)';
  return bigCorpus !== '128MB' ? `measured on ${bigCorpus}, not 128MB` : undefined;
}

function twoWorkersOnBig({ report, bigCorpus }: Judged) {
  return report.scaling?.corpora.find((c) => c.name === bigCorpus)?.runs.find((r) => r.workers === 2);
}

function shuffleOnBig({ report, bigCorpus }: Judged) {
  return report.shuffle?.corpus === bigCorpus ? report.shuffle?.runs.find((r) => r.workers === 2) : undefined;
}

export const TARGETS: TargetRow[] = [
  {
    id: 'suite-time',
    description: 'full course suite <= 75 s',
    measured: ({ report: { grader: g } }) => (g?.status === 'ok' && g.passed ? g.wallMs : undefined),
    met: (v) => v <= 75_000,
    show: secs,
    detail: ({ report: { grader: g } }) => (g?.status === 'ok' && !g.passed ? 'the suite failed' : g?.reason),
  },
  {
    id: 'speedup-2',
    description: '128 MB wc: 2 workers >= 1.6x faster than 1',
    measured: (j) => twoWorkersOnBig(j)?.speedupVsOneWorker,
    met: (v) => v >= 1.6,
    show: (v) => `${v.toFixed(2)}x`,
    detail: bigCorpusNote,
  },
  {
    id: 'wc-2-time',
    description: '128 MB wc with 2 workers <= 22 s',
    measured: (j) => {
      const two = twoWorkersOnBig(j);
      return two?.correct ? two.ms : undefined;
    },
    met: (v) => v <= 22_000,
    show: secs,
    detail: bigCorpusNote,
  },
  {
    id: 'seq-rss',
    description: 'mrsequential on 128 MB <= 2 GB peak RSS',
    measured: ({ report, bigCorpus }) => (bigCorpus ? report.memory?.sequentialPeakRssBytes : undefined),
    met: (v) => v <= 2 * GB,
    show: mb,
    detail: bigCorpusNote,
  },
  {
    id: 'worker-rss',
    description: 'each worker <= 1 GB peak RSS (128 MB corpus)',
    measured: ({ report, bigCorpus }) => (bigCorpus ? report.memory?.workerPeakRssBytes : undefined),
    met: (v) => v <= GB,
    show: mb,
    detail: bigCorpusNote,
  },
  {
    id: 'worker-start',
    description: 'worker start to first RPC <= 300 ms (median)',
    measured: ({ report }) => report.startup?.worker.medianMs,
    met: (v) => v <= 300,
    show: ms,
    detail: ({ report }) => report.startup?.worker.problem,
  },
  {
    id: 'coordinator-start',
    description: 'coordinator start to accepting <= 500 ms (median)',
    measured: ({ report }) => report.startup?.coordinator.medianMs,
    met: (v) => v <= 500,
    show: ms,
    detail: ({ report }) => report.startup?.coordinator.problem,
  },
  {
    id: 'shuffle-2',
    description: '128 MB challenge wc, 2 workers: right output, every fetch answered',
    measured: (j) => shuffleOnBig(j)?.ms,
    met: (_v, j) => !!shuffleOnBig(j)?.correct && shuffleOnBig(j)?.failedFetches === 0,
    show: (v, j) => {
      const run = shuffleOnBig(j)!;
      return `${run.correct ? 'right' : 'wrong'} output, ${run.failedFetches} of ${run.fetches} fetches failed, ${secs(v)}`;
    },
    detail: (j) => j.report.shuffle?.skipped ?? bigCorpusNote(j),
  },
  {
    id: 'raft-graded',
    description: 'Raft 2A-2D suite, graded (a process per peer) <= 30 s',
    measured: ({ report }) => (report.raft?.graded.passed ? report.raft.graded.wallMs : undefined),
    met: (v) => v <= 30_000,
    show: (v, { report }) => `${secs(v)} for ${secs(report.raft?.graded.virtualMs ?? 0)} of virtual time`,
    detail: ({ report }) =>
      report.raft?.graded.status === 'ok' && !report.raft.graded.passed
        ? 'the suite failed'
        : report.raft?.graded.reason,
  },
  {
    id: 'raft-2a-seeds',
    description: 'Raft 2A in one process >= 100 seeds a minute',
    measured: ({ report }) => (report.raft?.seeds2A?.passed ? report.raft.seeds2A.perMinute : undefined),
    met: (v) => v >= 100,
    show: (v) => `${Math.round(v)} a minute`,
  },
  {
    id: 'raft-box',
    description: 'Raft suite, graded, passes within 5 min on half a CPU and 768 MB',
    measured: ({ report }) => (report.raft?.box?.status === 'ok' ? report.raft.box.wallMs : undefined),
    met: (v, { report }) => !!report.raft?.box?.passed && v <= 300_000,
    show: (v, { report }) => `${report.raft?.box?.passed ? 'passed' : 'failed'} in ${secs(v)}`,
    detail: ({ report }) =>
      report.raft?.box?.reason ?? (report.raft && !report.raft.box ? 'needs --gradescope-box' : undefined),
  },
  {
    id: 'gradescope-box',
    description: 'suite passes within 10 min on half a CPU and 768 MB',
    measured: ({ report: { gradescopeBox: box } }) => (box?.status === 'ok' ? box.wallMs : undefined),
    met: (v, { report }) => !!report.gradescopeBox?.passed && v <= 600_000,
    show: (v, { report }) => `${report.gradescopeBox?.passed ? 'passed' : 'failed'} in ${secs(v)}`,
    detail: ({ report }) => report.gradescopeBox?.reason,
  },
];

/** Each row judged against the report. */
export function judge(judged: Judged, rows: TargetRow[] = TARGETS): Target[] {
  return rows.map((row) => {
    const value = row.measured(judged);
    return {
      id: row.id,
      description: row.description,
      value: value === undefined ? undefined : row.show(value, judged),
      met: value === undefined ? null : row.met(value, judged),
      detail: row.detail?.(judged),
    };
  });
}
