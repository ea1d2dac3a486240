// Shrinking a failed run to the few lost messages it needs. The seed stays;
// the run is replayed sparing some of the network's losses (sim/losses.ts),
// and a replay that fails the same check (the same words, whatever their
// numbers) keeps the spared ones spared. First every loss is spared; then
// the shortest prefix of the losses that still fails is found by bisection;
// then each loss left is spared in turn, the last first. What is left is a
// run a student can read: the same bug, with a handful of faults.

import { LossPlan, SimFailure, type Loss } from '../../../sim';

/** Replays of the scenario a shrink may take (each a whole run of the test, in virtual time). */
export const SHRINK_RUNS = 40;

export interface Shrunk {
  /** The losses of the shrunk run, which still fails the same check. */
  kept: Loss[];
  /** How many losses the failed run had. */
  from: number;
  /** Replays it took. */
  runs: number;
  /** The shrunk run's failure. */
  failure: SimFailure;
}

/** The same failed check: the same words, whatever the numbers in them. */
export function sameCheck(a: string, b: string): boolean {
  const shape = (message: string) => message.replace(/\d+(\.\d+)?/g, '#');
  return shape(a) === shape(b);
}

/**
 * Shrinks a failed run, whose network followed `plan`, by replaying it
 * (`replay` runs the scenario with a plan, and gives its failure, if it
 * failed). Undefined when the run lost no message: there is nothing to spare.
 */
export async function shrinkLosses(
  failed: { failure: SimFailure; plan: LossPlan },
  replay: (plan: LossPlan) => Promise<SimFailure | undefined>,
  budget = SHRINK_RUNS,
): Promise<Shrunk | undefined> {
  let best = { plan: failed.plan, failure: failed.failure };
  const from = best.plan.lost.length;
  if (from === 0) return undefined;
  let runs = 0;
  /** Replays losing only `ordinals`; keeps the replay as the best if it fails the same check. */
  const fails = async (ordinals: number[]): Promise<boolean> => {
    runs++;
    const plan = LossPlan.only(ordinals);
    const failure = await replay(plan);
    if (!failure || !sameCheck(failure.message, failed.failure.message)) return false;
    best = { plan, failure };
    return true;
  };

  let kept = best.plan.lost.map((loss) => loss.ordinal);
  if (await fails([])) kept = [];
  // the shortest prefix that fails: kept.slice(0, lo) is not known to, kept.slice(0, hi) does
  let [lo, hi] = [0, kept.length];
  while (hi - lo > 1 && runs < budget) {
    const mid = (lo + hi) >> 1;
    if (await fails(kept.slice(0, mid))) hi = mid;
    else lo = mid;
  }
  kept = kept.slice(0, hi);
  for (let i = kept.length - 1; i >= 0 && runs < budget; i--) {
    const without = kept.filter((_, j) => j !== i);
    if (await fails(without)) kept = without;
  }
  // best is the replay of `kept`: its losses are those of kept its run drew (it may end before the others)
  return { kept: best.plan.lost, from, runs, failure: best.failure };
}

/** The shrink in words, under the failure: which losses it needs, and how to replay that run. */
export function shrinkNotes(shrunk: Shrunk | undefined, replaying: boolean): string[] {
  if (!shrunk) return ['--shrink: this run lost no message, so there is nothing to spare'];
  const { kept, from, runs } = shrunk;
  const ordinals = kept.map((loss) => loss.ordinal).join(',');
  const at = (loss: Loss) => `${(loss.atUs / 1e6).toFixed(3)} s`;
  const head =
    kept.length === 0
      ? `--shrink (${runs} replays): the same check fails with none of the run's ${from} lost messages lost`
      : `--shrink (${runs} replays): the same check fails with only ${kept.length} of the run's ${from} lost messages lost:`;
  const again = replaying ? 'the replay command below, its --losses replaced by' : 'the replay command below, with';
  return [
    head,
    ...kept.map((loss) => `  loss ${loss.ordinal}: ${loss.what}, at ${at(loss)}`),
    `  replay that run: ${again} --losses ${kept.length ? ordinals : 'none'} (and --keep, for its aids)`,
    `  it fails at ${(shrunk.failure.atMs / 1000).toFixed(3)} s: ${shrunk.failure.message}`,
  ];
}
