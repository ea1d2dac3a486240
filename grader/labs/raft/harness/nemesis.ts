// The strict tier's faults, drawn from the test's seed (VOPR's and
// FoundationDB's way): how hard a run is (calm, moderate, harsh: the
// network, how often peers are cut off, crashed and restarted), and crashes
// at chosen points inside a peer's step, right after it saved or right after
// it sent or answered something, dropping whatever the step did after that
// point. A Raft that answers before it saves, or saves in a later step,
// loses at such a point what it had already promised; the checks see it.

import { Random, streamSeed, type PeerRef, type StepCutter } from '../../../sim';
import type { Effect, Request } from '../../../../src/labrpc/runtime/protocol';
import type { Cluster } from './cluster';
import { readFields, rpcKind } from './messages';

export interface NemesisOptions {
  /** How much likelier a cut is after a vote, a save or an append than the intensity says (a test's focus). */
  focus?: number;
  /** The peer that leads now, as far as anyone can tell (the strict checks know). */
  leader?: () => number | undefined;
}

export interface Intensity {
  name: 'calm' | 'moderate' | 'harsh';
  reliable: boolean;
  longReordering: boolean;
  /** Virtual ms between two of the nemesis's moves. */
  pauseMs: [number, number];
  /** Chances in 1000, at each move: cut the leader off, cut a connected peer off, reconnect one, crash one, crash the leader. */
  isolateLeader: number;
  partition: number;
  heal: number;
  crash: number;
  crashLeader: number;
  /** Chance in 1000, at each move, that every peer crashes at once (only what they saved survives). */
  crashAll?: number;
  /** Chance in 10000 of a crash right after a save, a vote or an append (less after a heartbeat). */
  cut: number;
  /** How long a crashed peer stays down (ms). */
  downMs: [number, number];
}

export const INTENSITIES: Record<Intensity['name'], Intensity> = {
  calm: {
    name: 'calm',
    reliable: true,
    longReordering: false,
    pauseMs: [200, 1200],
    isolateLeader: 100,
    partition: 100,
    heal: 500,
    crash: 100,
    crashLeader: 100,
    cut: 40,
    downMs: [0, 600],
  },
  moderate: {
    name: 'moderate',
    reliable: false,
    longReordering: false,
    pauseMs: [100, 800],
    isolateLeader: 150,
    partition: 150,
    heal: 400,
    crash: 200,
    crashLeader: 150,
    cut: 100,
    downMs: [0, 400],
  },
  harsh: {
    name: 'harsh',
    reliable: false,
    longReordering: true,
    pauseMs: [50, 500],
    isolateLeader: 150,
    partition: 150,
    heal: 300,
    crash: 200,
    crashLeader: 200,
    cut: 250,
    downMs: [0, 300],
  },
};

/**
 * A test's intensity: the tester's draw, turned by the test's place among
 * those that draw one, so that one seed runs its tests at different
 * intensities (and every test meets each of them over a few seeds).
 */
export function drawIntensity(rand: Random, place: number): Intensity {
  const names = Object.keys(INTENSITIES) as Intensity['name'][];
  return INTENSITIES[names[(rand.int(names.length) + place) % names.length]];
}

export class Nemesis implements StepCutter {
  readonly counts = { cuts: 0, crashes: 0, partitions: 0, restarts: 0 };
  /** Peer → when (virtual ms) it may be restarted. */
  private readonly down = new Map<number, number>();
  /** Cuts draw from a stream of their own: the peers' steps decide when they are asked. */
  private readonly cuts: Random;
  private cutting = false;

  private readonly focus: number;

  constructor(
    private readonly cfg: Cluster,
    readonly intensity: Intensity,
    private readonly options: NemesisOptions = {},
  ) {
    this.focus = options.focus ?? 1;
    this.cuts = new Random(streamSeed(cfg.sim.seed, 'nemesis'));
    cfg.sim.setCutter(this);
  }

  cutAfter(peer: PeerRef, effects: readonly Effect[], k: number, request: Request): boolean {
    if (!this.cutting) return false;
    const weight = this.weight(effects, k, request);
    return weight > 0 && this.cuts.int(10_000) < this.intensity.cut * weight;
  }

  crash(name: string): void {
    const i = Number(name);
    this.cfg.crash(i);
    this.counts.cuts++;
    this.down.set(i, this.cfg.now() + this.drawDown());
  }

  /** Runs the faults for `ms` of virtual time, at the intensity's pace. */
  async run(ms: number): Promise<void> {
    const { cfg, intensity } = this;
    this.begin();
    const end = cfg.now() + ms;
    while (cfg.now() < end) {
      const [min, max] = intensity.pauseMs;
      await cfg.sleep(Math.min(min + cfg.rand.int(max - min), end - cfg.now()));
      await this.revive();
      this.move(cfg.rand.int(1000), cfg.rand.int(cfg.n));
    }
    this.cutting = false;
  }

