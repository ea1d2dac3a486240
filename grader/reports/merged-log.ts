// The merged log of one test: every process's output interleaved by the
// time it reached the grader, with the process's role and pid, plus the
// grader's own events (starts, exits, signals). Written as merged.log
// (plain text: `+12.345s [worker 3 pid 1234] line`) and merged-log.html
// (one colour per process, a legend that hides or shows a process).
// The per-process log files stay as they are; times come from the chunk
// stamps the grader records as output arrives (output-capture.ts).

import * as path from 'path';
import { LOG_HEAD, LOG_TAIL, type OutputStamp } from '../core/output-capture';
import type { Proc } from '../core/processes';
import { readCapped, writeFresh } from '../sandbox/files';
import { escapeMarkup } from '../../src/kit/escape';

export interface LogLine {
  at: number; // ms since the epoch
  source: number; // index into sources; -1: the grader
  stream: 'out' | 'err' | 'grader';
  text: string;
}

export interface LogSource {
  role: string;
  pid: number;
}

const HTML_MAX_LINES = 20_000;

/** Splits a log file's bytes into lines, each with the time its first byte arrived. */
export function stampLines(
  data: Buffer,
  stamps: OutputStamp[],
  fallbackAt: number,
): { at: number; stream: 'out' | 'err'; text: string }[] {
  const out: { at: number; stream: 'out' | 'err'; text: string }[] = [];
  const partial: Record<'out' | 'err', { at: number; parts: Buffer[] } | undefined> = {
    out: undefined,
    err: undefined,
  };
  const flush = (stream: 'out' | 'err'): void => {
    const p = partial[stream];
    if (p) out.push({ at: p.at, stream, text: Buffer.concat(p.parts).toString('utf8').replace(/\r$/, '') });
    partial[stream] = undefined;
  };
  let offset = 0;
  const chunks = stamps.length ? stamps : [{ at: fallbackAt, stream: 'out' as const, bytes: data.length }];
  for (const s of chunks) {
    if (offset >= data.length) break;
    const chunk = data.subarray(offset, Math.min(data.length, offset + s.bytes));
    offset += s.bytes;
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, from);
      const piece = chunk.subarray(from, nl < 0 ? chunk.length : nl);
      if (piece.length || nl >= 0) {
        const p = partial[s.stream] ?? (partial[s.stream] = { at: s.at, parts: [] });
        p.parts.push(piece);
      }
      if (nl < 0) break;
      flush(s.stream);
      from = nl + 1;
    }
  }
  flush('out');
  flush('err');
  return out;
}

/** Every line of every process of the job, and the grader's events, sorted by time (stable). */
export function mergedLines(procs: readonly Proc[]): { sources: LogSource[]; lines: LogLine[] } {
  const sources: LogSource[] = procs.map((p) => ({ role: p.role, pid: p.pid }));
  const lines: LogLine[] = [];
  procs.forEach((p: Proc, i) => {
    lines.push({ at: p.startedAt, source: -1, stream: 'grader', text: `started ${p.role} (pid ${p.pid})` });
    for (const s of p.signals) {
      lines.push({
        at: s.at,
        source: -1,
        stream: 'grader',
        text: `sent ${s.signal} to ${p.role} (pid ${p.pid}): ${s.why}`,
      });
    }
    if (p.exit)
      lines.push({ at: p.exit.at, source: -1, stream: 'grader', text: `${p.role} (pid ${p.pid}) ${p.describeExit()}` });
    if (!p.logFile) return;
    const log = readCapped(p.logFile, LOG_HEAD + LOG_TAIL + 4096); // never a link: the job's folder is the student's
    if (!log) return;
    const data = log.data;
    for (const l of stampLines(data, p.stamps, p.startedAt)) lines.push({ ...l, source: i });
  });
  lines.sort((a, b) => a.at - b.at); // stable: a process's lines keep their order
  return { sources, lines };
}

function label(sources: LogSource[], l: LogLine): string {
  if (l.source < 0) return 'grader';
  const s = sources[l.source];
  return `${s.role} pid ${s.pid}`;
}

export function mergedText(t0: number, sources: LogSource[], lines: LogLine[]): string {
  return (
    lines.map((l) => `+${((l.at - t0) / 1000).toFixed(3)}s [${label(sources, l)}] ${l.text}`).join('\n') +
    (lines.length ? '\n' : '')
  );
}

/** A distinct colour per process (golden-angle hues, dark enough on white). */
function colour(i: number): string {
  return `hsl(${Math.round((i * 137.508 + 210) % 360)}, 70%, 34%)`;
}

export function mergedHtml(title: string, t0: number, sources: LogSource[], lines: LogLine[]): string {
  const shownLines = lines.slice(0, HTML_MAX_LINES);
  const css = sources.map((_, i) => `.p${i} { color: ${colour(i)}; }`).join('\n');
  const legend = sources
    .map(
      (s, i) =>
        `<label class="p${i}"><input type="checkbox" checked data-p="p${i}"> ${escapeMarkup(`${s.role} pid ${s.pid}`)}</label>`,
    )
    .join('\n');
  const rows = shownLines
    .map((l) => {
      const cls = l.source < 0 ? 'g' : `p${l.source}${l.stream === 'err' ? ' err' : ''}`;
      const t = `+${((l.at - t0) / 1000).toFixed(3)}s`;
      return `<div class="${cls}"><span class="t">${t}</span> <span class="who">[${escapeMarkup(label(sources, l))}]</span> ${escapeMarkup(l.text)}</div>`;
    })
    .join('\n');
  const cut =
    lines.length > shownLines.length
      ? `<p class="cut">The first ${shownLines.length} of ${lines.length} lines; all of them are in merged.log.</p>`
      : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeMarkup(title)}: merged log</title>
<style>
body { font: 13px system-ui, sans-serif; margin: 16px; color: #222; }
h1 { font-size: 18px; margin: 0 0 8px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin-bottom: 10px; }
.log { font: 12px/1.45 ui-monospace, monospace; white-space: pre-wrap; word-break: break-all; }
.t { color: #888; } .who { font-weight: 600; }
.g { color: #555; background: #f1f1f1; font-style: italic; }
.err { background: #fff5f5; }
.hide { display: none; }
.cut { color: #c62828; }
${css}
</style>
</head>
<body>
<h1>${escapeMarkup(title)}: merged log</h1>
<p>Every process's output (stdout and stderr, stderr shaded) in the order it reached the grader, with the grader's own events in grey. Time in seconds from the test's start. Untick a process to hide its lines.</p>
<div class="legend">
<label class="g"><input type="checkbox" checked data-p="g"> grader</label>
${legend}
</div>
${cut}
<div class="log">
${rows}
</div>
<script>
document.querySelectorAll('.legend input').forEach(function (box) {
  box.addEventListener('change', function () {
    document.querySelectorAll('.log .' + box.dataset.p).forEach(function (el) { el.classList.toggle('hide', !box.checked); });
  });
});
</script>
</body>
</html>
`;
}

/** Writes merged.log and merged-log.html into the job's folder. */
/** Writes merged.log and merged-log.html into `dir` (a test's kept folder, the student's: never through a link). */
export function writeMergedLog(dir: string, title: string, procs: readonly Proc[], startedAt: number): void {
  const { sources, lines } = mergedLines(procs);
  writeFresh(path.join(dir, 'merged.log'), mergedText(startedAt, sources, lines));
  writeFresh(path.join(dir, 'merged-log.html'), mergedHtml(title, startedAt, sources, lines));
}
