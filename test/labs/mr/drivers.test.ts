// The distributed drivers: argument and endpoint errors (one line, exit 1,
// nothing lost), each driver's --help, the Example RPC between two real processes over a unix
// socket and over TCP, a worker refused for its token, and an app whose map
// or reduce throws. Every process is killed (by process group) after each test.

import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { dist, freePort, oneLine, Processes, ROOT, runNode, waitForEndpoint, withLimit } from '../../helpers/proc';
import { stageSolution } from '../../helpers/stage';
import { useTempDir } from '../../helpers/tmpdir';

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

async function expectFailure(script: string, args: string[], message: RegExp, env: Env = {}): Promise<void> {
  const result = await runNode(script, args, {
    cwd: tmp.path,
    timeoutMs: 20_000,
    env: { ...process.env, MR_ENDPOINT: path.join(tmp.path, 'env.sock'), MR_TOKEN: undefined, ...env },
  });
  expect(result.timedOut).toBe(false);
  expect(result.exitCode).toBe(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(oneLine(result.stderr)).toMatch(message);
}

describe("bad arguments: one line, exit 1 (as the course's Go drivers)", () => {
  test('mrworker: usage, unknown option, unknown app', async () => {
    await expectFailure(worker(), [], /^mrworker: usage: mrworker \[--endpoint E\] \[--challenge .*\] APP$/);
    await expectFailure(worker(), ['wc', 'indexer'], /^mrworker: unexpected argument "indexer" \(usage: /);
    await expectFailure(worker(), ['--endpoint'], /^mrworker: --endpoint needs a value \(E\)$/);
    await expectFailure(worker(), ['--n-reduce', '3', 'wc'], /^mrworker: unknown option "--n-reduce" \(see --help\)$/);
    await expectFailure(worker(), ['nosuchapp'], /^mrworker: no app named nosuchapp \(the kit's apps: .*\bwc\b/);
  });

  test('mrcoordinator: usage, missing input, directory input', async () => {
    await expectFailure(
      coordinator(),
      [],
      /^mrcoordinator: usage: mrcoordinator \[--endpoint E\] \[--n-reduce N\] inputfiles\.\.\.$/,
    );
    await expectFailure(coordinator(), ['--endpoint', path.join(tmp.path, 'c.sock')], /^mrcoordinator: usage: /);
    await expectFailure(
      coordinator(),
      ['--bogus', input()],
      /^mrcoordinator: unknown option "--bogus" \(see --help\)$/,
    );
    await expectFailure(coordinator(), ['missing.txt'], /^mrcoordinator: cannot read input file missing\.txt/);
    await expectFailure(coordinator(), [tmp.path], /is a directory/);
    expect(fs.existsSync(path.join(tmp.path, 'env.sock'))).toBe(false);
  });

  test('mrcoordinator: --n-reduce must be a whole number from 1 to 1000', async () => {
    const bad = /^mrcoordinator: --n-reduce must be a whole number from 1 to 1000, not "/;
    for (const value of ['0', '7.5', 'ten', '1001', '007', '-3']) {
      await expectFailure(coordinator(), ['--n-reduce', value, input()], bad);
    }
    await expectFailure(coordinator(), [input(), '--n-reduce'], /^mrcoordinator: --n-reduce needs a value \(N\)$/);
    await expectFailure(coordinator(), ['--n-reduce=', input()], /^mrcoordinator: --n-reduce needs a value \(N\)$/);
    expect(fs.existsSync(path.join(tmp.path, 'env.sock'))).toBe(false);
  });
});

describe('mrworker --challenge: a local disk of its own', () => {
  test('--local and --serve-on without --challenge, or a local disk that is not empty: one line, exit 1', async () => {
    await expectFailure(worker(), ['--local', 'x', 'wc'], /^mrworker: --local and --serve-on go with --challenge$/);
    const used = path.join(tmp.path, 'used');
    fs.mkdirSync(used);
    fs.writeFileSync(path.join(used, 'mr-0-0'), 'left over');
    await expectFailure(worker(), ['--challenge', '--local', used, 'wc'], /^mrworker: --local .*used is not empty/);
    await expectFailure(
      worker(),
      ['--challenge', '--local', path.join(tmp.path, 'in-shared'), 'wc'],
      /must not be inside/,
    );
  });

  test('the worker runs in a private local disk, and challenge() says where the shared folder and its endpoint are', async () => {
    // A probe in place of the worker: what enterChallenge leaves, seen from inside the process.
    const probe = `
      const { enterChallenge, challenge } = require(${JSON.stringify(dist('src/mr/challenge.js'))});
      const before = challenge();
      enterChallenge({});
      const fs = require('fs');
      console.log(JSON.stringify({ before: before ?? null, after: challenge(), cwd: process.cwd(),
        mode: (fs.statSync(process.cwd()).mode & 0o777).toString(8), files: fs.readdirSync(process.cwd()) }));`;
    const shared = path.join(fs.realpathSync(tmp.path), 'shared');
    const disks = path.join(fs.realpathSync(tmp.path), 'disks'); // beside the shared folder, never in it
    fs.mkdirSync(shared);
    fs.mkdirSync(disks);
    const result = await runNode('-e', [probe], {
      cwd: shared,
      env: { ...process.env, TMPDIR: disks },
      timeoutMs: 20_000,
    });
    expect(result.stderr).toBe('');
    const seen = JSON.parse(result.stdout);
    expect(seen.before).toBeNull();
    expect(seen.after.shared).toBe(shared);
    expect(seen.cwd).toBe(seen.after.local);
    expect(path.dirname(seen.after.local)).toBe(disks);
    expect(seen.after.serveOn).toBe(path.join(seen.after.local, 'worker.sock'));
    expect(seen.mode).toBe('700');
    expect(seen.files).toEqual([]);
  });
});

describe("--help: the help made from each driver's option table, exit 0", () => {
  const drivers: [string, () => string, string[]][] = [
    ['mrcoordinator', coordinator, ['inputfiles...', '--endpoint E', '--n-reduce N', '-h, --help']],
    ['mrworker', worker, ['APP', '--endpoint E', '--challenge', '--local DIR', '--serve-on E', '-h, --help']],
    ['mrsequential', () => dist('src/main/mrsequential.js'), ['APP inputfiles...', '-h, --help']],
  ];
  test.each(drivers)('%s', async (name, script, rows) => {
    const result = await runNode(script(), ['--help'], { cwd: tmp.path, timeoutMs: 20_000 });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(new RegExp(`^usage: ${name} `));
    const listed = result.stdout
      .split('\n')
      .filter((line) => /^ {2}\S/.test(line))
      .map((line) => line.trim().split(/ {2,}/)[0]);
    expect(listed).toEqual(rows);
  });
});

describe('endpoints: a mistyped one is refused in one line, and nothing at its path is touched', () => {
  function writeFile(name: string, contents: string): string {
    fs.mkdirSync(path.dirname(path.join(tmp.path, name)), { recursive: true });
    fs.writeFileSync(path.join(tmp.path, name), contents);
    return name;
  }

  test('a file at the path (--endpoint ./notes.txt) stays, and so does its content', async () => {
    writeFile('notes.txt', 'my notes\n');
    await expectFailure(
      coordinator(),
      ['--endpoint', './notes.txt', writeFile('in.txt', 'x')],
      /^mrcoordinator: endpoint \/.*\/notes\.txt is a file, not a socket: not removing it \(choose another endpoint\)$/,
    );
    expect(fs.readFileSync(path.join(tmp.path, 'notes.txt'), 'utf8')).toBe('my notes\n');
  });

  test('--endpoint inputs/gen-*.txt: the first input, taken as the endpoint, stays', async () => {
    const inputs = ['inputs/gen-1.txt', 'inputs/gen-2.txt'].map((name) => writeFile(name, `text of ${name}\n`));
    await expectFailure(
      coordinator(),
      ['--endpoint', ...inputs],
      /^mrcoordinator: endpoint .*\/inputs\/gen-1\.txt is a file/,
    );
    for (const name of inputs) expect(fs.readFileSync(path.join(tmp.path, name), 'utf8')).toBe(`text of ${name}\n`);
  });

  test('a directory at the path, through MR_ENDPOINT too, stays with its files', async () => {
    writeFile('jobs/keep.txt', 'kept\n');
    const input = writeFile('in.txt', 'x');
    await expectFailure(
      coordinator(),
      ['--endpoint', 'jobs/', input],
      /^mrcoordinator: endpoint .*\/jobs is a directory, not a socket/,
    );
    await expectFailure(coordinator(), [input], /is a directory, not a socket/, {
      MR_ENDPOINT: path.join(tmp.path, 'jobs'),
    });
    expect(fs.readFileSync(path.join(tmp.path, 'jobs/keep.txt'), 'utf8')).toBe('kept\n');
  });

  test('a socket path longer than a unix socket allows (107 bytes on Linux): why, and what to do', async () => {
    const input = writeFile('in.txt', 'x');
    const long = path.join(tmp.path, 'd'.repeat(120), 'c.sock');
    const why = new RegExp(
      '^mr(coordinator|worker): socket path /.* is \\d+ bytes, longer than the 10[37] a unix socket path may have: ' +
        'set MR_ENDPOINT \\(or --endpoint\\) to a shorter path, or use a shorter TMPDIR$',
    );
    await expectFailure(coordinator(), ['--endpoint', long, input], why);
    await expectFailure(worker(), ['--endpoint', long, 'wc'], why);
    // The default endpoint, under a long TMPDIR: refused before its folder is made.
    const longTmp = path.join(tmp.path, 't'.repeat(100));
    await expectFailure(coordinator(), [input], why, { MR_ENDPOINT: undefined, TMPDIR: longTmp });
    await expectFailure(worker(), ['wc'], why, { MR_ENDPOINT: undefined, TMPDIR: longTmp });
    expect(fs.readdirSync(tmp.path).sort()).toEqual(['in.txt']); // no folder, no socket, however truncated
  });

  test('neither a path nor host:port: the error alone, without the MR_TOKEN line', async () => {
    const input = writeFile('in.txt', 'x');
    const bad =
      /^mr(coordinator|worker): bad endpoint "coord": expected a socket path \(with a "\/", as \.\/coord\) or host:port$/;
    await expectFailure(coordinator(), ['--endpoint', 'coord', input], bad);
    await expectFailure(worker(), ['--endpoint', 'coord', 'wc'], bad);
  });

  test('a TCP port already taken: the error alone, without the MR_TOKEN line', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as net.AddressInfo).port;
      await expectFailure(
        coordinator(),
        ['--endpoint', `127.0.0.1:${port}`, writeFile('in.txt', 'x')],
        new RegExp(`^mrcoordinator: cannot serve on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`),
      );
    } finally {
      taken.close();
    }
  });
});

/** Calls Example {x} on the endpoint from a separate process; returns its parsed result, or what it threw. */
async function callExample(endpoint: string, x: number, env: Env = {}): Promise<unknown> {
  const code = `
    const { Connection } = require(process.argv[1]);
    const c = new Connection(process.argv[2]);
    c.call('Example', { x: Number(process.argv[3]) }, 10000)
      .then((r) => console.log(JSON.stringify(r)), (e) => console.log(JSON.stringify({ thrown: e.message })))
      .finally(() => c.close());`;
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

    const second = await runNode(coordinator(), ['--endpoint', endpoint, input()], {
      cwd: tmp.path,
      timeoutMs: 20_000,
    });
    expect(second.exitCode).toBe(1);
    expect(oneLine(second.stderr)).toMatch(
      /^mrcoordinator: endpoint .*c\.sock is already served by a live coordinator$/,
    );
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
    // A refused token is a mistake, not a coordinator that has gone: call() throws.
    const refused = {
      thrown: `the coordinator at ${endpoint} refused the call: wrong or missing MR_TOKEN (set MR_TOKEN to the token it printed)`,
    };
    expect(await callExample(endpoint, 99, { MR_TOKEN: 'wrong' })).toEqual(refused);
    expect(await callExample(endpoint, 99, { MR_TOKEN: undefined })).toEqual(refused);
  });

  test('SIGTERM stops the coordinator and removes its socket file', async () => {
    const endpoint = path.join(tmp.path, 'c.sock');
    const { child, ready } = startCoordinator(endpoint);
    await ready();
    process.kill(child.pid!, 'SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(143); // its handler's: the socket is bound only once it listens for signals
    expect(fs.existsSync(endpoint)).toBe(false);
  });

  /**
   * Starts the coordinator with makeCoordinator held after it has bound the
   * socket: until a SIGTERM has reached the process ('signal'), or for ever.
   * The hook hears the signal from its start, whenever it comes; the
   * driver's handler, registered after the hook's, runs in the same emit,
   * before makeCoordinator returns.
   */
  function startHeldCoordinator(endpoint: string, until: 'signal' | 'ever') {
    const hook = path.join(tmp.path, 'hold.js');
    fs.writeFileSync(
      hook,
      `const c = require(${JSON.stringify(dist('src/mr/coordinator.js'))});
       const signalled = new Promise((resolve) => ${until === 'signal' ? "process.once('SIGTERM', resolve)" : '{}'});
       const make = c.makeCoordinator;
       c.makeCoordinator = async (...args) => {
         const made = await make(...args);
         await signalled;
         return made;
       };`,
    );
    return startCoordinator(endpoint, { NODE_OPTIONS: `--require ${hook}` });
  }

  test('SIGTERM between binding the socket and makeCoordinator returning still removes the socket file', async () => {
    const endpoint = path.join(tmp.path, 'c.sock');
    const { child, ready } = startHeldCoordinator(endpoint, 'signal');
    await ready();
    process.kill(child.pid!, 'SIGTERM');
    const result = await withLimit(child, 20_000, 'the coordinator did not end');
    expect(result.exitCode).toBe(143);
    expect(fs.existsSync(endpoint)).toBe(false);
  });

  test('SIGTERM ends a coordinator whose makeCoordinator never returns', async () => {
    const endpoint = path.join(tmp.path, 'c.sock');
    const { child, ready } = startHeldCoordinator(endpoint, 'ever');
    await ready();
    process.kill(child.pid!, 'SIGTERM');
    expect((await withLimit(child, 20_000, 'the coordinator did not end')).exitCode).toBe(143);
  });
});

