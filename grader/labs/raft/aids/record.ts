// What a failing run teaches, recorded as it runs (every cluster is watched,
// so a failure has it): a row per peer event with its virtual time (what
// the peer sent, answered, heard or lost, applied, saved and printed; its
// crashes and restarts; the tester's actions) and the peer's state after it
// when that changed (view.ts); and, for the timeline, each peer's role over
// time, its crashes, cuts, elections and disconnections, and the commits.

import { describeArgs, describeReply } from '../harness/messages';
import type { RaftEvent } from '../harness/watch';
import { PeerViews, type Role } from './view';

/** Rows kept (the last ones): enough for the seconds before a failure. */
const MAX_ROWS = 20_000;
/** Marks and commits kept (the first ones). */
const MAX_MARKS = 20_000;

export interface Row {
  /** Virtual microseconds. */
  at: number;
  /** The peer's column, or -1 for the tester's. */
  peer: number;
  kind: 'event' | 'state' | 'say';
  text: string;
  /** The peer's role just after. */
  role?: Role;
}

export interface Span {
  peer: number;
  role: Role;
  term?: number;
  from: number;
  to?: number;
}

export interface Mark {
  at: number;
  peer: number;
  kind: 'crash' | 'cut' | 'boot' | 'stand' | 'disconnect' | 'connect';
  text: string;
}

export interface Commit {
  at: number;
  index: number;
  peer: number;
  command: string;
}

export class Recorder {
  readonly views: PeerViews;
  readonly rows: Row[] = [];
  /** Rows left out at the start (only the last MAX_ROWS are kept). */
  droppedRows = 0;
  readonly spans: Span[] = [];
  readonly marks: Mark[] = [];
  readonly commits: Commit[] = [];
  /** Tester actions on the network: "reliable false", ... */
  readonly notes: { at: number; text: string }[] = [];
  private readonly open: (Span | undefined)[];
  private readonly states: string[];
  private readonly committed = new Set<number>();
  /** Each peer's last candidacy marked. */
  private readonly stood: string[] = [];
  endUs = 0;

  constructor(readonly n: number) {
    this.views = new PeerViews(n);
    this.open = new Array<Span | undefined>(n).fill(undefined);
    this.states = new Array<string>(n).fill('down');
  }

  on(e: RaftEvent): void {
    this.endUs = Math.max(this.endUs, e.at);
    if (e.type === 'note') return this.noted(e.at, e.kind, e.detail);
    const changed = this.views.on(e);
    const text = rowText(e);
    if (text !== undefined && 'peer' in e)
      this.row({ at: e.at, peer: e.peer, kind: e.type === 'log' ? 'say' : 'event', text });
    if (e.type === 'crash') this.mark(e.at, e.peer, 'crash', 'crashed');
    if (e.type === 'boot') this.mark(e.at, e.peer, 'boot', `restarted (incarnation ${e.incarnation})`);
    if (e.type === 'send' && e.info.kind === 'requestVote') {
      const text = `stood for term ${e.info.args.term ?? '?'}`;
      if (this.stood[e.peer] !== text) this.mark(e.at, e.peer, 'stand', text);
      this.stood[e.peer] = text;
    }
    if (e.type === 'apply') this.applied(e.at, e.peer, e.msg);
    for (const i of changed) this.stateOf(e.at, i);
  }

  /** The end of the run: every span closed. */
  end(atUs: number): void {
    this.endUs = Math.max(this.endUs, atUs);
    for (const span of this.open) if (span && span.to === undefined) span.to = this.endUs;
  }

  private noted(at: number, kind: string, detail: string): void {
    if (kind === 'connect' || kind === 'disconnect') {
      const peer = Number(detail);
      this.mark(at, peer, kind, kind === 'connect' ? 'connected' : 'disconnected');
      return this.row({ at, peer: -1, kind: 'event', text: `${kind} ${peer}` });
    }
    if (kind === 'cut') {
      const [peer, ...where] = detail.split(' ');
      this.mark(at, Number(peer), 'cut', `crashed inside a step, ${where.join(' ')}`);
      return this.row({ at, peer: Number(peer), kind: 'event', text: `crash mid-step ${where.join(' ')}` }); // not a disconnection
    }
    this.notes.push({ at, text: `${kind} ${detail}` });
    this.row({ at, peer: -1, kind: 'event', text: `${kind} ${detail}` });
  }

  private applied(at: number, peer: number, msg: Record<string, unknown>): void {
    const index = msg.commandValid === true ? msg.commandIndex : undefined;
    if (typeof index !== 'number' || this.committed.has(index) || this.commits.length >= MAX_MARKS) return;
    this.committed.add(index);
    this.commits.push({ at, index, peer, command: short(JSON.stringify(msg.command) ?? '') });
  }

  /** The peer's state after an event: a state row and a new span when it changed. */
  private stateOf(at: number, i: number): void {
    const state = this.views.describe(i);
    if (state === this.states[i]) return;
    this.states[i] = state;
    const { role, term } = this.views.peers[i];
    this.row({ at, peer: i, kind: 'state', text: state, role });
    const open = this.open[i];
    if (open && open.role === role && open.term === term) return;
    if (open) open.to = at;
    const span: Span = { peer: i, role, term, from: at };
    this.open[i] = span;
    if (this.spans.length < MAX_MARKS) this.spans.push(span);
  }

  private mark(at: number, peer: number, kind: Mark['kind'], text: string): void {
    if (this.marks.length < MAX_MARKS) this.marks.push({ at, peer, kind, text });
  }

  private row(row: Row): void {
    this.rows.push(row);
    if (this.rows.length > 2 * MAX_ROWS) {
      const cut = this.rows.length - MAX_ROWS;
      this.rows.splice(0, cut);
      this.droppedRows += cut;
    }
  }
}

/** An event as its row says it; undefined for events with no row of their own. */
function rowText(e: RaftEvent): string | undefined {
  switch (e.type) {
    case 'send':
      return `→${e.info.to} ${describeArgs(e.info.kind, e.info.method, e.info.args)}`;
    case 'reply':
      return `${e.info.from}→ ${describeArgs(e.info.kind, e.info.method, e.info.args)}: ${describeReply(e.info.kind, e.reply)}`;
    case 'returned':
      return e.reply ? `⇠${e.info.to} ${describeReply(e.info.kind, e.reply)}` : `✗${e.info.to} ${e.why}`;
    case 'apply': {
      const m = e.msg;
      if (m.commandValid === true) return `apply ${String(m.commandIndex)}: ${short(JSON.stringify(m.command) ?? '')}`;
      return `apply snapshot through ${String(m.snapshotIndex)}`;
    }
    case 'save':
      return `save ${e.raftBytes} B${e.snapshotBytes ? ` + snapshot ${e.snapshotBytes} B` : ''}`;
    case 'log':
      return e.text;
    case 'call':
      return `${e.method}() → ${short(JSON.stringify(e.value) ?? 'nothing')}`;
    case 'boot':
      return `boot (incarnation ${e.incarnation})`;
    case 'crash':
      return 'crash';
    default:
      return undefined;
  }
}

function short(text: string): string {
  return text.length > 24 ? `${text.slice(0, 21)}...` : text;
}
