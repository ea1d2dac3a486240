// The timeline drawn: a laid-out timeline (layout.ts) as one SVG element,
// with the shapes and colours of its marks and every tooltip escaped. Pure,
// and it decides nothing about where things go: that is the layout's.

import { escapeMarkup } from '../../../../src/kit/escape';
import type { TimelineLayout } from './layout';
import type { BarMark, ExitMark, FetchMark, Lane } from './lane-layout';

/** The colours of the marks; the page's legend shows the same. */
export const COLOURS = {
  life: '#9aa5b1',
  map: '#1f77b4',
  reduce: '#e08a00',
  failed: '#c62828', // a crash, a call that never returned, a failed fetch, a lost map
  cleanExit: '#2e7d32', // also a restart's start
  held: '#7b1fa2', // SIGSTOP
};

/** A colour per worker that served fetches; none of them red, which marks a failed fetch. */
export const SERVER_COLOURS = ['#1b9e77', '#7570b3', '#66a61e', '#e6ab02', '#a6761d', '#17becf', '#8c564b', '#666666'];

const UNKNOWN_SERVER = '#888';

/** px as the page writes them: one decimal. */
function px(n: number): string {
  return n.toFixed(1);
}

/** The SVG element of the timeline, one element a line. */
export function drawTimeline(layout: TimelineLayout): string {
  const { width, height } = layout;
  const gridTop = layout.axis.height - 6;
  return [
    `<svg id="tl" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f4b4b4"/><line x1="0" y1="0" x2="0" y2="6" stroke="${COLOURS.failed}" stroke-width="3"/></pattern></defs>`,
    `<g class="axis">`,
    ...layout.axis.ticks.flatMap((tick) => [
      `<line x1="${px(tick.x)}" y1="${gridTop}" x2="${px(tick.x)}" y2="${height - 8}" stroke="#e3e3e3"/>`,
      `<text x="${px(tick.x)}" y="${layout.axis.height - 10}" text-anchor="middle" fill="#555">${tick.label}</text>`,
    ]),
    `</g>`,
    ...layout.lanes.flatMap((lane) => drawLane(lane, layout)),
    `<line id="cursor" x1="0" y1="${gridTop}" x2="0" y2="${height - 8}" stroke="#c00" stroke-width="1" visibility="hidden" pointer-events="none"/>`,
    `<text id="cursor-t" x="0" y="12" fill="#c00" visibility="hidden" pointer-events="none"></text>`,
    `</svg>`,
  ].join('\n');
}

/** A lane: background, label, server swatch, lifetime, bars, fetches, signals, exit. */
function drawLane(lane: Lane, layout: TimelineLayout): string[] {
  const { mid } = lane;
  const tip = `<title>${escapeMarkup(lane.tip)}</title>`;
  const out = [`<g class="lane lane-${lane.kind}" data-pid="${lane.pid}">`];
  if (lane.shaded)
    out.push(`<rect x="0" y="${lane.top}" width="${layout.width}" height="${lane.height}" fill="#f7f7f9"/>`);
  out.push(
    `<text x="8" y="${mid + 4}" fill="#222">${escapeMarkup((lane.isRestart ? '↻ ' : '') + lane.label)}${tip}</text>`,
  );
  if (lane.server) {
    const colour = SERVER_COLOURS[lane.server.slot % SERVER_COLOURS.length];
    out.push(
      `<rect class="server" x="${layout.plot.left - 16}" y="${mid - 5}" width="10" height="10" fill="${colour}"><title>${escapeMarkup(lane.server.tip)}</title></rect>`,
    );
  }
  // Lifetime: a thin line (coordinator: a thick band), and a tick at the start.
  const [x1, x2] = [px(lane.life.x1), px(lane.life.x2)];
  out.push(
    lane.kind === 'coordinator'
      ? `<rect class="life" x="${x1}" y="${mid - 5}" width="${px(Number(x2) - Number(x1))}" height="10" rx="2" fill="${COLOURS.life}">${tip}</rect>`
      : `<line class="life" x1="${x1}" y1="${mid}" x2="${x2}" y2="${mid}" stroke="${COLOURS.life}" stroke-width="2">${tip}</line>`,
    `<line x1="${x1}" y1="${mid - 7}" x2="${x1}" y2="${mid + 7}" stroke="${lane.isRestart ? COLOURS.cleanExit : '#555'}" stroke-width="2"/>`,
  );
  out.push(...lane.bars.map(drawBar), ...lane.fetches.map(drawFetch));
  for (const s of lane.signals) {
    const colour = s.signal === 'SIGKILL' ? '#000' : s.signal === 'SIGSTOP' ? COLOURS.held : '#00838f';
    out.push(
      `<path class="signal" d="M${px(s.x)} ${mid - 4} l-5 -8 h10 z" fill="${colour}"><title>${escapeMarkup(s.tip)}</title></path>`,
    );
  }
  if (lane.exit) out.push(...drawExit(lane.exit, mid));
  out.push(`</g>`);
  return out;
}

