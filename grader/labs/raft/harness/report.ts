// What a Raft test says when it ends. A pass prints the course's figures
// under its PASS line (time, peers, RPCs, commands, as the course's
// cfg.end() counts them, the time virtual) and the trace's hash, which the
// same seed reproduces. A failure is the failed check in the course's
// words, then when it failed in virtual time, with which seed, and the
// hash of the trace up to then.

import { SimFailure } from '../../../sim';

export interface Figures {
  virtualMs: number;
  peers: number;
  rpcs: number;
  commands: number;
  traceHash: string;
}

/** How many hex digits of a trace's hash the notes show: plenty to tell runs apart. */
const HASH_DIGITS = 16;

/** "... Passed -- 3.5 s (virtual), 3 peers, 58 RPCs, 0 commands" and the trace's hash. */
export function passNotes(f: Figures): string[] {
  const seconds = (f.virtualMs / 1000).toFixed(1);
  return [
    `... Passed -- ${seconds} s (virtual), ${f.peers} peers, ${f.rpcs} RPCs, ${f.commands} commands`,
    `trace ${f.traceHash.slice(0, HASH_DIGITS)}`,
  ];
}

/** A failed run's diagnosis; `relabel` names the build's files as the student knows them. */
export function failureNotes(failure: SimFailure, relabel: (text: string) => string): string[] {
  const at = (failure.atMs / 1000).toFixed(3);
  const trace = failure.traceHash ? `, trace ${failure.traceHash.slice(0, HASH_DIGITS)}` : '';
  return [
    relabel(failure.message),
    `failed at ${at} s of virtual time, seed ${failure.seed}${trace}`,
    ...failure.notes.map(relabel),
  ];
}
