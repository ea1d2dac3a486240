// The report: report.json (what was measured, on what machine, and the
// targets), the chart drawn from it, and the summary printed at the end.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UsageError } from '../../src/kit/args';
import { reportChart } from './chart';
import { BoxRun } from './gradescope-box';
import { GraderRun } from './grader';
import { MemoryReport } from './memory';
import { RaftReport } from './raft';
import { Options, Part, PARTS } from './options';
import { ScalingReport } from './scaling';
import { ShuffleReport } from './shuffle';
import { StartupReport } from './startup';
import { Target } from './targets';

export interface Report {
  tool: string;
  startedAt: string;
  durationMs: number;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryBytes: number;
    node: string;
    os: string;
    loadAverageAtStart: number[];
  };
  impl: { dir: string; staged: string };
  parts: Part[];
  quick: boolean;
  grader?: GraderRun;
  scaling?: ScalingReport;
  startup?: StartupReport;
  memory?: MemoryReport;
  shuffle?: ShuffleReport;
  raft?: RaftReport;
  gradescopeBox?: BoxRun;
  targets: Target[];
}

/** A report with the machine and the run described, nothing measured yet. */
export function newReport(kit: string, options: Options, staged: string): Report {
  const cpus = os.cpus();
  return {
    tool: 'mr-lab bench',
    startedAt: new Date().toISOString(),
    durationMs: 0,
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      memoryBytes: os.totalmem(),
      node: process.version,
      os: `${os.type()} ${os.release()}`,
      loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    },
    impl: { dir: path.relative(kit, options.impl) || '.', staged },
    parts: PARTS.filter((p) => options.parts.has(p)),
    quick: options.quick,
    targets: [],
  };
}

/**
 * Writes <out>/report.json (fractions rounded to 3 places, the targets
 * last) and <out>/scaling.svg, drawn from the JSON as written, so that
 * --chart redraws the very same chart. Returns both paths.
 */
export function writeReport(report: Report, out: string): { json: string; svg: string } {
  fs.mkdirSync(out, { recursive: true });
  const json = path.join(out, 'report.json');
  const svg = path.join(out, 'scaling.svg');
  const { targets, ...measured } = report;
  const text = JSON.stringify(
    { ...measured, targets },
    (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v),
    2,
  );
  fs.writeFileSync(json, text + '\n');
  fs.writeFileSync(svg, reportChart(JSON.parse(text) as Report));
  return { json, svg };
}

/** --chart: an earlier report.json, or a UsageError saying why it is not one. */
export function readReport(file: string): Report {
  try {
    const report = JSON.parse(fs.readFileSync(file, 'utf8')) as Report;
    if (!report.machine || !report.startedAt) throw new Error('not a report of npm run bench');
    return report;
  } catch (err) {
    throw new UsageError(`--chart: cannot read ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
}

export function printSummary(report: Report): void {
  console.log('\ntargets:');
  for (const t of report.targets) {
    const mark = t.met === null ? 'n/a   ' : t.met ? 'met   ' : 'MISSED';
    console.log(`  ${mark} ${t.description}${t.value ? `: ${t.value}` : ''}${t.detail ? ` (${t.detail})` : ''}`);
  }
}
