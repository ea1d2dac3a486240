// Reading the workers' $MR_TRACE files (the format: src/main/trace-format.ts).
// The student's side writes them: the grader reads no link and at most a
// cap, and every string it takes from them is made printable.

import { readCapped } from '../../../sandbox/files';
import { isTaskEvent, parseTrace, type TaskEvent } from '../../../../src/main/trace-format';

/** The most of one trace file the grader reads. */
const TRACE_CAP = 16 * 1024 * 1024;

/** A trace's map and reduce calls; a torn last line (a crash while writing) or a missing file gives what there is. */
export function readTrace(file: string): TaskEvent[] {
  return traceLines(file).filter(isTaskEvent);
}

/** Every well-formed line of a trace, whatever its event. */
export function traceLines(file: string): Array<Record<string, unknown>> {
  return parseTrace(readCapped(file, TRACE_CAP)?.text ?? '');
}
