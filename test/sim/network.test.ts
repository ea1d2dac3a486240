// labrpc's fault model in virtual time (raft-lab.md 3.1): delays, losses,
// reordering, unreachable servers and servers that die mid-call, and the
// course's counts. The tester's own ClientEnd calls an echo peer.

import { encodeText } from '../../src/labrpc/codec';
import { LossPlan, type Simulation } from '../../grader/sim';
import { bootPeers, simulate, usePeerBuild } from './helpers';

const ECHO = 'test/sim/fixtures/echo';
const build = usePeerBuild();

/** One echo peer "0" and the tester's end to it, enabled. */
async function echoPeer(sim: Simulation) {
  await bootPeers(sim, ECHO, 1);
  sim.network.makeEnd('t->0', '0');
  sim.network.enable('t->0', true);
  return sim.clientEnd('t->0');
}

/** Sends `count` echoes at once; each one's reply and the virtual ms it took. */
async function burst(sim: Simulation, count: number) {
  const end = sim.clientEnd('t->0');
  const sent = sim.nowMs();
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const reply = await end.call<{ text: string; at: number }>('Raft.echo', { text: `m${i}` });
      return { reply, ms: sim.nowMs() - sent, i };
    }),
  );
}

test('reliable: an RPC is handled and answered at the virtual time it was sent', async () => {
  await simulate({ seed: 'net-reliable', mode: 'in-process', build: build.dir }, async (sim) => {
    const end = await echoPeer(sim);
    await sim.sleep(5);
    expect(await end.call('Raft.echo', { text: 'hi' })).toEqual({ text: 'hi', at: 5 });
    expect(sim.nowMs()).toBe(5);
  });
});

test('a disabled end fails after U(0..7000) ms with long delays, U(0..100) ms without', async () => {
  await simulate({ seed: 'net-disabled', mode: 'in-process', build: build.dir }, async (sim) => {
    await echoPeer(sim);
    sim.network.enable('t->0', false);
    sim.network.setLongDelays(true);
    const long = await burst(sim, 200);
    expect(long.every(({ reply }) => reply === null)).toBe(true);
    const longMs = long.map(({ ms }) => ms);
    expect(Math.max(...longMs)).toBeLessThan(7000);
    expect(Math.max(...longMs) - Math.min(...longMs)).toBeGreaterThan(6000); // spread over the whole range
    expect(longMs.every(Number.isInteger)).toBe(true);
    sim.network.setLongDelays(false);
    const short = (await burst(sim, 200)).map(({ ms }) => ms);
    expect(Math.max(...short)).toBeLessThan(100);
    expect(sim.network.serverCount('0')).toBe(0); // none was dispatched
    expect(sim.network.totalCount()).toBe(400); // but every one was sent
  });
});

test('unreliable: 0-26 ms before delivery, requests and replies each lost with p = 0.1; counts and bytes as the course counts', async () => {
  await simulate({ seed: 'net-unreliable', mode: 'in-process', build: build.dir }, async (sim) => {
    await echoPeer(sim);
    sim.network.setReliable(false);
    const results = await burst(sim, 2000);
    const arrivals = (await sim.invoke('0', 'Raft', 'getArrivals')).value as number[];
    expect(Math.min(...arrivals)).toBe(0);
    expect(Math.max(...arrivals)).toBe(26);
    expect(arrivals.every(Number.isInteger)).toBe(true);
    const lostRequests = 2000 - arrivals.length;
    const answered = results.filter(({ reply }) => reply !== null);
    const lostReplies = arrivals.length - answered.length;
    expect(lostRequests / 2000).toBeGreaterThan(0.08);
    expect(lostRequests / 2000).toBeLessThan(0.12);
    expect(lostReplies / arrivals.length).toBeGreaterThan(0.08);
    expect(lostReplies / arrivals.length).toBeLessThan(0.12);
    for (const { reply, ms } of answered) expect(reply!.at).toBe(ms); // a reply is not delayed
    expect(sim.network.totalCount()).toBe(2000);
    expect(sim.network.serverCount('0')).toBe(arrivals.length);
    const argBytes = results.reduce(
      (sum, { i }) => sum + Buffer.byteLength(encodeText({ text: `m${i}` }, 'a', 'b')),
      0,
    );
    const replyBytes = answered.reduce((sum, { reply }) => sum + Buffer.byteLength(encodeText(reply, 'r', 'b')), 0);
    expect(sim.network.totalBytes()).toBe(argBytes + replyBytes);
  });
});

