// The scaling chart: speedup against the number of workers, one line per
// corpus and baseline, next to the ideal (speedup = workers). A plain,
// self-contained SVG (no scripts, no external fonts), readable on GitHub.

import type { Report } from './report';
import { escapeMarkup } from '../../src/kit/escape';

export interface Series {
  label: string;
  color: string;
  dashed: boolean;
  points: { workers: number; speedup: number }[];
}

const W = 800;
const H = 440;
const M = { left: 64, right: 270, top: 56, bottom: 56 };

export function scalingSvg(title: string, subtitle: string, series: Series[]): string {
  const maxWorkers = Math.max(4, ...series.flatMap((s) => s.points.map((p) => p.workers)));
  const maxSpeedup = Math.max(maxWorkers, ...series.flatMap((s) => s.points.map((p) => p.speedup)));
  const yTop = Math.ceil(maxSpeedup);
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const x = (w: number): number => M.left + (w / maxWorkers) * plotW;
  const y = (s: number): number => M.top + plotH - (s / yTop) * plotH;
  const f = (n: number): string => n.toFixed(1);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
      `font-family="Helvetica, Arial, sans-serif" font-size="12">`,
  );
  out.push(`<title>${escapeMarkup(title)}</title>`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${M.left}" y="24" font-size="16" font-weight="bold">${escapeMarkup(title)}</text>`);
  out.push(`<text x="${M.left}" y="42" fill="#555555">${escapeMarkup(subtitle)}</text>`);

  // Grid and axes.
  for (let s = 0; s <= yTop; s++) {
    out.push(`<line x1="${M.left}" y1="${f(y(s))}" x2="${M.left + plotW}" y2="${f(y(s))}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${M.left - 8}" y="${f(y(s) + 4)}" text-anchor="end">${s}×</text>`);
  }
  for (let w = 0; w <= maxWorkers; w++) {
    out.push(`<line x1="${f(x(w))}" y1="${M.top}" x2="${f(x(w))}" y2="${M.top + plotH}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${f(x(w))}" y="${M.top + plotH + 18}" text-anchor="middle">${w}</text>`);
  }
  out.push(
    `<line x1="${M.left}" y1="${M.top + plotH}" x2="${M.left + plotW}" y2="${M.top + plotH}" stroke="#333333"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + plotH}" stroke="#333333"/>`,
    `<text x="${M.left + plotW / 2}" y="${H - 14}" text-anchor="middle">workers</text>`,
    `<text transform="translate(18 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">speedup</text>`,
  );

  // The ideal, then the measured lines.
  out.push(
    `<line x1="${f(x(0))}" y1="${f(y(0))}" x2="${f(x(Math.min(maxWorkers, yTop)))}" ` +
      `y2="${f(y(Math.min(maxWorkers, yTop)))}" stroke="#999999" stroke-dasharray="2 4"/>`,
  );
  const placed: { x: number; y: number }[] = []; // value labels, kept from overlapping
  const labelY = (px: number, py: number): number => {
    let ly = py - 7;
    while (placed.some((p) => Math.abs(p.x - px) < 30 && Math.abs(p.y - ly) < 13)) ly += 13;
    placed.push({ x: px, y: ly });
    return ly;
  };
  for (const s of series) {
    if (s.points.length === 0) continue;
    const pts = s.points.map((p) => `${f(x(p.workers))},${f(y(p.speedup))}`).join(' ');
    out.push(
      `<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="2.5"` +
        `${s.dashed ? ' stroke-dasharray="7 5"' : ''}/>`,
    );
    for (const p of s.points) {
      out.push(`<circle cx="${f(x(p.workers))}" cy="${f(y(p.speedup))}" r="4" fill="${s.color}"/>`);
      out.push(
        `<text x="${f(x(p.workers) + 7)}" y="${f(labelY(x(p.workers), y(p.speedup)))}" fill="${s.color}" font-size="11">` +
          `${p.speedup.toFixed(2)}</text>`,
      );
    }
  }

  // Legend.
  const lx = M.left + plotW + 20;
  let ly = M.top + 8;
  const legend = [...series, { label: 'ideal (speedup = workers)', color: '#999999', dashed: true, points: [] }];
  for (const s of legend) {
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 28}" y2="${ly}" stroke="${s.color}" stroke-width="2.5"` +
        `${s.dashed ? ' stroke-dasharray="7 5"' : ''}/>`,
    );
    out.push(`<text x="${lx + 36}" y="${ly + 4}">${escapeMarkup(s.label)}</text>`);
    ly += 22;
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** The chart of a report: per corpus, the speedup against one worker (solid) and against mrsequential (dashed). */
export function reportChart(report: Report): string {
  const colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
  const series: Series[] = [];
  (report.scaling?.corpora ?? []).forEach((c, i) => {
    const color = colors[i % colors.length];
    const size = c.name.replace(/^(quick-)?([\d.]+)([KMG]B)$/, '$2 $3');
    const label = c.name === 'inputs' ? 'inputs/ (3.3 MB)' : c.name.startsWith('quick-') ? `${size} (--quick)` : size;
    series.push({
      label: `${label} vs 1 worker`,
      color,
      dashed: false,
      points: c.runs
        .filter((r) => r.speedupVsOneWorker !== undefined)
        .map((r) => ({ workers: r.workers, speedup: r.speedupVsOneWorker! })),
    });
    series.push({
      label: `${label} vs mrsequential`,
      color,
      dashed: true,
      points: c.runs
        .filter((r) => r.speedupVsSequential !== undefined)
        .map((r) => ({ workers: r.workers, speedup: r.speedupVsSequential! })),
    });
  });
  const m = report.machine;
  return scalingSvg(
    'MapReduce word count: speedup against workers',
    `${report.startedAt.slice(0, 10)}, ${m.cpus} cores, Node ${m.node.replace(/^v/, '')}, load ${m.loadAverageAtStart[0]} at start; ` +
      'time from coordinator start to exit',
    series,
  );
}
