// The distributed drivers: argument errors, and the Example RPC between two
// real processes over a unix socket and over TCP. Every process is killed
// (by pid) after each test.

import * as fs from 'fs';
import * as path from 'path';
import { dist, freePort, oneLine, Processes, runNode, waitForEndpoint } from './helpers/proc';
import { useTempDir } from './helpers/tmpdir';

const tmp = useTempDir('mr-drv-');
const processes = new Processes();
afterEach(() => processes.killAll());

const coordinator = () => dist('src/main/mrcoordinator.js');
const worker = () => dist('src/main/mrworker.js');

function input(): string {
  const file = path.join(tmp.path, 'in.txt');
  fs.writeFileSync(file, 'some words\n');
  return file;
}

async function expectFailure(script: string, args: string[], message: RegExp): Promise<void> {
  const env = { ...process.env, MR_ENDPOINT: path.join(tmp.path, 'env.sock') };
  const result = await runNode(script, args, { cwd: tmp.path, timeoutMs: 20_000, env });
  expect(result.timedOut).toBe(false);
  expect(result.exitCode).toBe(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(oneLine(result.stderr)).toMatch(message);
}

describe('bad arguments: one line, exit 1', () => {
  test('mrworker: usage, unknown app', async () => {
    await expectFailure(worker(), [], /^mrworker: usage: mrworker \[--endpoint E\] APP$/);
    await expectFailure(worker(), ['wc', 'indexer'], /^mrworker: usage: /);
    await expectFailure(worker(), ['--endpoint'], /--endpoint needs a value/);
    await expectFailure(worker(), ['nosuchapp'], /^mrworker: no app named nosuchapp \(the kit's apps: .*\bwc\b/);
  });

  test('mrcoordinator: usage, missing input, directory input', async () => {
    await expectFailure(coordinator(), [], /^mrcoordinator: usage: mrcoordinator \[--endpoint E\] \[--n-reduce N\] inputfiles\.\.\.$/);
    await expectFailure(coordinator(), ['--endpoint', path.join(tmp.path, 'c.sock')], /^mrcoordinator: usage: /);
    await expectFailure(coordinator(), ['missing.txt'], /^mrcoordinator: cannot read input file missing\.txt/);
    await expectFailure(coordinator(), [tmp.path], /is a directory/);
    expect(fs.existsSync(path.join(tmp.path, 'env.sock'))).toBe(false);
  });

  test('mrcoordinator: --n-reduce must be a whole number from 1 to 1000', async () => {
    const bad = /^mrcoordinator: --n-reduce must be a whole number from 1 to 1000, not "/;
    for (const value of ['0', '7.5', 'ten', '1001', '007']) {
      await expectFailure(coordinator(), ['--n-reduce', value, input()], bad);
    }
    await expectFailure(coordinator(), [input(), '--n-reduce'], /--n-reduce needs a value \(the number of reduce tasks\)/);
    await expectFailure(coordinator(), ['--n-reduce=', input()], bad);
    expect(fs.existsSync(path.join(tmp.path, 'env.sock'))).toBe(false);
  });
});

/** Calls Example {x} on the endpoint from a separate process; returns its parsed result. */
async function callExample(endpoint: string, x: number, env: Env = {}): Promise<unknown> {
  const code = `
    const { Connection } = require(process.argv[1]);
    const c = new Connection(process.argv[2]);
    c.call('Example', { x: Number(process.argv[3]) }, 10000).then((r) => {
      console.log(JSON.stringify(r));
      c.close();
    });`;
  const result = await runNode('-e', [code, dist('src/mr/transport.js'), endpoint, String(x)], {
    timeoutMs: 20_000,
    env: { ...process.env, MR_TOKEN: undefined, ...env },
  });
  expect(result.exitCode).toBe(0);
  return JSON.parse(result.stdout);
}

type Env = Record<string, string | undefined>;

function startCoordinator(endpoint: string, env: Env = {}) {
  const child = processes.startNode(coordinator(), ['--endpoint', endpoint, input()], {
    cwd: tmp.path,
    env: { ...process.env, MR_TOKEN: undefined, ...env },
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return { child, ready: () => waitForEndpoint(endpoint, 20_000, alive) };
}

describe('the Example RPC between processes', () => {
  test('over a unix socket: Example {x: 99} -> {y: 100}', async () => {
    const endpoint = path.join(tmp.path, 'c.sock');
    await startCoordinator(endpoint).ready();
    expect(await callExample(endpoint, 99)).toEqual({ ok: true, reply: { y: 100 } });
  });

  test('a second coordinator on a live endpoint fails; after SIGKILL a new one binds over the stale socket', async () => {
    const endpoint = path.join(tmp.path, 'c.sock');
    const first = startCoordinator(endpoint);
    await first.ready();

    const second = await runNode(coordinator(), ['--endpoint', endpoint, input()], { cwd: tmp.path, timeoutMs: 20_000 });
    expect(second.exitCode).toBe(1);
    expect(oneLine(second.stderr)).toMatch(/^mrcoordinator: endpoint .*c\.sock is already served by a live coordinator$/);
    expect(await callExample(endpoint, 1)).toEqual({ ok: true, reply: { y: 2 } }); // the first is unharmed

    process.kill(first.child.pid!, 'SIGKILL');
    await first.child;
    expect(fs.existsSync(endpoint)).toBe(true); // the stale socket file
    expect(await callExample(endpoint, 5)).toMatchObject({ ok: false });

    await startCoordinator(endpoint).ready();
    expect(await callExample(endpoint, 41)).toEqual({ ok: true, reply: { y: 42 } });
  });

  test('over TCP, 127.0.0.1:<port>, with the MR_TOKEN the coordinator prints', async () => {
    const endpoint = `127.0.0.1:${await freePort()}`;
    const { child, ready } = startCoordinator(endpoint, { MR_TOKEN: undefined });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await ready();
    for (let i = 0; i < 50 && !/MR_TOKEN=\S+\n/.test(stderr); i++) await new Promise((r) => setTimeout(r, 100));
    const token = /MR_TOKEN=(\S+)/.exec(stderr)?.[1];
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(await callExample(endpoint, 99, { MR_TOKEN: token })).toEqual({ ok: true, reply: { y: 100 } });
    expect(await callExample(endpoint, 99, { MR_TOKEN: 'wrong' })).toEqual({ ok: false, error: 'wrong or missing MR_TOKEN' });
    expect(await callExample(endpoint, 99, { MR_TOKEN: undefined })).toMatchObject({ ok: false });
  });

  test('SIGTERM stops the coordinator and removes its socket file', async () => {
    const endpoint = path.join(tmp.path, 'c.sock');
    const { child, ready } = startCoordinator(endpoint);
    await ready();
    process.kill(child.pid!, 'SIGTERM');
    const result = await child;
    expect(result.exitCode === 143 || result.signal === 'SIGTERM').toBe(true);
    expect(fs.existsSync(endpoint)).toBe(false);
  });
});
