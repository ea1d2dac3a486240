// The log, numbered as Raft numbers it: index 1 holds the first command
// ever started, and index 0 is "before the first", whose term is 0 (an
// AppendEntries or a RequestVote may name it). Keep every translation from
// a Raft index to a place in the array in this file: in 2D the log stops
// starting at 1, and then only this file has to change.

import type { Entry } from './rpc';

export class Log {
  /** The entries: entries[k] has index k + 1. */
  entries: Entry[] = [];

  /** The index of the last entry (0 when the log is empty). */
  get lastIndex(): number {
    return this.entries.length;
  }

  /** The term of the last entry (0 when the log is empty). */
  get lastTerm(): number {
    return this.term(this.lastIndex);
  }

  /** The term of the entry at index; index 0's is 0. */
  term(index: number): number {
    return index === 0 ? 0 : this.at(index).term;
  }

  /** The entry at index, which must be in the log: an index outside it is a bug, and says so. */
  at(index: number): Entry {
    const entry = this.entries[index - 1];
    if (entry === undefined) {
      const held = this.lastIndex === 0 ? 'it is empty' : `it holds 1 to ${this.lastIndex}`;
      throw new RangeError(`log index ${index} is not in the log: ${held}`);
    }
    return entry;
  }

  append(...entries: Entry[]): void {
    this.entries.push(...entries);
  }

  // TODO(2B): what replication needs: the entries from an index on (to
  // send them), and dropping every entry from an index on (a follower's
  // entries that conflict with the leader's).

  // TODO(2D): a snapshot replaces the entries up to some index, and the log
  // then starts after it. Remember that index and its entry's term (term()
  // must still answer for it: it may be an AppendEntries' prevLogIndex),
  // and count every other index from there.
}
