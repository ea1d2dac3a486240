// Raft's own options. Where the peers run: graded runs (the default) start
// a process per peer incarnation behind the wall; --in-process keeps them
// all in the grader's process, which is the quick loop for one's own code.
// What a failed run's lost messages were for: --shrink finds the few a
// failure needs, --losses replays a run losing only those.

import { UsageError, type OptionTable } from '../../../src/kit/args';
import type { LossOptions } from './harness/raft-test';

export interface RaftOptions {
  inProcess: boolean;
  losses: LossOptions;
}

export const RAFT_OPTIONS: OptionTable = {
  'in-process': {
    help: "run every peer in the grader's process: faster, for your own code\n(graded runs give each peer a process of its own, behind the sandbox wall)",
  },
  shrink: {
    help: 'shrink a failed run: replay its seed sparing lost messages, and say the few losses the failure needs',
  },
  losses: {
    value: 'LIST',
    help: 'lose only these of the messages the seed loses (numbers from --shrink, or none); the others are delivered',
  },
};

export function parseRaftOptions(values: Record<string, string | boolean | undefined>): RaftOptions {
  const losses: LossOptions = { shrink: values.shrink === true };
  if (typeof values.losses === 'string') losses.only = parseLosses(values.losses);
  return { inProcess: values['in-process'] === true, losses };
}

/** "3,17,40" or "none": the ordinals of the losses to lose. */
function parseLosses(text: string): number[] {
  if (text.trim() === 'none') return [];
  const words = text.split(',').map((w) => w.trim());
  if (!words.every((w) => /^\d{1,9}$/.test(w)))
    throw new UsageError(
      `--losses: expected numbers separated by commas (as --shrink prints them), or none; got "${text}"`,
    );
  return [...new Set(words.map(Number))].sort((a, b) => a - b);
}
