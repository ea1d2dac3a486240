// Workers on "other machines": the reference solution's coordinator runs in
// one network namespace, bound to its end of a veth pair, and three workers
// run in another, reaching it over TCP with the token the coordinator printed.
// Both share one directory, as machines share an NFS mount. The output must
// equal mrsequential's; a worker with a wrong or missing token must be
// refused; the coordinator must not be reachable from the root namespace.
//
// Needs root and iproute2; elsewhere the suite is skipped with the reason.
// See labs/mr/MULTI-MACHINE.md.

import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { dist, ROOT, runNode, withLimit } from '../helpers/proc';
import { stageSolution } from '../helpers/stage';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir';
import {
  deleteNetnsPair,
  listNetns,
  makeNetnsPair,
  NetnsPair,
  NsProcesses,
  probeNetns,
  rootHasAddressIn,
  running,
} from '../helpers/netns';

const whyNot = probeNetns();
if (whyNot) console.warn(`netns.test.ts skipped: ${whyNot}`);
const describeNetns = whyNot ? describe.skip : describe;

// A /30 inside the two namespaces only; it never exists in the root namespace.
const SUBNET = `10.213.${process.pid % 256}`;
const BASE = 4 * ((process.pid >> 8) % 64);
const PORT = 7788; // the namespace is fresh: nothing else can hold a port there
const N_WORKERS = 3;
const JOB_LIMIT_MS = 25_000;

type Env = Record<string, string | undefined>;