/** A bar: blue for a map, orange for reduces, hatched if failed; outlined if its map ran more than once. */
function drawBar(b: BarMark): string {
  const fill = b.failed ? 'url(#hatch)' : COLOURS[b.phase];
  const fate = `${b.lost ? ' lost' : ''}${b.rerun === 'after a loss' ? ' rerun' : b.rerun === 'again' ? ' again' : ''}`;
  const stroke = b.failed ? ` stroke="${COLOURS.failed}"` : fateOutline(b);
  return `<rect class="bar ${b.phase}${b.failed ? ' failed' : ''}${fate}" x="${px(b.x)}" y="${b.y}" width="${px(b.width)}" height="${b.height}" rx="1.5" fill="${fill}"${stroke}><title>${escapeMarkup(b.tip)}</title></rect>`;
}

/** A lost map fades, dashed; a re-run after the loss has a red outline, any other run again a black one. */
function fateOutline(b: BarMark): string {
  if (b.lost) return ` fill-opacity=".35" stroke="${COLOURS.failed}" stroke-dasharray="3 2"`;
  if (b.rerun === 'after a loss') return ` stroke="${COLOURS.failed}" stroke-width="2"`;
  if (b.rerun === 'again') return ` stroke="#111" stroke-width="1.5"`;
  return '';
}

/** A fetch: a thin mark in its server's colour, red if it failed. */
function drawFetch(fe: FetchMark): string {
  const fill = fe.failed
    ? COLOURS.failed
    : fe.slot !== undefined
      ? SERVER_COLOURS[fe.slot % SERVER_COLOURS.length]
      : UNKNOWN_SERVER;
  return `<rect class="fetch${fe.failed ? ' failed' : ''}" x="${px(fe.x)}" y="${px(fe.y)}" width="${px(fe.width)}" height="${fe.height}" fill="${fill}"><title>${escapeMarkup(fe.tip)}</title></rect>`;
}

/** An exit: a red ✕ (and the count of maps lost with it) for a crash, a green dot for a clean one. */
function drawExit(exit: ExitMark, mid: number): string[] {
  const tip = `<title>${escapeMarkup(exit.tip)}</title>`;
  const x = exit.x;
  if (!exit.crashed) {
    return [`<circle class="exit" cx="${px(x)}" cy="${mid}" r="3.5" fill="${COLOURS.cleanExit}">${tip}</circle>`];
  }
  const out = [
    `<g class="crash"><path d="M${px(x - 5)} ${mid - 5} l10 10 m0 -10 l-10 10" stroke="${COLOURS.failed}" stroke-width="3"/><rect x="${px(x - 6)}" y="${mid - 6}" width="12" height="12" fill="transparent">${tip}</rect></g>`,
  ];
  const lost = exit.lost;
  if (lost) {
    out.push(
      `<text class="lost-count" x="${px(lost.x)}" y="${mid + 4}" text-anchor="${lost.anchor}" fill="${COLOURS.failed}" font-size="11">${escapeMarkup(lost.text)}<title>${escapeMarkup(lost.tip)}</title></text>`,
    );
  }
  return out;
}
