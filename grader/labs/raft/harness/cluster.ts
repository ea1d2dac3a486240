// The course's Raft tester config, over the simulator: n peers running the
// student's Raft, the tester's view of who is connected, the applier, and
// the checks the tests are written with (checkOneLeader, one, wait, ...).
// Behaviour and messages follow the course's config (raft-lab.md 2.1, 3.3);
// every wait is in virtual time. A failed check throws a SimFailure, which
// carries the virtual time and the seed. run.ts runs a scenario on one.

import { decodeText, encodeText } from '../../../../src/labrpc/codec';
import { SimFailure, type PeerHost, type Random, type Simulation } from '../../../sim';
import { Applier } from './applier';
import * as C from './constants';
import { isTuple, show } from './values';

export interface ClusterOptions {
  n: number;
  seed: string;
  host: PeerHost;
  /** false: the unreliable network (delays, losses). */
  reliable?: boolean;
  /** 2D: the snapshotting applier. */
  snapshots?: boolean;
  /** The student's Raft module, from the build's root. */
  module?: string;
  log?: (line: string) => void;
  traceLines?: number;
}

export class Cluster {
  readonly n: number;
  /** The tester's draws, seeded: which peer to crash, how long to sleep... */
  readonly rand: Random;
  private readonly connected: boolean[];
  /** ends[i][j]: the name of peer i's end to peer j (fresh at every restart). */
  private readonly ends: string[][];
  private readonly restarts: number[];
  private readonly applier: Applier;

  private constructor(
    readonly sim: Simulation,
    options: ClusterOptions,
  ) {
    this.n = options.n;
    this.rand = sim.random;
    this.connected = new Array<boolean>(this.n).fill(false);
    this.ends = Array.from({ length: this.n }, () => []);
    this.restarts = new Array<number>(this.n).fill(0);
    this.applier = new Applier(this.n, options.snapshots ?? false, {
      fail: (message) => sim.fail(message),
      snapshot: (i, index, bytes) => void this.sim.invoke(this.name(i), 'Raft', 'snapshot', index, bytes),
    });
    sim.peers.onApply((peer, msg) => this.applier.applied(Number(peer), msg));
  }

  /** The course's make_config: every peer started and connected; long delays on, as in the Raft tests. */
  static async start(sim: Simulation, options: ClusterOptions): Promise<Cluster> {
    const cluster = new Cluster(sim, options);
    sim.network.setLongDelays(true);
    cluster.setReliable(options.reliable ?? true);
    for (let i = 0; i < cluster.n; i++) {
      const module = options.module ?? 'src/raft/raft';
      sim.addPeer(cluster.name(i), { label: `peer ${i}`, lab: 'raft', args: { me: i, module } });
      await cluster.restart(i);
    }
    for (let i = 0; i < cluster.n; i++) cluster.connect(i);
    return cluster;
  }

  /** Attaches peer i to the network: its ends to connected peers and theirs to it. */
  connect(i: number): void {
    this.sim.note('connect', String(i));
    this.connected[i] = true;
    for (let j = 0; j < this.n; j++) {
      if (!this.connected[j]) continue;
      this.enable(this.ends[i][j], true);
      this.enable(this.ends[j][i], true);
    }
  }

  /** Detaches peer i: its ends and the ends to it are disabled. */
  disconnect(i: number): void {
    this.sim.note('disconnect', String(i));
    this.connected[i] = false;
    for (let j = 0; j < this.n; j++) {
      this.enable(this.ends[i][j], false);
      this.enable(this.ends[j][i], false);
    }
  }

  /** Crashes peer i: disconnected, stopped; it keeps only what it persisted. */
  crash(i: number): void {
    this.disconnect(i);
    this.sim.crash(this.name(i));
  }

  /** Starts a fresh peer i from its persisted state (crashing the old one); still disconnected. */
  async restart(i: number): Promise<void> {
    if (this.alive(i)) this.crash(i);
    const incarnation = ++this.restarts[i];
    this.ends[i] = Array.from({ length: this.n }, (_, j) => `${i}.${incarnation}->${j}`);
    this.ends[i].forEach((end, j) => this.sim.network.makeEnd(end, this.name(j)));
    this.applier.restarted(i, this.sim.peers.persisted(this.name(i)).snapshot);
    await this.sim.boot(this.name(i), this.ends[i]);
  }

  alive(i: number): boolean {
    return this.sim.peers.alive(this.name(i));
  }

  isConnected(i: number): boolean {
    return this.connected[i];
  }

  setReliable(reliable: boolean): void {
    this.sim.note('reliable', String(reliable));
    this.sim.network.setReliable(reliable);
  }

  setLongReordering(longReordering: boolean): void {
    this.sim.note('long-reordering', String(longReordering));
    this.sim.network.setLongReordering(longReordering);
  }

  sleep(ms: number): Promise<void> {
    return this.sim.sleep(ms);
  }

  /** Virtual milliseconds since the cluster started. */
  now(): number {
    return this.sim.nowMs();
  }

  /** rf.Start(cmd) on peer i: [index, term, isLeader], or null if it is down. */
  async start(i: number, command: unknown): Promise<[number, number, boolean] | null> {
    const { alive, value } = await this.sim.invoke(this.name(i), 'Raft', 'start', command);
    if (!alive) return null;
    if (!isTuple(value, ['number', 'number', 'boolean']))
      this.fail(`peer ${i}: start() returned ${show(value)}; it must return [index, term, isLeader]`);
    return value as [number, number, boolean];
  }

