// The Raft timeline drawn: a laid-out timeline (layout.ts) as one SVG
// element, every tooltip escaped. It decides nothing about where things go.

import { escapeMarkup } from '../../../../src/kit/escape';
import type { PeerLane, PointMark, TimelineLayout } from './layout';

/** The colours of roles and marks; the page's legend shows the same. */
export const COLOURS = {
  follower: '#cfd8dc',
  candidate: '#ffb74d',
  leader: '#43a047',
  down: '#ffffff',
  cutOff: '#c62828',
  crash: '#c62828',
  cut: '#7b1fa2',
  boot: '#2e7d32',
  stand: '#e65100',
  commit: '#1f77b4',
};

const GLYPHS: Record<PointMark['kind'], string> = { crash: '✕', cut: '✕', boot: '↻', stand: '▲' };

function px(n: number): string {
  return n.toFixed(1);
}

/** The SVG element of the timeline. */
export function drawTimeline(layout: TimelineLayout): string {
  const { width, height } = layout;
  return [
    `<svg id="tl" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    ...layout.axis.ticks.flatMap((t) => [
      `<line x1="${px(t.x)}" y1="${layout.axis.height - 6}" x2="${px(t.x)}" y2="${height - 4}" stroke="#e3e3e3"/>`,
      `<text x="${px(t.x)}" y="${layout.axis.height - 10}" text-anchor="middle" fill="#555">${t.label}</text>`,
    ]),
    ...layout.lanes.flatMap((lane) => drawLane(lane, layout)),
    `<g class="lane-commits"><text x="8" y="${layout.commits.top + 16}" fill="#222">commits</text>`,
    ...layout.commits.ticks.map(
      (t) =>
        `<rect class="commit" x="${px(t.x)}" y="${layout.commits.top + 4}" width="1.2" height="16" fill="${COLOURS.commit}"><title>${escapeMarkup(t.tip)}</title></rect>`,
    ),
    `</g>`,
    `<line id="cursor" x1="0" y1="${layout.axis.height - 6}" x2="0" y2="${height - 4}" stroke="#c00" visibility="hidden" pointer-events="none"/>`,
    `<text id="cursor-t" x="0" y="12" fill="#c00" visibility="hidden" pointer-events="none"></text>`,
    `</svg>`,
  ].join('\n');
}

function drawLane(lane: PeerLane, layout: TimelineLayout): string[] {
  const top = lane.top;
  const out = [`<g class="lane" data-peer="${lane.peer}">`];
  if (lane.peer % 2 === 0) out.push(`<rect x="0" y="${top}" width="${layout.width}" height="36" fill="#f7f7f9"/>`);
  out.push(`<text x="8" y="${top + 21}" fill="#222">peer ${lane.peer}</text>`);
  for (const r of lane.roles) {
    out.push(
      `<rect class="role ${r.role}" x="${px(r.x)}" y="${top + 9}" width="${px(r.width)}" height="16" fill="${COLOURS[r.role]}"><title>${escapeMarkup(r.tip)}</title></rect>`,
    );
    if (r.label && r.width > 22)
      out.push(
        `<text x="${px(r.x + 3)}" y="${top + 21}" fill="#fff" font-size="10" pointer-events="none">${r.label}</text>`,
      );
  }
  for (const c of lane.cutOff) {
    out.push(
      `<rect class="cut-off" x="${px(c.x)}" y="${top + 28}" width="${px(c.width)}" height="3" fill="${COLOURS.cutOff}"><title>${escapeMarkup(c.tip)}</title></rect>`,
    );
  }
  for (const m of lane.marks) {
    const y = m.kind === 'stand' ? top + 8 : top + 22;
    out.push(
      `<text class="mark ${m.kind}" x="${px(m.x)}" y="${y}" text-anchor="middle" fill="${COLOURS[m.kind]}" font-size="${m.kind === 'stand' ? 8 : 13}">${GLYPHS[m.kind]}<title>${escapeMarkup(m.tip)}</title></text>`,
    );
  }
  out.push('</g>');
  return out;
}