describeNetns('workers in another network namespace, over TCP with a token', () => {
  const processes = new NsProcesses();
  let pair: NetnsPair | undefined;
  let shared = ''; // the "shared file system": every process's cwd
  let seqDir = '';
  let stage = ''; // the kit's compiled drivers with the reference solution as src/mr
  let expected = '';

  beforeAll(async () => {
    shared = makeTempDir('mr-netns-');
    seqDir = makeTempDir('mr-netns-seq-');
    stage = path.join(ROOT, '.mr-build', `netns-${process.pid}`);
    stageSolution(stage);

    const inputs = fs
      .readdirSync(path.join(ROOT, 'inputs'))
      .filter((name) => /^gen-.*\.txt$/.test(name))
      .sort();
    expect(inputs.length).toBeGreaterThan(0);
    fs.mkdirSync(path.join(shared, 'inputs'));
    for (const name of inputs) {
      fs.copyFileSync(path.join(ROOT, 'inputs', name), path.join(shared, 'inputs', name));
    }

    const files = inputs.map((name) => path.join(shared, 'inputs', name));
    const seq = await runNode(dist('src/main/mrsequential.js'), ['wc', ...files], { cwd: seqDir, timeoutMs: 30_000 });
    expect(seq.exitCode).toBe(0);
    expected = fs.readFileSync(path.join(seqDir, 'mr-out-0'), 'utf8');
    expect(expected.length).toBeGreaterThan(0);

    pair = makeNetnsPair('c', 'w', SUBNET, BASE);
  }, 40_000);

  afterAll(async () => {
    try {
      await processes.killAll();
      if (pair) deleteNetnsPair(pair);
    } finally {
      for (const dir of [shared, seqDir]) if (dir) removeTempDir(dir);
      // Only our own folder: .mr-build itself may be in use by a grader running alongside.
      if (stage) fs.rmSync(stage, { recursive: true, force: true });
    }
    if (pair) expect(listNetns().filter((name) => name === pair!.a || name === pair!.b)).toEqual([]);
  });

  test('word count matches mrsequential; wrong tokens are refused; unreachable from the root namespace', async () => {
    const { a: coordinatorNs, b: workerNs, addressA } = pair!;
    const endpoint = `${addressA}:${PORT}`;
    const baseEnv: Env = { ...process.env, MR_TOKEN: undefined, MR_ENDPOINT: undefined, MR_TRACE: undefined };
    const inputs = fs.readdirSync(path.join(shared, 'inputs')).map((name) => `inputs/${name}`);

    // The coordinator, with no MR_TOKEN: over TCP it makes one up and prints it.
    const coordinator = processes.startIn(
      coordinatorNs,
      [path.join(stage, 'src/main/mrcoordinator.js'), '--endpoint', endpoint, ...inputs],
      { cwd: shared, env: baseEnv },
    );
    let coordinatorErr = '';
    coordinator.stderr!.on('data', (chunk: Buffer) => (coordinatorErr += chunk.toString()));
    const token = await waitFor(
      () => /start workers with MR_TOKEN=([0-9a-f]{32})\b/.exec(coordinatorErr)?.[1],
      () => running(coordinator),
      15_000,
      () => `the coordinator printed no token:\n${coordinatorErr}`,
    );
    expect(coordinatorErr).toContain(`mrcoordinator: serving ${endpoint}`);

    // Reachable from the worker namespace over the veth pair (this also waits until it serves).
    const probe = processes.startIn(workerNs, ['-e', CONNECT_LOOP, addressA, String(PORT), '15000'], {
      env: baseEnv,
    });
    const probed = await probe;
    expect(probed.stdout).toBe('connected\n');

    // Not reachable from the root namespace: no interface here has an address of
    // the /30, and a connection from loopback (which the kernel never routes off
    // the machine, so no packet leaves it) fails at once instead of connecting.
    expect(rootHasAddressIn(SUBNET, BASE)).toBe(false);
    await expect(connectFromLoopback(addressA, PORT)).rejects.toThrow();

    // Workers with a wrong or a missing token do no task and exit. They run before
    // the good workers, so any mr-* file or traced map/reduce call would be theirs.
    const intruders = [`${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`, undefined].map((bad, i) =>
      processes.startIn(workerNs, [path.join(stage, 'src/main/mrworker.js'), '--endpoint', endpoint, 'wc'], {
        cwd: shared,
        env: { ...baseEnv, MR_TOKEN: bad, MR_TRACE: path.join(seqDir, `intruder-${i}.trace`) },
      }),
    );
    for (const intruder of intruders) {
      const result = await withLimit(intruder, 20_000, 'a worker with a wrong token did not exit');
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(
        /^mrworker: the coordinator at \S+ refused the call: wrong or missing MR_TOKEN \(set MR_TOKEN/m,
      );
    }
    for (let i = 0; i < intruders.length; i++) {
      // The refused call itself is in its trace; no map or reduce call may be.
      const trace = path.join(seqDir, `intruder-${i}.trace`);
      const lines = fs.existsSync(trace) ? fs.readFileSync(trace, 'utf8').split('\n').filter(Boolean) : [];
      const events = lines.map((l) => (JSON.parse(l) as { event: string }).event);
      expect(events.filter((e) => e !== 'call' && e !== 'reply')).toEqual([]);
    }
    expect(fs.readdirSync(shared).filter((name) => name.startsWith('mr-'))).toEqual([]);
    expect(running(coordinator)).toBe(true);

    // The real workers, in the other namespace, with the printed token.
    const workers = Array.from({ length: N_WORKERS }, () =>
      processes.startIn(workerNs, [path.join(stage, 'src/main/mrworker.js'), '--endpoint', endpoint, 'wc'], {
        cwd: shared,
        env: { ...baseEnv, MR_TOKEN: token },
      }),
    );
    const done = await withLimit(coordinator, JOB_LIMIT_MS, 'the job did not finish');
    expect(done.exitCode).toBe(0);
    for (const w of workers) {
      const result = await withLimit(w, 10_000, 'a worker did not exit after the job');
      expect(result.exitCode).toBe(0);
    }

    const outputs = fs.readdirSync(shared).filter((name) => /^mr-out-\d+$/.test(name));
    expect(outputs.length).toBe(10);
    const lines = outputs.flatMap((name) =>
      fs
        .readFileSync(path.join(shared, name), 'utf8')
        .split('\n')
        .filter((line) => line !== ''),
    );
    expect(sortLines(lines)).toEqual(sortLines(expected.split('\n').filter((line) => line !== '')));
  }, 45_000);
});

// Run with node -e in the worker namespace: connect to host:port, retrying
// until it works or the limit passes; prints "connected" or exits 1.
const CONNECT_LOOP = `
  const net = require('net');
  const [host, port, limit] = process.argv.slice(1);
  const deadline = Date.now() + Number(limit);
  const attempt = () => {
    const s = net.connect(Number(port), host);
    s.once('connect', () => { s.destroy(); console.log('connected'); });
    s.once('error', () => {
      if (Date.now() > deadline) { console.log('unreachable'); process.exit(1); }
      setTimeout(attempt, 100);
    });
  };
  attempt();`;

function connectFromLoopback(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, localAddress: '127.0.0.1', timeout: 3000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error('timed out'));
    });
    socket.once('error', reject);
  });
}

/** Polls get() until it yields a value; fails when alive() turns false or the limit passes. */
async function waitFor<T>(
  get: () => T | undefined,
  alive: () => boolean,
  limitMs: number,
  why: () => string,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (!alive() || Date.now() > deadline) throw new Error(why());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits for a process to end, failing (not hanging) after limitMs; afterAll kills what is left. */
function sortLines(lines: string[]): string[] {
  return [...lines].sort((x, y) => Buffer.compare(Buffer.from(x, 'utf8'), Buffer.from(y, 'utf8')));
}
