// A peer's world: the clocks and timers a student uses run on virtual time,
// exactly; Math.random is seeded per incarnation and spends no draw of the
// network's; a crash leaves nothing but the persister.

import { decode } from '../../src/labrpc';
import { VIRTUAL_EPOCH_MS } from '../../src/labrpc/runtime/protocol';
import { checkEffects } from '../../grader/sim/effects';
import { bootPeers, simulate, usePeerBuild, type Mode } from './helpers';

const build = usePeerBuild();

describe.each<Mode>(['in-process', 'process'])('%s', (mode) => {
  test('timers, timers/promises, promisify, Date, performance and hrtime run on virtual time, exactly', async () => {
    await simulate({ seed: 'clocks', mode, build: build.dir }, async (sim) => {
      await bootPeers(sim, 'test/sim/fixtures/clocks', 1);
      await sim.sleep(400);
      expect((await sim.invoke('0', 'Raft', 'events')).value).toEqual([
        'immediate 0',
        'zero 1', // Node's rule: a delay under 1 ms is 1 ms
        'timers/promises 42',
        'promisify 50',
        'interval 100',
        'timeout 150.5',
        'interval 200',
        'interval 300',
      ]);
      expect((await sim.invoke('0', 'Raft', 'clocks')).value).toEqual([
        VIRTUAL_EPOCH_MS + 400,
        new Date(VIRTUAL_EPOCH_MS + 400).toISOString(),
        400,
        400e6,
        [0, 400e6],
      ]);
    });
  });

  test('a crash leaves only the persister: module state is fresh, old timers die, Math.random is a new stream', async () => {
    const logs: string[] = [];
    await simulate({ seed: 'crash', mode, build: build.dir, log: (line) => logs.push(line.trim()) }, async (sim) => {
      await bootPeers(sim, 'test/sim/fixtures/module-state', 1);
      for (let i = 0; i < 3; i++) await sim.invoke('0', 'Raft', 'bump');
      const firstDraw = (await sim.invoke('0', 'Raft', 'random')).value;
      await sim.sleep(250);
      sim.crash('0');
      expect(decode(sim.peers.persisted('0').raftstate)).toEqual({ count: 3 });
      expect(await sim.invoke('0', 'Raft', 'loads')).toEqual({ alive: false });
      await sim.sleep(1000);
      await sim.boot('0', ['0->0']);
      expect((await sim.invoke('0', 'Raft', 'loads')).value).toBe(1); // not 2: the module ran afresh
      expect((await sim.invoke('0', 'Raft', 'count')).value).toBe(3);
      expect((await sim.invoke('0', 'Raft', 'random')).value).not.toBe(firstDraw);
      await sim.sleep(150);
    });
    // the first incarnation ticked at 100 and 200 ms and died at 250; the second started at 1250
    expect(logs).toEqual(['0.100000 peer 0: tick 3', '0.200000 peer 0: tick 3', '1.350000 peer 0: tick 3']);
  });
});

test("a peer's draws of Math.random never shift the network's", async () => {
  const lostWhen = async (draws: number) =>
    (
      await simulate({ seed: 'independent', mode: 'in-process', build: build.dir }, async (sim) => {
        await bootPeers(sim, 'test/sim/fixtures/echo', 1);
        await sim.invoke('0', 'Raft', 'draw', draws);
        sim.network.makeEnd('t->0', '0');
        sim.network.enable('t->0', true);
        sim.network.setReliable(false);
        const end = sim.clientEnd('t->0');
        const replies = await Promise.all(
          Array.from({ length: 200 }, (_, i) => end.call('Raft.echo', { text: `${i}` })),
        );
        return replies.map((reply, i) => (reply === null ? i : -1)).filter((i) => i >= 0);
      })
    ).value;
  const few = await lostWhen(1);
  expect(few.length).toBeGreaterThan(20);
  expect(await lostWhen(1000)).toEqual(few);
});

test("effects from a peer's process are checked before the simulator acts on them", () => {
  expect(checkEffects([{ kind: 'timer-set', timer: 1, at: 5 }])).toEqual([{ kind: 'timer-set', timer: 1, at: 5 }]);
  expect(checkEffects({})).toBe('its answer is not a list of effects');
  expect(checkEffects([{ kind: 'rm -rf' }])).toBe('effect 0 is not one the simulator knows');
  expect(checkEffects([{ kind: 'send', call: 1, end: 0.5, method: 'R.m', args: '{}' }])).toBe(
    'effect 0 (send) has a bad end',
  );
  expect(checkEffects([{ kind: 'result', value: 3 }])).toBe('effect 0 (result) has a bad value');
});
