// The log, as Raft indexes it: entry 1 is the first command ever started.
// After a snapshot the entries it covers are gone, so the log remembers
// where it begins (`base`, the snapshot's last index, and `baseTerm`, that
// entry's term) and keeps only the entries after it. Every index below is
// Raft's; only this file knows where an entry sits in the array.

import type { Entry } from './rpc';

export class Log {
  constructor(
    /** The last index the snapshot covers (0 before any snapshot). */
    public base = 0,
    /** The term of the entry at `base` (0 before any snapshot). */
    public baseTerm = 0,
    /** The entries after `base`: entries[k] has index base + 1 + k. */
    public entries: Entry[] = [],
  ) {}

  get lastIndex(): number {
    return this.base + this.entries.length;
  }

  get lastTerm(): number {
    return this.term(this.lastIndex);
  }

  /** The term of the entry at index, which must be between base and lastIndex. */
  term(index: number): number {
    if (index === this.base) return this.baseTerm;
    return this.at(index).term;
  }

  /** The entry at index (after base). */
  at(index: number): Entry {
    const entry = this.entries[index - this.base - 1];
    if (index <= this.base || entry === undefined) {
      throw new RangeError(`log index ${index} is outside (${this.base}, ${this.lastIndex}]`);
    }
    return entry;
  }

  /** The entries from index to the end (index may be just past the end). */
  from(index: number): Entry[] {
    return this.entries.slice(index - this.base - 1);
  }

  append(...entries: Entry[]): void {
    this.entries.push(...entries);
  }

  /** Drops the entries from index on: a follower's log that disagrees with its leader's. */
  truncateFrom(index: number): void {
    this.entries.length = index - this.base - 1;
  }

  /** The first index after base that holds this term (the follower's xIndex). */
  firstIndexOf(term: number, atOrBefore: number): number {
    let index = atOrBefore;
    while (index - 1 > this.base && this.term(index - 1) === term) index--;
    return index;
  }

  /** The last index after base that holds this term, or -1 (the leader's use of xTerm). */
  lastIndexOf(term: number): number {
    for (let index = this.lastIndex; index > this.base; index--) {
      const t = this.term(index);
      if (t === term) return index;
      if (t < term) break; // terms only grow along the log
    }
    return -1;
  }

  /** A snapshot now covers everything up to index: forget those entries. */
  compact(index: number): void {
    const term = this.term(index);
    this.entries = this.from(index + 1);
    this.base = index;
    this.baseTerm = term;
  }

  /** A leader's snapshot replaces the whole log (the follower had nothing after it that agrees). */
  reset(base: number, baseTerm: number): void {
    this.entries = [];
    this.base = base;
    this.baseTerm = baseTerm;
  }
}
