// Lab 2, Raft, as the grader's core knows it: the student's folder, what
// the build stages, the course's tests of 2A-2D (one tier per part), the
// harness (a cluster on the simulator, seeded by the test's seed), and
// what the student release takes. Everything else of the lab is in this
// folder.

import type { Lab } from '../../core/lab';
import { outcomeOfBreach } from '../../core/outcome';
import { keep } from './aids';
import { PeerHosts } from './harness/peer-hosts';
import { RaftTest } from './harness/raft-test';
import { passNotes } from './harness/report';
import { parseRaftOptions, RAFT_OPTIONS, type RaftOptions } from './options';
import { TESTS_2A } from './tiers/2a';
import { TESTS_2B } from './tiers/2b';
import { TESTS_2C } from './tiers/2c';
import { TESTS_2D } from './tiers/2d';
import { TESTS_STRICT } from './tiers/strict';

export const lab: Lab<RaftTest, undefined, RaftOptions> = {
  id: 'raft',
  title: 'Raft',
  order: 2,
  command: 'test-raft',
  about: "Grades a Raft implementation with the course's tests of 2A-2D, in virtual time on a seeded simulator.",
  student: {
    dir: 'src/raft',
    files: ['raft.ts', 'state.ts', 'rpc.ts', 'election.ts', 'replication.ts', 'log.ts', 'applier.ts', 'snapshots.ts'],
    required: ['raft.ts'],
    provided: [],
    kitOwned: ['src/labrpc'],
  },
  build: { stage: ['src/kit', 'src/labrpc'] },
  tiers: [
    { id: '2A', title: '2A (leader election)', tests: TESTS_2A, default: true },
    { id: '2B', title: '2B (log)', tests: TESTS_2B, default: true },
    { id: '2C', title: '2C (persistence)', tests: TESTS_2C, default: true },
    { id: '2D', title: '2D (log compaction)', tests: TESTS_2D, default: true },
    {
      id: 'strict',
      title: 'strict',
      // every event checked, faults drawn from the seed, crashes inside a step, a liveness phase; heartbeats, catch-up
      tests: TESTS_STRICT,
      flag: {
        name: 'strict',
        help: "also run the strict tier (stricter than the course's: invariants checked at every event, crashes between a save and a send, a liveness phase, ten heartbeats a second)",
      },
      strict: true,
    },
  ],
  points: 'grader/labs/raft/points.json',
  testsAtOnce: 2, // virtual time: a verdict does not depend on how busy the machine is
  release: {
    include: ['src/raft/', 'src/labrpc/', 'grader/sim/', 'labs/raft/'], // the simulator and its peers' side
    solutions: ['labs/raft/solution'],
    handout: 'labs/raft/README.md',
    readme: 'labs/raft/STUDENT-README.md',
    scripts: ['test-raft'],
  },
  options: RAFT_OPTIONS,
  parseOptions: parseRaftOptions,
  replayFlags: (options) => (options.losses.only ? [`--losses ${options.losses.only.join(',') || 'none'}`] : []),
  async prepare(setup) {
    const only = setup.options.losses.only;
    if (only)
      setup.notice(
        `--losses: the network loses only ${only.length ? `losses ${only.join(',')}` : 'no message'} of those the ` +
          "seed draws, and delivers the rest: a replay of a shrunk run, not the seed's run as it is graded",
      );
    return undefined;
  },
  harness(test) {
    const { build } = test.setup;
    const hosts = new PeerHosts(test, test.setup.options.inProcess);
    // Peers' messages name the staged files (src/raft/raft.ts): name them as the graded folder's.
    const staged = `${build.studentDir}/`;
    const relabel = (text: string) =>
      build.label === build.studentDir ? text : text.split(staged).join(`${build.label}/`);
    const echo = test.quiet ? undefined : (line: string) => test.print(line);
    return new RaftTest(hosts, test.seed, echo, relabel, test.strict, test.setup.options.losses);
  },
  async finish(h, outcome, test) {
    const broken = await h.stop();
    if (broken) return outcomeOfBreach(broken, outcome);
    // A course test says what the strict checks saw (a strict tier's test failed at the first of it).
    const strictNotes = test.strict ? [] : h.strictNotes();
    const faults = h.faults ? [h.faults.describe()] : [];
    if (outcome.status === 'failed') return { status: 'failed', notes: [...outcome.notes, ...faults, ...strictNotes] };
    if (outcome.status !== 'passed' || !h.figures) return outcome;
    return {
      status: 'passed',
      notes: [...passNotes(h.figures), ...h.notes, ...faults, ...strictNotes, ...outcome.notes],
    };
  },
  keep,
};
