// The trace: every event and effect of a run, one line each (virtual time,
// kind, who, details), folded into a SHA-256 as it goes. Two runs with the
// same hash did the same things in the same order at the same virtual
// times: this is what proves a run deterministic. The last lines are kept
// for diagnosis.

import { createHash, hash, type Hash } from 'crypto';

export class Trace {
  private readonly hash: Hash = createHash('sha256');
  private readonly tail: string[] = [];
  private count = 0;
  private oldest = 0; // where the ring starts, once full

  /** keep: how many of the last lines to keep (Infinity keeps all). */
  constructor(private readonly keep = 2000) {}

  record(atUs: number, kind: string, who: string, detail = ''): void {
    const line = `${atUs} ${kind} ${who}${detail ? ` ${detail}` : ''}`;
    this.hash.update(line);
    this.hash.update('\n');
    this.count++;
    if (this.tail.length < this.keep) {
      this.tail.push(line);
    } else if (this.keep > 0) {
      this.tail[this.oldest] = line;
      this.oldest = (this.oldest + 1) % this.keep;
    }
  }

  /** The hash of every line so far (hex). */
  digest(): string {
    return this.hash.copy().digest('hex');
  }

  get lines(): number {
    return this.count;
  }

  /** The last lines kept. */
  last(n = this.keep): string[] {
    return [...this.tail.slice(this.oldest), ...this.tail.slice(0, this.oldest)].slice(-n);
  }
}

/** A payload's short hash in a trace line (#1a2b3c4d): native, so a large persisted state costs little. */
export function payloadHash(text: string): string {
  return hash('sha1', text).slice(0, 8);
}