  /** rf.GetState() on peer i: [term, isLeader], or null if it is down. */
  async getState(i: number): Promise<[number, boolean] | null> {
    const { alive, value } = await this.sim.invoke(this.name(i), 'Raft', 'getState');
    if (!alive) return null;
    if (!isTuple(value, ['number', 'boolean']))
      this.fail(`peer ${i}: getState() returned ${show(value)}; it must return [term, isLeader]`);
    return value as [number, boolean];
  }

  /** The leader of the highest term among connected peers; fails if a term has two, or none is found. */
  async checkOneLeader(): Promise<number> {
    for (let poll = 0; poll < C.LEADER_POLLS; poll++) {
      await this.sleep(C.LEADER_POLL_MS + this.rand.int(C.LEADER_POLL_JITTER_MS));
      const leaders = new Map<number, number[]>();
      for (const i of this.connectedPeers()) {
        const state = await this.getState(i);
        if (state?.[1]) leaders.set(state[0], [...(leaders.get(state[0]) ?? []), i]);
      }
      let lastTerm = -1;
      for (const [term, ids] of leaders) {
        if (ids.length > 1) this.fail(`term ${term} has ${ids.length} (>1) leaders`);
        lastTerm = Math.max(lastTerm, term);
      }
      if (leaders.size > 0) return leaders.get(lastTerm)![0];
    }
    return this.fail('expected one leader, got none');
  }

  /** The term all connected peers agree on. */
  async checkTerms(): Promise<number> {
    let term = -1;
    for (const i of this.connectedPeers()) {
      const state = await this.getState(i);
      if (!state) continue;
      if (term === -1) term = state[0];
      else if (term !== state[0]) this.fail('servers disagree on term');
    }
    return term;
  }

  /** No connected peer thinks it is the leader. */
  async checkNoLeader(): Promise<void> {
    for (const i of this.connectedPeers()) {
      if ((await this.getState(i))?.[1])
        this.fail(`expected no leader among connected servers, but ${i} claims to be leader`);
    }
  }

  /** How many peers applied index, and its command (all must agree). */
  nCommitted(index: number): [number, unknown] {
    const { count, command } = this.applier.committed(index);
    return [count, command === undefined ? undefined : decodeText(command)];
  }

  /**
   * Submits cmd (to whichever connected peer accepts it) until at least
   * `expected` peers applied it; the index. Without retry, one failed
   * round of agreement fails the test.
   */
  async one(command: unknown, expected: number, retry: boolean): Promise<number> {
    const started = this.now();
    let next = 0;
    const wanted = encodeText(command, 'command', 'the tester');
    while (this.now() - started < C.ONE_LIMIT_MS) {
      let index = -1;
      for (let tried = 0; tried < this.n && index === -1; tried++) {
        next = (next + 1) % this.n;
        if (!this.connected[next]) continue;
        const reply = await this.start(next, command);
        if (reply?.[2]) index = reply[0];
      }
      if (index === -1) {
        await this.sleep(C.ONE_RETRY_MS);
        continue;
      }
      const submitted = this.now();
      while (this.now() - submitted < C.ONE_AGREEMENT_MS) {
        const { count, command: applied } = this.applier.committed(index);
        if (count > 0 && count >= expected && applied === wanted) return index;
        await this.sleep(C.ONE_POLL_MS);
      }
      if (!retry) this.fail(`one(${show(command)}) failed to reach agreement`);
    }
    return this.fail(`one(${show(command)}) failed to reach agreement`);
  }

  /** Waits for at least n peers to apply index; -1 if some peer moved past startTerm (if startTerm > -1). */
  async wait(index: number, n: number, startTerm: number): Promise<unknown> {
    let sleepMs = C.WAIT_FIRST_MS;
    for (let poll = 0; poll < C.WAIT_POLLS; poll++) {
      if (this.nCommitted(index)[0] >= n) break;
      await this.sleep(sleepMs);
      if (sleepMs < C.WAIT_MAX_MS) sleepMs *= 2; // as the course's: 10 ms ... 640 ms, then 1280 ms
      if (startTerm > -1) {
        for (let i = 0; i < this.n; i++) {
          const state = await this.getState(i);
          if (state && state[0] > startTerm) return -1; // someone has moved on; can no longer guarantee that we'll "win"
        }
      }
    }
    const [count, command] = this.nCommitted(index);
    if (count < n) this.fail(`only ${count} decided for index ${index}; wanted ${n}`);
    return command;
  }

  /** Every RPC sent so far (the course's total count). */
  rpcTotal(): number {
    return this.sim.network.totalCount();
  }

  /** RPCs peer i (its current incarnation) received. */
  rpcCount(i: number): number {
    return this.sim.network.serverCount(this.name(i));
  }

  /** Whether peer i applied index (in any incarnation, or in a snapshot it holds). */
  hasApplied(i: number, index: number): boolean {
    return this.applier.hasApplied(i, index);
  }

  /** The highest index any peer applied (the course's maxIndex: a pass line's commands). */
  maxIndex(): number {
    return this.applier.maxIndex;
  }

  /** Bytes of args sent and replies delivered. */
  bytesTotal(): number {
    return this.sim.network.totalBytes();
  }

  /** The largest Raft state any peer persisted. */
  maxRaftStateSize(): number {
    return Math.max(
      ...Array.from({ length: this.n }, (_, i) => this.sim.peers.persisted(this.name(i)).raftstate.length),
    );
  }

  /** Fails the test with this message (a SimFailure). */
  fail(message: string, notes: string[] = []): never {
    throw new SimFailure(message, notes);
  }

  private name(i: number): string {
    return String(i);
  }

  private connectedPeers(): number[] {
    return Array.from({ length: this.n }, (_, i) => i).filter((i) => this.connected[i]);
  }

  private enable(end: string | undefined, enabled: boolean): void {
    if (end !== undefined) this.sim.network.enable(end, enabled);
  }
}
