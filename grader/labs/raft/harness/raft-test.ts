// One Raft test's harness, as its body drives it: h.cluster(config,
// scenario) runs the scenario on a fresh cluster in virtual time (the
// course's make_config ... cleanup), with the test's seed, on the test's
// peer host. A failed check becomes the test's failure; a pass keeps the
// course's figures for the PASS line.

import type { TestSpec } from '../../../core/lab';
import { fail, visibleControls } from '../../../core/outcome';
import { LossPlan, SimFailure } from '../../../sim';
import type { PeerHost } from '../../../sim';
import type { Breach } from '../../../sandbox/budgets';
import { Recorder } from '../aids/record';
import type { StrictChecks } from './checks';
import type { Cluster } from './cluster';
import type { Monitors } from './monitors';
import { failureNotes, type Figures } from './report';
import { runCluster } from './run';
import { shrinkLosses, shrinkNotes } from './shrink';

/** What a test does with the network's losses: --losses (lose only these), --shrink (find the few a failure needs). */
export interface LossOptions {
  /** Ordinals of the losses to lose (the rest are spared); undefined: every loss the seed draws. */
  only?: readonly number[];
  /** Shrink a failed run to the losses it needs. */
  shrink?: boolean;
}

/** What a test chooses of its cluster: the course's make_config(n, unreliable, snapshot). */
export interface ClusterConfig {
  n: number;
  /** false: the unreliable network (delays, losses). */
  reliable?: boolean;
  /** 2D: the snapshotting applier. */
  snapshots?: boolean;
  /** The test crashes and restarts peers (graded, a process is kept ready for the next restart). */
  crashes?: boolean;
}

/** Where a test's peers run (peer-hosts.ts graded or in one process; the kit's tests bring their own). */
export interface Hosts {
  /** A fresh host for a cluster of n peers. */
  make(n: number): PeerHost;
  /** The cluster has booted; `crashes`: the test will restart peers. */
  booted(host: PeerHost, crashes: boolean): void;
  /** Ends every peer started; says which budget they broke, if they did. */
  close(): Promise<Breach | undefined>;
}

/** How many of the peers' last log lines a test keeps (for a failed test's folder). */
const LOG_LINES_KEPT = 5000;

export class RaftTest {
  /** Notes of a passing test (the course's warnings). */
  readonly notes: string[] = [];
  /** The course's figures of the last cluster that ran to the end. */
  figures?: Figures;
  /** The failure that ended a cluster, if one did. */
  failure?: SimFailure;
  /** What the peers logged (the last LOG_LINES_KEPT lines at least). */
  readonly logs: string[] = [];
  /** The strict checks of the last cluster (a course test's notes). */
  checks?: StrictChecks;
  /** The faults of a strict test, said under its verdict, pass or fail. */
  faults?: { describe(): string };
  /** What the last cluster's peers did, for the failure aids. */
  record?: Recorder;

  constructor(
    private readonly hosts: Hosts,
    readonly seed: string,
    /** Where what the peers log is shown as they log it (none: quiet). */
    private readonly echo: ((line: string) => void) | undefined,
    /** Names the build's files as the student knows them. */
    readonly relabel: (text: string) => string,
    /** A strict tier's test: the strict checks' first break fails it. */
    readonly strict = false,
    private readonly losses: LossOptions = {},
  ) {}

  /** Runs the scenario on a fresh cluster; a failed check fails the test. */
  async cluster<T>(config: ClusterConfig, scenario: (cfg: Cluster, monitors: Monitors) => Promise<T>): Promise<T> {
    const host = this.hosts.make(config.n);
    const record = new Recorder(config.n);
    this.record = record;
    const watched = (monitors: Monitors): void => {
      this.checks = monitors.checks;
      monitors.watch.listen((e) => record.on(e));
    };
    const plan = this.plan();
    const options = { ...config, seed: this.seed, host, losses: plan, log: (line: string) => this.log(line) };
    let failure: SimFailure;
    try {
      const run = await runCluster({ ...options, strict: this.strict, watched }, this.booted(host, config, scenario));
      const { virtualMs, rpcs, commands, traceHash } = run;
      this.figures = { virtualMs, peers: config.n, rpcs, commands, traceHash };
      record.end(virtualMs * 1000);
      return run.value;
    } catch (error) {
      if (!(error instanceof SimFailure)) throw error; // the harness's own error
      this.failure = failure = error;
      record.end(error.atMs * 1000);
    } finally {
      await host.close();
    }
    const shrunk = this.losses.shrink ? await this.shrink(config, scenario, failure, plan) : [];
    return fail(...failureNotes(failure, this.relabel), ...shrunk);
  }

  /** The network's losses for a run: those --losses names, or all. */
  private plan(): LossPlan {
    return this.losses.only ? LossPlan.only(this.losses.only) : new LossPlan();
  }

  /** The scenario, once the cluster has booted on `host`. */
  private booted<T>(host: PeerHost, config: ClusterConfig, scenario: (cfg: Cluster, m: Monitors) => Promise<T>) {
    return (cfg: Cluster, monitors: Monitors): Promise<T> => {
      this.hosts.booted(host, config.crashes ?? false);
      return scenario(cfg, monitors);
    };
  }

  /** Replays the failed scenario sparing losses (shrink.ts), quietly, on fresh hosts; what it found, in words. */
  private async shrink<T>(
    config: ClusterConfig,
    scenario: (cfg: Cluster, m: Monitors) => Promise<T>,
    failure: SimFailure,
    plan: LossPlan,
  ): Promise<string[]> {
    const [faults, notes] = [this.faults, this.notes.length]; // a replay's scenario sets them anew
    const replay = async (losses: LossPlan): Promise<SimFailure | undefined> => {
      const host = this.hosts.make(config.n);
      try {
        const options = { ...config, seed: this.seed, host, losses, strict: this.strict };
        await runCluster(options, this.booted(host, config, scenario));
        return undefined;
      } catch (error) {
        if (error instanceof SimFailure) return error;
        throw error;
      } finally {
        await host.close();
      }
    };
    try {
      const shrunk = await shrinkLosses({ failure, plan }, replay);
      return shrinkNotes(shrunk, this.losses.only !== undefined).map(this.relabel);
    } finally {
      this.faults = faults;
      this.notes.splice(notes);
    }
  }

  /** Notes of what the strict checks found (for a course test: a strict test failed at the first). */
  strictNotes(): string[] {
    return this.checks?.notes() ?? [];
  }

  /** A note under the PASS line (the course prints these as warnings). */
  note(line: string): void {
    if (!this.notes.includes(line)) this.notes.push(line);
  }

  /** Ends every peer the test started; a budget they broke, if they did. */
  stop(): Promise<Breach | undefined> {
    return this.hosts.close();
  }

  /** A peer's line (already one line, with its time and peer), echoed and kept: no escape reaches a terminal. */
  private log(line: string): void {
    const text = visibleControls(this.relabel(line));
    this.echo?.(text);
    this.logs.push(text);
    if (this.logs.length > 2 * LOG_LINES_KEPT) this.logs.splice(0, this.logs.length - LOG_LINES_KEPT);
  }
}

/** A Raft test as the tiers declare it: an id, the course's name, and the body. */
export function raftTest(id: string, name: string, run: (h: RaftTest) => Promise<void>): TestSpec<RaftTest> {
  return { id, name, replay: 'seed', run }; // a failure prints its seed and the command that replays it
}
