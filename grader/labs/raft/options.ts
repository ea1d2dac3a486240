// Raft's own option: where the peers run. Graded runs (the default) start
// a process per peer incarnation behind the wall; --in-process keeps them
// all in the grader's process, which is the quick loop for one's own code.

import type { OptionTable } from '../../../src/kit/args';

export interface RaftOptions {
  inProcess: boolean;
}

export const RAFT_OPTIONS: OptionTable = {
  'in-process': {
    help: "run every peer in the grader's process: faster, for your own code\n(graded runs give each peer a process of its own, behind the sandbox wall)",
  },
};

export function parseRaftOptions(values: Record<string, string | boolean | undefined>): RaftOptions {
  return { inProcess: values['in-process'] === true };
}
