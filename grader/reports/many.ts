// The --many table: per test, failures over runs, mean time, and the seeds
// of the runs it failed on (each replays with --seed).

import { byTest, Summary } from '../core/summary';

export function manyTable(summary: Summary): string[] {
  const rows = byTest(summary).map(({ results }) => {
    const failed = results.filter((t) => !t.passed);
    const mean = results.reduce((s, t) => s + t.durationMs, 0) / results.length / 1000;
    const seeds = failed.map((t) => summary.runs.find((r) => r.run === t.run)?.seed ?? '?');
    return [results[0].name, `${failed.length}/${results.length}`, `${mean.toFixed(1)} s`, seeds.join(' ')];
  });
  const header = ['test', 'failed', 'mean time', 'failed seeds'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 || i === 3 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
