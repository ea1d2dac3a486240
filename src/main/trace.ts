// Tracing for the grader's timeline: when $MR_TRACE names a file, every map
// and reduce call of this process is recorded there as JSON lines, a "start"
// line before the call and an "end" line after it. A process that crashes
// inside a call leaves a start with no end, which is what the timeline shows.

import * as fs from 'fs';
import { type App, type Phase, wrapApp } from './load-app';

export interface TraceEvent {
  pid: number;
  event: 'start' | 'end';
  phase: Phase;
  /** The map task's file name, or the reduce call's key. */
  input: string;
  /** Milliseconds since the epoch. */
  time: number;
  outcome?: 'ok' | 'error';
}

/** The app itself, or the app wrapped to record its calls when tracing is on. */
export function traced(app: App, file = process.env.MR_TRACE): App {
  if (!file) return app;
  const fd = fs.openSync(file, 'a'); // kept open: a reduce task may make thousands of calls
  const record = (e: Omit<TraceEvent, 'pid' | 'time'>) =>
    fs.writeSync(fd, JSON.stringify({ pid: process.pid, time: Date.now(), ...e }) + '\n');
  return wrapApp(app, (phase, input, run) => {
    record({ event: 'start', phase, input });
    let outcome: 'ok' | 'error' = 'error';
    try {
      const result = run();
      outcome = 'ok';
      return result;
    } finally {
      record({ event: 'end', phase, input, outcome });
    }
  });
}
