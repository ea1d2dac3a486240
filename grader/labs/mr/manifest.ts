// Lab 1, MapReduce, as the grader's core knows it: where the student works,
// what the build stages, the tiers of tests, the oracle, the harness, and
// what the student release takes. Everything else of the lab is in this
// folder.

import type { Lab } from '../../core/lab';
import { keep } from './aids';
import { finish } from './finish';
import { Job } from './harness/job';
import type { MrTestSpec } from './harness/spec';
import { MR_OPTIONS, MrOptions, parseMrOptions } from './inputs';
import { MrPrepared, prepare } from './prepare';
import { EDGE_TESTS } from './tiers/challenge-edges';
import { LOST_MAP_TESTS } from './tiers/challenge-lost-map';
import { LOCAL_SHUFFLE_TESTS } from './tiers/challenge-shuffle';
import { STRAGGLER_TESTS } from './tiers/challenge-straggler';
import { TWO_HOSTS_TESTS } from './tiers/challenge-two-hosts';
import { COURSE_TESTS } from './tiers/course';
import { DATA_TESTS } from './tiers/data';
import { EXTENDED_TESTS } from './tiers/extended';
import { PROTOCOL_TESTS } from './tiers/protocol';
import { SCHEDULE_TESTS } from './tiers/schedules';
import { SHAPE_TESTS } from './tiers/shapes';

export const lab: Lab<Job, MrPrepared, MrOptions> = {
  id: 'mr',
  title: 'MapReduce',
  order: 1,
  command: 'test-mr',
  about: "Grades a MapReduce implementation with the course's seven tests.",
  student: {
    dir: 'src/mr',
    files: ['coordinator.ts', 'worker.ts', 'rpc.ts', 'mr.proto'],
    required: ['coordinator.ts', 'worker.ts'],
    provided: ['transport.ts', 'challenge.ts'],
    kitOwned: ['src/main', 'src/mrapps', 'test-mr.sh'],
  },
  build: {
    stage: ['src/kit', 'src/main', 'src/mrapps'],
    assets: (name) => name.endsWith('.proto'), // the transport loads mr.proto beside its compiled code
  },
  tiers: [
    { id: 'course', title: "the course's", tests: COURSE_TESTS, default: true },
    {
      id: 'extended',
      title: 'extended',
      // the job's files, unusual data, job shapes, forced schedules, late and repeated events
      tests: [...EXTENDED_TESTS, ...DATA_TESTS, ...SHAPE_TESTS, ...SCHEDULE_TESTS, ...PROTOCOL_TESTS],
      flag: { name: 'extended', help: "also run the extended tier (stricter tests beyond the course's)" },
      strict: true,
    },
    {
      id: 'challenge',
      title: 'challenge',
      // the paper's shuffle, a lost disk, a straggler, two hosts; then the track's edges
      tests: [...LOCAL_SHUFFLE_TESTS, ...LOST_MAP_TESTS, ...STRAGGLER_TESTS, ...TWO_HOSTS_TESTS, ...EDGE_TESTS],
      flag: {
        name: 'challenge',
        help: "run the challenge track's tests (the paper's MapReduce: workers on local disks of their own)\ninstead of the course's; with --extended, every tier",
      },
      alone: true,
      strict: true,
    },
  ],
  points: 'grader/labs/mr/points.json',
  release: {
    include: [
      'src/mr/',
      'src/main/',
      'src/mrapps/',
      'inputs/',
      'labs/mr/',
      'test-mr.sh',
      'scripts/gen-inputs.ts',
      'scripts/inputs/',
      'scripts/bench.ts', // students measure their own implementation too
      'scripts/bench/',
    ],
    solutions: ['labs/mr/solution', 'labs/mr/solution-challenge'],
    handout: 'labs/mr/README.md',
    readme: 'labs/mr/STUDENT-README.md',
    scripts: ['test-mr', 'bench', 'inputs'],
  },
  keptWith: ['inputs'], // a kept test's folder names its inputs as ../inputs/<name>
  options: MR_OPTIONS,
  parseOptions: parseMrOptions,
  prepare,
  harness(test) {
    const spec = test.spec as MrTestSpec;
    const { setup, prepared } = test;
    const ctx = {
      build: setup.build,
      registry: setup.registry,
      inputs: prepared.inputs,
      expected: prepared.expected,
      quiet: test.quiet,
      scale: setup.timeoutScale,
      seed: test.seed,
      scratch: setup.scratch,
      wall: setup.wall,
      lane: test.lane,
      impl: test.impl,
    };
    return new Job(ctx, test.dir, {
      limitMs: spec.limitMs * setup.timeoutScale,
      crashSeeds: spec.crashSeeds,
      foreignTmp: test.strict,
      allowsBackups: spec.allowsBackups,
    });
  },
  finish,
  keep,
};
