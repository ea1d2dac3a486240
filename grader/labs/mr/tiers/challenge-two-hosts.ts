// The challenge track's two hosts (--challenge): the local shuffle across
// two "machines", network namespaces joined by a link (sandbox/netns.ts),
// everything over TCP with the run's token. Skipped, saying why, where
// namespaces cannot be made.

import * as crypto from 'crypto';
import { TestSkipped } from '../../../core/outcome';
import { deleteNetnsPair, makeNetnsPair, probeNetns } from '../../../sandbox/netns';
import { checkFetchedFromEveryMapper, checkLocality, withChallengeHints } from '../harness/challenge-checks';
import { checkNoWorkerFailed, checkSameAsSequential } from '../harness/checks';
import type { Job } from '../harness/job';
import { defineTests } from '../harness/spec';

const WORKERS = 3;

export const TWO_HOSTS_TESTS = defineTests([
  // wc on two "hosts" (network namespaces joined by a link, sandbox/netns.ts):
  // the coordinator and worker 1 on one, workers 2 and 3 on the other. The
  // workers serve each other over TCP, with the run's token. The output is
  // mrsequential's, every intermediate file a worker opened was on its own
  // disk, and every reducer fetched from each worker that ran maps: across
  // the link where they are on different hosts. Skipped, saying why, where
  // namespaces cannot be made (they need root and iproute2).
  {
    id: 'two-hosts',
    name: 'two hosts',
    app: 'wc',
    limitMs: 60_000,
    run: twoHosts,
  },
]);

/** The ports of the two-hosts test: each host is a namespace of its own, so no other program can hold them. */
const COORDINATOR_PORT = 7777;
const WORKER_PORT = 7800; // + the worker's number

async function twoHosts(job: Job): Promise<void> {
  const why = probeNetns();
  if (why) throw new TestSkipped(`skipped: the two hosts are network namespaces, and ${why}`);
  const lane = job.ctx.lane;
  const hosts = makeNetnsPair(`ha${lane}`, `hb${lane}`, '10.213.0', 0);
  for (const ns of [hosts.a, hosts.b]) job.ctx.wall.tell({ netns: ns });
  try {
    const token = crypto.randomBytes(16).toString('hex');
    job.startCoordinator({
      endpoint: `${hosts.addressA}:${COORDINATOR_PORT}`,
      host: hosts.a,
      env: { MR_TOKEN: token },
    });
    await job.waitListening();
    const placement = [hosts.a, hosts.b, hosts.b];
    const addresses = [hosts.addressA, hosts.addressB, hosts.addressB];
    for (let i = 0; i < WORKERS; i++) {
      job.startWorker(
        'wc',
        { MR_TOKEN: token },
        { challenge: true, host: placement[i], serveOn: `${addresses[i]}:${WORKER_PORT + i + 1}` },
      );
    }
    await withChallengeHints(job, async () => {
      await job.waitCoordinator();
      checkLocality(job);
      checkSameAsSequential(job, 'wc');
      await job.settle();
    });
    checkNoWorkerFailed(job, 'nothing crashes in it');
    checkFetchedFromEveryMapper(job);
  } finally {
    await job.stop(); // no process may be left in a namespace when it goes
    deleteNetnsPair(hosts);
    for (const ns of [hosts.a, hosts.b]) job.ctx.wall.tell({ forgetNetns: ns });
  }
}
