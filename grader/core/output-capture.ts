// What a process the grader starts prints: the head of its output goes to
// its log file (and the console, unless quiet) as it comes; past the head,
// only the last LOG_TAIL bytes are kept, and written when its output ends,
// so no amount of output can fill the grader's memory or the disk. Each
// chunk written is stamped with when it arrived (for the merged log). And
// the console's line: a student's process may leave one open.

import type { ChildProcess } from 'child_process';
import * as fs from 'fs';
import { formatBytes } from '../sandbox/budgets';
import type { Proc, SpawnOptions } from './processes';

/** When a chunk of output arrived: `bytes` more bytes of the log file, from stdout or stderr. */
export interface OutputStamp {
  at: number;
  stream: 'out' | 'err';
  bytes: number;
}

const MAX_STAMPS = 200_000; // beyond this, later chunks are counted into the last stamp
/** Of a process's output, the log keeps the first LOG_HEAD bytes and the last LOG_TAIL. */
export const LOG_HEAD = 256 * 1024;
export const LOG_TAIL = 64 * 1024;

/** Captures `proc`'s output (`child`'s stdout and stderr) into its log `log`, if it has one; see the top of this file. */
export function captureOutput(
  child: ChildProcess,
  proc: Proc,
  log: number | undefined,
  opts: Pick<SpawnOptions, 'echo' | 'capture' | 'cell' | 'onFlood'>,
): void {
  // The head of the output goes to the log (and the console) as it comes;
  // past it, only the last LOG_TAIL bytes are kept, and written at the end.
  const tail: Buffer[] = [];
  let tailBytes = 0;
  const limit = opts.cell?.budgets.outputBytes ?? Infinity;
  const onData = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
    const before = proc.printed;
    proc.printed += chunk.length;
    const head = before < LOG_HEAD ? chunk.subarray(0, LOG_HEAD - before) : undefined;
    if (head && head.length) {
      if (log !== undefined) writeLog(log, proc, stream === process.stdout ? 'out' : 'err', head);
      if (opts.capture) proc.addOutput(head);
      if (opts.echo) echo(stream, head);
      if (opts.echo && proc.printed > LOG_HEAD)
        echo(
          process.stderr,
          Buffer.from(`\n[${proc.role}'s output is cut here: the rest is in its log, head and tail]\n`),
        );
    }
    const rest = head ? chunk.subarray(head.length) : chunk;
    if (rest.length) {
      tail.push(rest);
      tailBytes += rest.length;
      while (tailBytes - tail[0].length >= LOG_TAIL) tailBytes -= tail.shift()!.length;
    }
    if (before <= limit && proc.printed > limit) {
      opts.onFlood?.(
        proc,
        `${proc.role} (pid ${proc.pid}) printed more than ${formatBytes(limit)} (the limit for one process)`,
      );
    }
  };
  child.stdout!.on('data', onData(process.stdout));
  child.stderr!.on('data', onData(process.stderr));
  child.once('close', () => {
    if (log === undefined) {
      proc.outputEnded();
      return;
    }
    let end = Buffer.concat(tail);
    if (end.length > LOG_TAIL) end = end.subarray(end.length - LOG_TAIL);
    proc.cut = proc.printed - Math.min(proc.printed, LOG_HEAD) - end.length;
    if (end.length) {
      const note =
        proc.cut > 0
          ? `\n[... ${formatBytes(proc.cut)} of output cut by the grader (${formatBytes(proc.printed)} in all) ...]\n`
          : '';
      writeLog(log, proc, 'err', Buffer.concat([Buffer.from(note), end]));
    }
    try {
      fs.closeSync(log);
    } catch {
      // already closed
    }
    proc.outputEnded();
  });
}

function writeLog(fd: number, proc: Proc, stream: 'out' | 'err', data: Buffer): void {
  try {
    fs.writeSync(fd, data);
    addStamp(proc.stamps, stream, data.length);
  } catch {
    // the test dir may be gone after an interrupt
  }
}

/** Whether the console is at the start of a line (the grader's own lines must start on one). */
let atLineStart = true;

function echo(stream: NodeJS.WriteStream, data: Buffer): void {
  stream.write(data);
  atLineStart = data[data.length - 1] === 0x0a;
}

/** Ends a line the student's processes left open on the console, so the grader's next line starts on its own. */
export function startLine(): void {
  if (!atLineStart) process.stdout.write('\n');
  atLineStart = true;
}

/** Stamps `bytes` more of the log, from `stream`, as arriving now. */
function addStamp(stamps: OutputStamp[], stream: 'out' | 'err', bytes: number): void {
  const last = stamps[stamps.length - 1];
  if (stamps.length >= MAX_STAMPS && last.stream === stream) last.bytes += bytes;
  else stamps.push({ at: Date.now(), stream, bytes });
}
