// How a diagnosis names a process and a moment of a job, lists names, and
// quotes a process's output.

import type { Proc } from '../../../core/processes';
import type { Job } from './job';

export function who(p: Proc): string {
  return `${p.role} (pid ${p.pid})`;
}

export function at(job: Job, time: number): string {
  return `${((time - job.startedAt) / 1000).toFixed(1)} s`;
}

export function list(items: string[]): string {
  return items.join(', ');
}

export function indent(lines: string[]): string[] {
  return lines.map((l) => `  | ${l}`);
}
