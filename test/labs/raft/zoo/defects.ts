// The zoo: classic Raft bugs, each made as one small edit of the reference
// solution (labs/raft/solution), and the test that must fail it, on its
// recorded seed, for its named reason (the failure's first note).
//
// Each `find` must occur exactly once in its file, so that when the
// solution changes under a defect, the zoo fails loudly instead of grading
// the solution itself. `caught` is how many of ten seeds (zoo-1 ... zoo-10)
// fail the defect for its reason (test/labs/raft/zoo/survey.ts measures it).

export interface Edit {
  file: 'applier.ts' | 'election.ts' | 'log.ts' | 'raft.ts' | 'replication.ts' | 'snapshots.ts' | 'state.ts';
  find: string;
  replace: string;
}

export interface RaftDefect {
  name: string;
  /** What the student got wrong, for the instructors' table. */
  description: string;
  edits: Edit[];
  /** The lab's test that fails it... */
  test: string;
  /** ...on this seed... */
  seed: string;
  /** ...saying this (its first note). A defect failed for another reason is not caught, it is lucky. */
  reason: RegExp;
  /** Course tests that pass it all the same, on the same seed: what the course cannot see. */
  coursePasses?: string[];
  /** Of ten seeds (zoo-1 ... zoo-10), how many fail it for its reason. */
  caught: number;
}

