// A lab's tests as the core sees them: in the lab's order, tier by tier,
// each with a qualified id ("mr/wc") and the tier that holds it; and which
// of them a command line chooses.

import { UsageError } from '../../src/kit/args';
import type { Lab, TestSpec, Tier } from './lab';

export interface Entry {
  /** "mr/wc" */
  readonly id: string;
  readonly spec: TestSpec;
  readonly tier: Tier;
}

export class Catalog {
  readonly entries: readonly Entry[];

  constructor(readonly lab: Lab) {
    const entries: Entry[] = [];
    for (const tier of lab.tiers) {
      for (const spec of tier.tests) entries.push({ id: `${lab.id}/${spec.id}`, spec, tier });
    }
    const seen = new Set<string>();
    for (const e of entries) {
      if (seen.has(e.id)) throw new Error(`${lab.id}: two tests have the id ${e.spec.id}`);
      seen.add(e.id);
    }
    this.entries = entries;
  }

  /** The lab's own ids ("wc"), in order. */
  get ids(): string[] {
    return this.entries.map((e) => e.spec.id);
  }

  entry(id: string): Entry {
    const e = this.entries.find((x) => x.id === id || x.spec.id === id);
    if (!e) throw new Error(`${this.lab.id} has no test ${id}`);
    return e;
  }

  tier(id: string): Tier {
    const t = this.lab.tiers.find((x) => x.id === id);
    if (!t)
      throw new UsageError(
        `--tiers: ${this.lab.id} has no tier "${id}" (tiers: ${this.lab.tiers.map((x) => x.id).join(', ')})`,
      );
    return t;
  }

  /**
   * The tests a command line chooses. `only` names exactly the tests to run (of any tier); otherwise the
   * chosen tiers' tests minus `skip`. With no tier chosen, the default tiers; tiers chosen by their flags add
   * to the default ones, unless every one chosen runs alone; `exact` tiers (--tiers) are exactly those.
   */
  select(choice: { only?: string[]; skip?: string[]; flags?: string[]; exact?: string[] }): Entry[] {
    if (choice.only) {
      const wanted = choice.only.map((name) => this.resolve('--only', name));
      return this.entries.filter((e) => wanted.includes(e.id));
    }
    const skip = (choice.skip ?? []).map((name) => this.resolve('--skip', name));
    let tiers: Tier[];
    if (choice.exact?.length) tiers = choice.exact.map((id) => this.tier(id));
    else {
      const flagged = this.lab.tiers.filter((t) => t.flag && choice.flags?.includes(t.flag.name));
      const defaults = this.lab.tiers.filter((t) => t.default);
      tiers = flagged.length && flagged.every((t) => t.alone) ? flagged : [...defaults, ...flagged];
    }
    return this.entries.filter((e) => tiers.includes(e.tier) && !skip.includes(e.id));
  }

  /** A test named on the command line ("wc" or "mr/wc"), as its qualified id. */
  resolve(option: string, name: string): string {
    const e = this.entries.find((x) => x.id === name || x.spec.id === name);
    if (!e) throw new UsageError(`${option}: unknown test "${name}" (tests: ${this.ids.join(', ')})`);
    return e.id;
  }
}