  /** The network as the intensity says, and cuts from now on (a test that makes its own moves). */
  begin(): void {
    this.cfg.setReliable(this.intensity.reliable);
    this.cfg.setLongReordering(this.intensity.longReordering);
    this.cutting = true;
  }

  /** Restarts (and connects) every crashed peer whose time down is over. */
  async revive(): Promise<void> {
    for (let i = 0; i < this.cfg.n; i++) {
      const due = this.down.get(i);
      if (!this.cfg.alive(i) && (due === undefined || due <= this.cfg.now())) await this.restart(i);
    }
  }

  /** One move of the faults: `draw` (in 1000) says which, `peer` whom (if not the leader). */
  private move(draw: number, peer: number): void {
    const { cfg, intensity } = this;
    if (intensity.crashAll && cfg.rand.int(1000) < intensity.crashAll) {
      for (let i = 0; i < cfg.n; i++) {
        if (!cfg.alive(i)) continue;
        cfg.crash(i);
        this.counts.crashes++;
        this.down.set(i, cfg.now() + this.drawDown());
      }
      return;
    }
    const { isolateLeader, partition, heal, crash, crashLeader } = intensity;
    const leaderMove =
      draw < isolateLeader ||
      (draw >= isolateLeader + partition + heal + crash &&
        draw < isolateLeader + partition + heal + crash + crashLeader);
    if (leaderMove) peer = this.options.leader?.() ?? -1;
    if (peer === -1) return;
    if (draw < isolateLeader + partition) {
      if (cfg.alive(peer) && cfg.isConnected(peer)) {
        cfg.disconnect(peer);
        this.counts.partitions++;
      }
    } else if (draw < isolateLeader + partition + heal) {
      if (cfg.alive(peer) && !cfg.isConnected(peer)) cfg.connect(peer);
    } else if (draw < isolateLeader + partition + heal + crash + crashLeader) {
      if (cfg.alive(peer)) {
        cfg.crash(peer);
        this.counts.crashes++;
        this.down.set(peer, cfg.now() + this.drawDown());
      }
    }
  }

  /**
   * The faults end: the `healthy` peers are up (restarted if they were not)
   * and connected, the others down or cut off; the network is reliable.
   */
  async heal(healthy: number[]): Promise<void> {
    const { cfg } = this;
    this.cutting = false;
    cfg.setReliable(true);
    cfg.setLongReordering(false);
    for (let i = 0; i < cfg.n; i++) {
      if (!healthy.includes(i)) {
        cfg.disconnect(i);
        continue;
      }
      if (!cfg.alive(i)) await this.restart(i);
      cfg.connect(i);
    }
  }

  /** What happened, for a pass's notes: "faults: harsh (unreliable, reordering): 12 crashes, 9 cuts, 20 partitions". */
  describe(): string {
    const { name, reliable, longReordering } = this.intensity;
    const net = [reliable ? 'reliable' : 'unreliable', ...(longReordering ? ['long reordering'] : [])].join(', ');
    const c = this.counts;
    const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
    const crashes = n(c.crashes, 'crash', 'crashes');
    const cuts = `${n(c.cuts, 'crash', 'crashes')} inside a step`;
    return `faults: ${name} (${net}): ${crashes}, ${cuts}, ${n(c.partitions, 'partition', 'partitions')}, ${n(c.restarts, 'restart', 'restarts')}`;
  }

  private async restart(i: number): Promise<void> {
    await this.cfg.restart(i);
    this.cfg.connect(i);
    this.down.delete(i);
    this.counts.restarts++;
  }

  private drawDown(): number {
    const [min, max] = this.intensity.downMs;
    return min + this.cfg.rand.int(max - min + 1);
  }

  /**
   * How likely a cut is right after effects[k]: after a save, or after a
   * vote or an append (an answer or a request), as the intensity says times
   * the focus; after a heartbeat, a tenth; after anything else, never.
   */
  private weight(effects: readonly Effect[], k: number, request: Request): number {
    const effect = effects[k];
    if (effect.kind === 'save') return this.focus;
    let method: string | undefined;
    if (effect.kind === 'send') method = effect.method;
    else if (effect.kind === 'reply' && request.kind === 'request') method = request.method;
    if (method === undefined) return 0;
    const kind = rpcKind(method);
    if (kind === 'requestVote' || kind === 'installSnapshot') return this.focus;
    if (effects.slice(k + 1).some((e) => e.kind === 'save')) return this.focus;
    // a leader's append that carries entries: cut there, it reached some followers and not the others
    if (kind === 'appendEntries' && effect.kind === 'send' && readFields(effect.args).entries) return this.focus;
    return 0.1;
  }
}
