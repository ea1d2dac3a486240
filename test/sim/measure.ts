// Measures the simulator (not a test): one event's round trip in each mode,
// a restart in process mode, and the events per second of 3-peer elections.
// Usage: npx ts-node --transpile-only test/sim/measure.ts

import { buildPeerCode, ROOT } from './build';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir';
import { InProcessHost, ProcessHost, type PeerHost } from '../../grader/sim';
import { runCluster } from '../../grader/labs/raft/harness/run';
import type { BootSpec } from '../../src/labrpc/runtime/protocol';

const FIXTURE = 'test/sim/fixtures/raft-election';

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function boot(incarnation: number): BootSpec {
  const args = { me: 0, module: FIXTURE };
  return { label: 'peer 0', incarnation, seed: 'm', lab: 'raft', args, ends: 3, raftstate: '', snapshot: '', env: {} };
}

/** Microseconds per getState round trip, after a warm-up. */
async function roundTrip(host: PeerHost, n: number): Promise<number> {
  const peer = await host.start();
  await peer.step({ kind: 'boot', now: 0, boot: boot(1) });
  const invoke = { kind: 'invoke' as const, now: 0, service: 'Raft', method: 'getState', args: '[]' };
  for (let i = 0; i < 500; i++) await peer.step(invoke);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await peer.step(invoke);
  peer.stop();
  return (ms(start) * 1000) / n;
}

/** Milliseconds to get a ready incarnation and boot it: from the spare, and cold. */
async function restart(build: string): Promise<{ spare: number; cold: number }> {
  const options = { build, sourceRoot: ROOT, cpuBudgetMs: 5000 };
  const host = new ProcessHost(options);
  (await host.start()).stop(); // now a spare is starting
  await new Promise((resolve) => setTimeout(resolve, 500)); // ...and ready
  let start = process.hrtime.bigint();
  const fromSpare = await host.start();
  await fromSpare.step({ kind: 'boot', now: 0, boot: boot(2) });
  const spare = ms(start);
  await host.close();
  const cold = new ProcessHost(options);
  start = process.hrtime.bigint();
  const fresh = await cold.start();
  await fresh.step({ kind: 'boot', now: 0, boot: boot(1) });
  const coldMs = ms(start);
  await cold.close();
  return { spare, cold: coldMs };
}

/**
 * 3-peer runs (an election, then 10 s of heartbeats): events per real second
 * and virtual time per real time, of whole runs (boots included) and of
 * the 10 s alone.
 */
async function electionRate(host: PeerHost, seeds: number) {
  const total = { events: 0, virtualMs: 0, wallMs: 0 };
  const steady = { events: 0, virtualMs: 0, wallMs: 0 };
  for (let s = 0; s < seeds; s++) {
    const start = process.hrtime.bigint();
    const run = await runCluster({ n: 3, seed: `rate-${s}`, host, module: FIXTURE }, async (cfg) => {
      await cfg.checkOneLeader();
      const [events, at, wall] = [cfg.sim.events, cfg.now(), process.hrtime.bigint()];
      await cfg.sleep(10_000);
      steady.events += cfg.sim.events - events;
      steady.virtualMs += cfg.now() - at;
      steady.wallMs += ms(wall);
    });
    total.events += run.events;
    total.virtualMs += run.virtualMs;
    total.wallMs += ms(start);
  }
  await host.close();
  const rate = (r: typeof total) =>
    `${Math.round(r.events / (r.wallMs / 1000))} events/s, ${Math.round(r.virtualMs / r.wallMs)}x real time`;
  return `whole runs ${rate(total)} (${Math.round(total.wallMs / seeds)} ms each); heartbeats alone ${rate(steady)}`;
}

async function main(): Promise<void> {
  const build = buildPeerCode(makeTempDir('sim-measure-'));
  try {
    const options = { build, sourceRoot: ROOT, cpuBudgetMs: 5000 };
    console.log(`node ${process.version}`);
    console.log(`round trip, one process: ${(await roundTrip(new InProcessHost(options), 20_000)).toFixed(1)} µs`);
    const processHost = new ProcessHost(options);
    console.log(`round trip, process mode: ${(await roundTrip(processHost, 5_000)).toFixed(1)} µs`);
    await processHost.close();
    const { spare, cold } = await restart(build);
    console.log(`restart, process mode: ${spare.toFixed(1)} ms from the spare, ${cold.toFixed(1)} ms cold`);
    console.log('3-peer elections, one process:', await electionRate(new InProcessHost(options), 10));
    console.log('3-peer elections, process mode:', await electionRate(new ProcessHost({ ...options, spares: 3 }), 5));
  } finally {
    removeTempDir(build);
  }
}

void main();
