// The per-peer log in columns (peers-columns.txt and .html in a kept test
// folder): one column per peer and one for the tester, a row per event with
// its virtual time, each peer's state (term, role, vote, log and applied
// indexes, as its messages show it) written in its column when it changes.
// The page shades every peer's column with its role, so leaders and
// elections stand out down the page. Pure: the same record gives the same
// bytes.

import { escapeMarkup } from '../../../../src/kit/escape';
import type { Recorder, Row } from './record';
import type { Role } from './view';

const WIDTH = 38;
const TESTER_WIDTH = 18;

/** The text version. */
export function columnsText(record: Recorder, title: string, notes: string[]): string {
  const n = record.n;
  const head = [
    `${title}: every peer in a column (what it did, and its state as its messages show it: term, role, vote, last log index, last applied)`,
    ...notes.map((note) => `  ${note}`),
    ...(record.droppedRows ? [`(the first ${record.droppedRows} rows are left out)`] : []),
    '',
    [
      pad('time (s)', 11),
      pad('tester', TESTER_WIDTH),
      ...Array.from({ length: n }, (_, i) => pad(`peer ${i}`, WIDTH)),
    ].join(' | '),
    ['-'.repeat(11), '-'.repeat(TESTER_WIDTH), ...Array.from({ length: n }, () => '-'.repeat(WIDTH))].join('-+-'),
  ];
  const lines = record.rows.map((row) => {
    const cells = Array.from({ length: n }, (_, i) => (i === row.peer ? cell(row) : ''));
    const tester = row.peer === -1 ? row.text : '';
    return [time(row.at), pad(tester, TESTER_WIDTH), ...cells.map((c) => pad(c, WIDTH))].join(' | ').trimEnd();
  });
  return [...head, ...lines].join('\n') + '\n';
}

/** The page version. */
export function columnsPage(record: Recorder, title: string, notes: string[]): string {
  const n = record.n;
  const roles: Role[] = initialRoles(record);
  const body = record.rows.map((row) => {
    if (row.kind === 'state' && row.role) roles[row.peer] = row.role;
    const tds = Array.from({ length: n }, (_, i) => {
      const cls = `${roles[i][0]}${i === row.peer ? ` ${row.kind}` : ''}`;
      return i === row.peer ? `<td class="${cls}">${escapeMarkup(row.text)}</td>` : `<td class="${cls}"></td>`;
    });
    const tester = row.peer === -1 ? escapeMarkup(row.text) : '';
    return `<tr><th>${time(row.at).trim()}</th><td class="t">${tester}</td>${tds.join('')}</tr>`;
  });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeMarkup(title)}: peers in columns</title>
<style>
body { font: 12px ui-monospace, monospace; margin: 12px; color: #222; }
h1 { font: bold 16px system-ui, sans-serif; margin: 0 0 6px; }
.notes { white-space: pre-wrap; background: #fff4f4; border-left: 3px solid #c62828; padding: 6px 10px; margin-bottom: 8px; }
table { border-collapse: collapse; }
thead th { position: sticky; top: 0; background: #eee; z-index: 1; }
th, td { padding: 1px 6px; border-right: 1px solid #ddd; white-space: nowrap; text-align: left; vertical-align: top; }
tbody th { color: #666; font-weight: normal; }
td.l { background: #e3f4e3; } td.c { background: #fff0d9; } td.f { background: #fff; } td.d { background: #e4e4e4; }
td.t { color: #7b1fa2; }
td.state { font-weight: bold; } td.say { color: #1f4fb4; }
</style>
</head>
<body>
<h1>${escapeMarkup(title)}: peers in columns</h1>
<div>Each peer's column is shaded with its role (green leader, orange candidate, white follower, grey down), as its messages show it; bold lines are its state when it changes: term, role, vote, last log index, last applied. Times in virtual seconds.${record.droppedRows ? ` The first ${record.droppedRows} rows are left out.` : ''}</div>
${notes.length ? `<div class="notes">${escapeMarkup(notes.join('\n'))}</div>` : ''}
<table>
<thead><tr><th>time</th><th>tester</th>${Array.from({ length: n }, (_, i) => `<th>peer ${i}</th>`).join('')}</tr></thead>
<tbody>
${body.join('\n')}
</tbody>
</table>
</body>
</html>
`;
}

/** Every peer's role before the first row kept (from the spans). */
function initialRoles(record: Recorder): Role[] {
  const first = record.rows[0]?.at ?? 0;
  return Array.from({ length: record.n }, (_, i) => {
    const spans = record.spans.filter((s) => s.peer === i && s.from < first);
    return spans[spans.length - 1]?.role ?? 'down';
  });
}

function cell(row: Row): string {
  return row.kind === 'state' ? `[${row.text}]` : row.kind === 'say' ? `> ${row.text}` : row.text;
}

function time(us: number): string {
  return (us / 1e6).toFixed(6).padStart(11);
}

function pad(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}
