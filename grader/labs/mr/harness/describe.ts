// How a diagnosis names a process and a moment of a job.

import type { Proc } from '../../../core/processes';
import type { Job } from './job';

export function who(p: Proc): string {
  return `${p.role} (pid ${p.pid})`;
}

export function at(job: Job, time: number): string {
  return `${((time - job.startedAt) / 1000).toFixed(1)} s`;
}