describe('with the reference solution as src/mr', () => {
  // Under .mr-build, so that the staged code finds node_modules; only our own folder is removed.
  const stage = path.join(ROOT, '.mr-build', `drivers-${process.pid}`);
  beforeAll(() => stageSolution(stage));
  afterAll(() => fs.rmSync(stage, { recursive: true, force: true }));
  const staged = (script: string) => path.join(stage, 'src/main', script);

  function startStagedCoordinator(endpoint: string, env: Env = {}) {
    const child = processes.startNode(staged('mrcoordinator.js'), ['--endpoint', endpoint, path.basename(input())], {
      cwd: tmp.path,
      env: { ...process.env, MR_TOKEN: undefined, ...env },
    });
    return {
      child,
      ready: () => waitForEndpoint(endpoint, 20_000, () => child.exitCode === null && child.signalCode === null),
    };
  }

  test('a worker refused for a wrong or missing MR_TOKEN exits 1 with one line, having done nothing', async () => {
    const endpoint = `127.0.0.1:${await freePort()}`;
    await startStagedCoordinator(endpoint, { MR_TOKEN: 'the-right-token' }).ready();
    for (const token of ['a-wrong-token', undefined]) {
      const result = await runNode(staged('mrworker.js'), ['--endpoint', endpoint, 'wc'], {
        cwd: tmp.path,
        timeoutMs: 20_000,
        env: { ...process.env, MR_TOKEN: token },
      });
      expect(result.exitCode).toBe(1);
      expect(oneLine(result.stderr)).toBe(
        `mrworker: the coordinator at ${endpoint} refused the call: wrong or missing MR_TOKEN (set MR_TOKEN to the token it printed)`,
      );
    }
    expect(fs.readdirSync(tmp.path).filter((name) => name.startsWith('mr-'))).toEqual([]);
  });

  /** Runs a job with one worker on `app` (a file in the test's folder); returns its status and stderr lines. */
  async function runJobWith(app: string, source: string) {
    fs.writeFileSync(path.join(tmp.path, app), source);
    const endpoint = path.join(tmp.path, 'c.sock');
    await startStagedCoordinator(endpoint).ready();
    const worker = processes.startNode(staged('mrworker.js'), ['--endpoint', endpoint, `./${app}`], {
      cwd: tmp.path,
      env: { ...process.env, MR_TOKEN: undefined, MR_TRACE: path.join(tmp.path, 'trace.jsonl') },
    });
    const result = await withLimit(worker, 20_000, 'the worker did not exit');
    return { exitCode: result.exitCode, lines: result.stderr.split('\n').filter((line) => line !== '') };
  }

  /** The trace's end events: the guard must let the trace record a failed call before the worker exits. */
  function traceEnds(): { phase: string; input: string; outcome: string }[] {
    return fs
      .readFileSync(path.join(tmp.path, 'trace.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line))
      .filter((e) => e.event === 'end');
  }

  test('an app whose map throws: one line naming app, map and input file, then the frame in the app; exit 1', async () => {
    const { exitCode, lines } = await runJobWith(
      'badmap.js',
      `exports.map = (filename, contents) => {
         if (contents.includes('some')) throw new TypeError('cannot map ' + filename);
         return [];
       };
       exports.reduce = () => '';`,
    );
    expect(exitCode).toBe(1);
    expect(lines).toEqual([
      'mrworker: app ./badmap.js: map threw on input file in.txt: TypeError: cannot map in.txt',
      expect.stringMatching(/^ {4}at .*\(badmap\.js:2:\d+\)$/), // relative to the worker's folder
    ]);
    expect(traceEnds()).toEqual([expect.objectContaining({ phase: 'map', input: 'in.txt', outcome: 'error' })]);
  });

  test('an app whose reduce throws: the line names the key; a thrown non-Error says so', async () => {
    const { exitCode, lines } = await runJobWith(
      'badreduce.js',
      `exports.map = (filename, contents) => contents.split(/\\s+/).filter(Boolean).map((key) => ({ key, value: '1' }));
       exports.reduce = (key, values) => {
         if (key === 'words') throw 'no words today';
         return String(values.length);
       };`,
    );
    expect(exitCode).toBe(1);
    expect(lines).toEqual(['mrworker: app ./badreduce.js: reduce threw on key "words": no words today (not an Error)']);
    expect(traceEnds().at(-1)).toEqual(expect.objectContaining({ phase: 'reduce', input: 'words', outcome: 'error' }));
  });
});
