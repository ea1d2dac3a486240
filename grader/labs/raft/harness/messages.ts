// Reading a Raft peer's RPCs from the outside, as the strict checks and the
// failure aids do. The messages are the student's own, so they are read by
// Figure 2's names, in any case and with or without underscores
// (term, Term, candidate_id...): an RPC whose method name says AppendEntries,
// RequestVote or InstallSnapshot, and whose fields are the paper's. A field
// that is not there is simply not known; nothing here ever fails a run.

export type RpcKind = 'appendEntries' | 'requestVote' | 'installSnapshot' | 'other';

/** What the checks read of an RPC's args or reply (the paper's fields, when present). */
export interface Fields {
  term?: number;
  candidateId?: number;
  voteGranted?: boolean;
  success?: boolean;
  leaderId?: number;
  prevLogIndex?: number;
  /** How many entries an AppendEntries carries. */
  entries?: number;
  leaderCommit?: number;
  lastLogIndex?: number;
  lastIncludedIndex?: number;
}

const KINDS: [RegExp, RpcKind][] = [
  [/^append_?entries$/i, 'appendEntries'],
  [/^request_?votes?$/i, 'requestVote'],
  [/^install_?snapshot$/i, 'installSnapshot'],
];

/** The kind of an RPC by its method ("Raft.appendEntries", "Raft.AppendEntries"...). */
export function rpcKind(method: string): RpcKind {
  const name = method.slice(method.lastIndexOf('.') + 1);
  return KINDS.find(([re]) => re.test(name))?.[1] ?? 'other';
}

/** The numbers and flags the paper names, keyed as the paper spells them once lowercased. */
const NUMBERS: Record<string, keyof Fields> = {
  term: 'term',
  candidateid: 'candidateId',
  leaderid: 'leaderId',
  prevlogindex: 'prevLogIndex',
  leadercommit: 'leaderCommit',
  lastlogindex: 'lastLogIndex',
  lastincludedindex: 'lastIncludedIndex',
};
const FLAGS: Record<string, keyof Fields> = { votegranted: 'voteGranted', success: 'success' };

/** The paper's fields of an RPC's codec text (an object at its top); {} when it is anything else. */
export function readFields(text: string | null | undefined): Fields {
  if (!text || text[0] !== '{') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {};
  }
  const fields: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const name = key.toLowerCase().replace(/_/g, '');
    const number = NUMBERS[name];
    if (number && typeof v === 'number') fields[number] = v;
    const flag = FLAGS[name];
    if (flag && typeof v === 'boolean') fields[flag] = v;
    if ((name === 'entries' || name === 'log') && Array.isArray(v)) fields.entries = v.length;
  }
  return fields as Fields;
}

/** How an RPC reads in a line of the failure aids: "AE t3 prev=4 +2 c=4", "RV t3", "ok", "granted"... */
export function describeArgs(kind: RpcKind, method: string, f: Fields): string {
  const t = f.term !== undefined ? ` t${f.term}` : '';
  switch (kind) {
    case 'appendEntries': {
      const prev = f.prevLogIndex !== undefined ? ` prev=${f.prevLogIndex}` : '';
      const entries = f.entries ? ` +${f.entries}` : '';
      const commit = f.leaderCommit !== undefined ? ` c=${f.leaderCommit}` : '';
      return `AE${t}${prev}${entries}${commit}`;
    }
    case 'requestVote':
      return `RV${t}${f.lastLogIndex !== undefined ? ` last=${f.lastLogIndex}` : ''}`;
    case 'installSnapshot':
      return `IS${t}${f.lastIncludedIndex !== undefined ? ` @${f.lastIncludedIndex}` : ''}`;
    default:
      return method.slice(method.lastIndexOf('.') + 1);
  }
}

/** A reply as it reads in the aids. */
export function describeReply(kind: RpcKind, f: Fields): string {
  const t = f.term !== undefined ? ` t${f.term}` : '';
  if (kind === 'requestVote' && f.voteGranted !== undefined) return `${f.voteGranted ? 'granted' : 'refused'}${t}`;
  if (kind === 'appendEntries' && f.success !== undefined) return `${f.success ? 'ok' : 'no'}${t}`;
  return `reply${t}`;
}