export const DEFECTS: RaftDefect[] = [
  {
    name: 'vote-not-persisted',
    description: 'persist() leaves votedFor out: after a crash the peer may vote again in a term it already voted in.',
    edits: [{ file: 'state.ts', find: '      votedFor: this.votedFor,\n', replace: '      votedFor: NOBODY,\n' }],
    test: 'strict-elections',
    seed: 'zoo-1',
    reason: /^one vote per term: peer \d voted twice in term \d+: .*crashed and restarted in between/,
    caught: 9,
  },
  {
    name: 'vote-persisted-after-reply',
    description:
      'Saves its vote a moment after granting it (setTimeout): a crash right after the reply loses the vote.',
    edits: [
      {
        file: 'election.ts',
        find: '  rf.persist(); // before the reply: a peer that forgot its vote after a crash could vote twice\n',
        replace: '  setTimeout(() => rf.persist(), 0); // saved a moment after the reply has gone\n',
      },
    ],
    test: 'strict-elections',
    seed: 'zoo-1',
    reason: /^one vote per term: peer \d voted twice in term \d+: .*crashed and restarted in between/,
    caught: 2,
  },
  {
    name: 'figure-8',
    description:
      "Commits an earlier term's entry by counting replicas (Figure 8 of the paper): such an entry can still be overwritten.",
    edits: [
      {
        file: 'replication.ts',
        find: 'n > rf.commitIndex && rf.log.term(n) === rf.currentTerm; n--',
        replace: 'n > rf.commitIndex; n--',
      },
    ],
    test: 'figure8',
    seed: 'zoo-1',
    reason: /^(state machine safety|commit index=)/,
    caught: 8,
  },
  {
    name: 'timer-kept-on-vote',
    description:
      'Granting a vote does not restart the election timer: a voter soon stands against the candidate it chose.',
    edits: [
      {
        file: 'election.ts',
        find: '  rf.resetElectionTimer(); // a peer that just voted gives the candidate time to win\n',
        replace: '',
      },
    ],
    test: 'strict-elections',
    seed: 'zoo-1',
    reason: /^election timer: peer \d stood for election \(term \d+\) \d+ ms after it granted its vote/,
    caught: 10,
  },
  {
    name: 'no-step-down-on-reply',
    description: 'A leader that hears a higher term in an AppendEntries reply goes on leading its old term.',
    edits: [
      {
        file: 'replication.ts',
        find: '  if (reply.term > rf.currentTerm) return rf.becomeFollower(reply.term);\n',
        replace: '',
      },
    ],
    test: 'strict-rejoin',
    seed: 'zoo-1',
    reason: /^terms: peer \d heard of term \d+ from peer \d .* yet acted as leader of term \d+/,
    caught: 8,
  },
  {
    name: 'stale-append-accepted',
    description: "Accepts AppendEntries from an older term's leader (no term check).",
    edits: [
      {
        file: 'replication.ts',
        find: '  if (args.term < rf.currentTerm) return refuse(-1, -1); // from a deposed leader, which will step down\n',
        replace: '',
      },
    ],
    test: 'strict-rejoin',
    seed: 'zoo-1',
    reason: /^terms: peer \d, in term \d+, accepted \(success\) an AppendEntries of term \d+/,
    caught: 10,
  },
  {
    name: 'append-truncates',
    description:
      'A matching AppendEntries cuts the log after its entries: a late, shorter one undoes entries the follower acknowledged.',
    edits: [
      {
        file: 'replication.ts',
        find: `  for (let k = 0; k < entries.length; k++) {
    const index = prev + 1 + k;
    if (index <= rf.log.lastIndex && rf.log.term(index) === entries[k].term) continue;
    if (index <= rf.log.lastIndex) rf.log.truncateFrom(index);
    rf.log.append(...entries.slice(k));
    rf.persist();
    break;
  }`,
        replace: `  rf.log.truncateFrom(prev + 1);
  rf.log.append(...entries);
  rf.persist();`,
      },
    ],
    test: 'strict-snapshots',
    seed: 'zoo-2',
    reason: /^(state machine safety|commit index=)/,
    caught: 1,
  },
  {
    name: 'applies-out-of-order',
    description: 'Sends the newly committed commands on applyCh last first.',
    edits: [
      {
        file: 'applier.ts',
        find: `  while (rf.lastApplied < rf.commitIndex) {
    rf.lastApplied++;
    const { command } = rf.log.at(rf.lastApplied);
    rf.applyCh.send({ commandValid: true, command, commandIndex: rf.lastApplied });
  }`,
        replace: `  for (let index = rf.commitIndex; index > rf.lastApplied; index--) {
    rf.applyCh.send({ commandValid: true, command: rf.log.at(index).command, commandIndex: index });
  }
  rf.lastApplied = Math.max(rf.lastApplied, rf.commitIndex);`,
      },
    ],
    test: 'concurrent-starts',
    seed: 'zoo-1',
    reason: /apply out of order/,
    caught: 10,
  },
  {
    name: 'applies-twice',
    description:
      'Applies the last applied command again with every new commit (the course sees no duplicate outside 2D).',
    edits: [
      {
        file: 'applier.ts',
        find: `  while (rf.lastApplied < rf.commitIndex) {
    rf.lastApplied++;
    const { command } = rf.log.at(rf.lastApplied);
    rf.applyCh.send({ commandValid: true, command, commandIndex: rf.lastApplied });
  }`,
        replace: `  if (rf.lastApplied >= rf.commitIndex) return;
  for (let index = Math.max(rf.lastApplied, rf.log.base + 1); index <= rf.commitIndex; index++) {
    rf.applyCh.send({ commandValid: true, command: rf.log.at(index).command, commandIndex: index });
  }
  rf.lastApplied = rf.commitIndex;`,
      },
    ],
    test: 'strict-heartbeats',
    seed: 'zoo-1',
    reason: /^apply order: peer \d applied index \d+ again/,
    coursePasses: ['basic-agree', 'persist1'],
    caught: 10,
  },
  {
    name: 'heartbeats-too-fast',
    description:
      'Sends 25 heartbeats a second (every 40 ms): the course allows 30 a second to each follower, the lab 10.',
    edits: [
      { file: 'replication.ts', find: 'export const HEARTBEAT_MS = 100;', replace: 'export const HEARTBEAT_MS = 40;' },
    ],
    test: 'strict-heartbeats',
    seed: 'zoo-1',
    reason: /^heartbeats: peer \d sent 2[56] RPCs to peer \d within one second/,
    coursePasses: ['count'],
    caught: 10,
  },
  {
    name: 'serial-rpcs',
    description:
      'The leader sends AppendEntries to one follower after another, each after the last one answered: an unreachable follower holds up the rest for seconds.',
    edits: [
      {
        file: 'replication.ts',
        find: `export function broadcastAppend(rf: RaftState): void {
  for (let peer = 0; peer < rf.peers.length; peer++) {
    if (peer !== rf.me) void sendAppend(rf, peer);
  }
}`,
        replace: `export async function broadcastAppend(rf: RaftState): Promise<void> {
  for (let peer = 0; peer < rf.peers.length; peer++) {
    if (peer !== rf.me) await sendAppend(rf, peer);
  }
}`,
      },
      {
        file: 'replication.ts',
        find: '    broadcastAppend(rf);\n    await sleep(HEARTBEAT_MS);',
        replace: '    await broadcastAppend(rf);\n    await sleep(HEARTBEAT_MS);',
      },
    ],
    test: 'fail-agree',
    seed: 'zoo-1',
    reason: /failed to reach agreement/,
    caught: 8,
  },
  {
    name: 'no-fast-backup',
    description: 'After a mismatch the leader backs up one entry per round trip, not a term at a time.',
    edits: [
      {
        file: 'replication.ts',
        find: '  rf.nextIndex[peer] = Math.max(backUp(rf, reply), rf.matchIndex[peer] + 1);',
        replace: '  rf.nextIndex[peer] = Math.max(next - 1, rf.matchIndex[peer] + 1);',
      },
    ],
    test: 'strict-backup',
    seed: 'zoo-1',
    reason: /^catch-up: peers? [\d, ]+ had not applied a new command 2 s after rejoining/,
    coursePasses: ['backup'],
    caught: 10,
  },
  {
    name: 'snapshot-off-by-one',
    description: 'Compacts the log through index - 1 when the service snapshots through index.',
    edits: [
      {
        file: 'snapshots.ts',
        find: '  rf.log.compact(index);\n  rf.snapshot = bytes;',
        replace: '  rf.log.compact(index - 1);\n  rf.snapshot = bytes;',
      },
    ],
    test: 'snapshot-install-crash',
    seed: 'zoo-1',
    reason: /apply out of order|doesn't match m\.snapshotIndex/,
    caught: 10,
  },
  {
    name: 'install-snapshot-not-persisted',
    description: "Installs a leader's snapshot and hands it to the service without saving it.",
    edits: [
      {
        file: 'snapshots.ts',
        find: '  rf.snapshot = args.data;\n  rf.persist();\n',
        replace: '  rf.snapshot = args.data;\n',
      },
    ],
    test: 'strict-snapshots',
    seed: 'zoo-1',
    reason: /^durability: peer \d handed its service the snapshot through index \d+ before saving it/,
    coursePasses: ['snapshot-install', 'snapshot-install-crash'],
    caught: 10,
  },
  {
    name: 'vote-without-log-check',
    description: "Grants its vote without checking that the candidate's log is at least as up to date (section 5.4.1).",
    edits: [{ file: 'election.ts', find: '  if (!free || !upToDate) return', replace: '  if (!free) return' }],
    test: 'strict-agreement',
    seed: 'zoo-1',
    reason: /^(state machine safety|commit index=)/,
    caught: 8,
  },
  {
    name: 'append-not-persisted',
    description: "A follower appends the leader's entries without saving them, and acknowledges them.",
    edits: [
      {
        file: 'replication.ts',
        find: '    rf.log.append(...entries.slice(k));\n    rf.persist();\n    break;',
        replace: '    rf.log.append(...entries.slice(k));\n    break;',
      },
    ],
    test: 'strict-durability',
    seed: 'zoo-2',
    reason: /^(state machine safety|commit index=)/,
    caught: 1,
  },
  {
    name: 'match-from-next-index',
    description:
      "Takes a follower's match index from nextIndex at the reply (not from the AppendEntries it answers): overlapping replies count entries twice, and the leader commits what no majority holds.",
    edits: [
      {
        file: 'replication.ts',
        find: '    const match = args.prevLogIndex + args.entries.length;',
        replace: '    const match = Math.min(rf.nextIndex[peer] - 1 + args.entries.length, rf.log.lastIndex);',
      },
    ],
    test: 'strict-agreement',
    seed: 'zoo-10',
    reason: /^(state machine safety|commit index=)/,
    caught: 1,
  },
  {
    name: 'stale-votes-counted',
    description:
      'A candidate counts votes granted in an earlier election of its own: it may lead a term no majority chose it for.',
    edits: [
      {
        file: 'election.ts',
        find: "if (!reply.voteGranted || rf.role !== 'candidate' || rf.currentTerm !== args.term) return;",
        replace: "if (!reply.voteGranted || rf.role !== 'candidate') return;",
      },
    ],
    test: 'strict-elections',
    seed: 'zoo-1',
    reason: /^election safety: peer \d acted as leader of term \d+ .* but (only peers? [\d, ]+|no peer) voted for it/,
    caught: 3,
  },
  {
    name: 'half-is-majority',
    description: 'Takes half the peers for a majority (2 of 5): two candidates can win one term.',
    edits: [
      { file: 'state.ts', find: 'Math.floor(this.peers.length / 2) + 1', replace: 'Math.floor(this.peers.length / 2)' },
    ],
    test: 'strict-elections',
    seed: 'zoo-1',
    reason: /^election safety: peer \d acted as leader of term \d+ .* but (only peers? [\d, ]+|no peer) voted for it/,
    caught: 10,
  },
];
