// The start-up part: how long a coordinator takes to accept connections,
// and a worker to make its first RPC. The median of a few samples, after a
// discarded warm-up of each (a cold file cache is not what users see).

import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { sleep } from '../../src/kit/time';
import { BenchContext } from './context';
import { describeEnd, startNode } from './measure';
import { runFolder } from './staging';
import { waitUntilAccepting } from '../../src/kit/endpoint';

export interface Samples {
  samplesMs: number[];
  medianMs?: number;
  maxMs?: number;
  problem?: string;
}

export interface StartupReport {
  method: string;
  coordinator: Samples;
  worker: Samples;
}

const METHOD =
  'coordinator: from spawning `mrcoordinator --endpoint SOCK` (one tiny input) until a connect() to SOCK ' +
  'succeeds, polled every 2 ms. worker: from spawning `mrworker --endpoint SOCK wc` until a plain net server ' +
  'listening on SOCK sees its first connection; a gRPC client connects only when it makes its first call, ' +
  'so this is the moment the worker (node, the app, gRPC and mr.proto loaded) sends its first RPC. One ' +
  'discarded warm-up run of each (cold file cache), then the median of the samples.';

const SAMPLE_LIMIT_MS = 60_000;
const WAIT_MS = 20_000;
const POLL_MS = 2;

export async function measureStartup(ctx: BenchContext): Promise<StartupReport> {
  console.log(`startup: ${ctx.options.repeat} samples each ...`);
  const work = runFolder(ctx.stage);
  try {
    const input = path.join(work, 'tiny.txt');
    fs.writeFileSync(input, 'a tiny input\n');
    return {
      method: METHOD,
      coordinator: await coordinatorSamples(ctx, work, input),
      worker: await workerSamples(ctx, work),
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function coordinatorSamples(ctx: BenchContext, work: string, input: string): Promise<Samples> {
  const samples: number[] = [];
  let problem: string | undefined;
  for (let i = -1; i < ctx.options.repeat; i++) {
    const socket = path.join(ctx.stage.sockets, `s${i + 1}.sock`);
    const p = startNode(ctx.session.registry, [ctx.stage.coordinator, '--endpoint', socket, input], {
      role: 'coordinator',
      cwd: work,
      limitMs: SAMPLE_LIMIT_MS,
    });
    const ok = await Promise.race([
      waitUntilAccepting(socket, WAIT_MS, { everyMs: POLL_MS }),
      p.done.then(() => false),
    ]);
    const at = performance.now();
    p.kill();
    const f = await p.done;
    if (!ok) problem = `the coordinator never accepted a connection (${describeEnd(f)})`;
    else if (i >= 0) samples.push(at - p.startedAt);
    fs.rmSync(socket, { force: true });
  }
  return summarize(samples, problem);
}

async function workerSamples(ctx: BenchContext, work: string): Promise<Samples> {
  const samples: number[] = [];
  let problem: string | undefined;
  for (let i = -1; i < ctx.options.repeat; i++) {
    const socket = path.join(ctx.stage.sockets, `w${i + 1}.sock`);
    let firstAt = 0;
    const server = net.createServer((conn) => {
      if (!firstAt) firstAt = performance.now();
      conn.destroy();
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socket, resolve));
    const p = startNode(ctx.session.registry, [ctx.stage.worker, '--endpoint', socket, 'wc'], {
      role: 'worker',
      cwd: work,
      limitMs: SAMPLE_LIMIT_MS,
    });
    const until = performance.now() + WAIT_MS;
    let exited = false;
    void p.done.then(() => (exited = true));
    while (!firstAt && !exited && performance.now() < until) await sleep(POLL_MS);
    p.kill();
    const f = await p.done;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (!firstAt) problem = `the worker never connected (${describeEnd(f)})`;
    else if (i >= 0) samples.push(firstAt - p.startedAt);
  }
  return summarize(samples, problem);
}

function summarize(samples: number[], problem?: string): Samples {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    samplesMs: samples.map((s) => Math.round(s * 10) / 10),
    medianMs: sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : undefined,
    maxMs: sorted.length ? sorted[sorted.length - 1] : undefined,
    problem,
  };
}