test('long reordering holds about 2/3 of the replies for 200 + U(0..U(0..2000)) ms, skewed short', async () => {
  await simulate({ seed: 'net-reorder', mode: 'in-process', build: build.dir }, async (sim) => {
    await echoPeer(sim);
    sim.network.setLongReordering(true);
    const held = (await burst(sim, 1500)).map(({ ms }) => ms).filter((ms) => ms > 0);
    expect(held.length / 1500).toBeGreaterThan(0.62);
    expect(held.length / 1500).toBeLessThan(0.71);
    expect(Math.min(...held)).toBeGreaterThanOrEqual(200);
    expect(Math.max(...held)).toBeLessThanOrEqual(2200);
    const median = held.sort((a, b) => a - b)[held.length >> 1];
    expect(median).toBeLessThan(200 + 700); // U(0..U(0..2000)) has its median near 500
  });
});

test('a server that dies while its handler runs: the caller gets null at the next 100 ms check; a blip between checks goes unseen', async () => {
  await simulate({ seed: 'net-dies', mode: 'in-process', build: build.dir }, async (sim) => {
    const end = await echoPeer(sim);
    const blip = end.call('Raft.slow', { ms: 1000 }).then((reply) => ({ reply, at: sim.nowMs() }));
    await sim.sleep(250);
    sim.network.enable('t->0', false);
    await sim.sleep(10);
    sim.network.enable('t->0', true);
    expect(await blip).toEqual({ reply: { at: 1000 }, at: 1000 }); // the checks at 100, 200, ... saw it enabled
    const start = sim.nowMs();
    const crashed = end.call('Raft.slow', { ms: 1000 }).then((reply) => ({ reply, at: sim.nowMs() - start }));
    await sim.sleep(250);
    sim.crash('0');
    expect(await crashed).toEqual({ reply: null, at: 300 });
  });
});

test('a loss plan spares the losses it does not name: they are delivered, and the same plan replays the same run', async () => {
  const run = (losses?: LossPlan) =>
    simulate({ seed: 'net-spare', mode: 'in-process', build: build.dir, losses }, async (sim) => {
      await echoPeer(sim);
      sim.network.setReliable(false);
      return (await burst(sim, 300)).map(({ reply, ms }) => (reply === null ? null : ms));
    });
  const all = new LossPlan();
  const seeds = (await run(all)).value;
  const lost = all.lost.map((loss) => loss.ordinal);
  expect(lost.length).toBeGreaterThan(30); // about 57 of 300 (p = 0.1 each way)
  expect(lost).toEqual(Array.from({ length: all.drawn }, (_, i) => i)); // without a plan's choice, each loss is lost
  expect(seeds.filter((r) => r === null).length).toBe(lost.length);
  expect(all.lost[0].what).toMatch(/^tester -> peer 0: Raft\.echo, its (request|reply) lost \(rpc \d+\)$/);
  expect((await run()).value).toEqual(seeds); // no plan: the seed's run

  const two = () => LossPlan.only([lost[1], lost[3]]);
  const plan = two();
  const spared = (await run(plan)).value;
  expect(plan.lost.map((loss) => loss.ordinal)).toEqual([lost[1], lost[3]]);
  expect(plan.drawn).toBeGreaterThan(2); // the others were drawn, and spared
  expect(spared.filter((r) => r === null).length).toBe(2); // only two calls failed
  expect((await run(two())).value).toEqual(spared); // the same plan, the same run
  expect((await run(LossPlan.only([]))).value.every((r) => r !== null)).toBe(true);
});
