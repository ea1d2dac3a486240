// Runs one misbehaving peer in one process, outside jest (jest's own handler
// of unhandled rejections would see the peer's first), and prints how the
// run failed as JSON. Usage: trap-in-process.ts <build> <method>

import { SimFailure } from '../../../grader/sim';
import { bootPeers, simulate } from '../helpers';

const [build, method] = process.argv.slice(2);

simulate({ seed: `trap-${method}`, mode: 'in-process', build, cpuBudgetMs: 1000 }, async (sim) => {
  await bootPeers(sim, 'test/sim/fixtures/misbehave', 1);
  await sim.invoke('0', 'Raft', method);
  await sim.sleep(100);
}).then(
  () => console.log(JSON.stringify({ passed: true })),
  (error: unknown) => {
    const failure = error instanceof SimFailure ? error : new SimFailure(String(error));
    console.log(JSON.stringify({ message: failure.message, atMs: failure.atMs, seed: failure.seed }));
  },
);
