// The RPC contract: transport.ts refuses, on the side that sends, a message
// with a field mr.proto lacks, and a call of an rpc mr.proto lacks, with one
// line naming the field (or rpc), the message and mr.proto. In-process
// against the compiled transport, then end to end with the compiled drivers
// and the reference solution carrying one deliberate mistake.

import * as fs from 'fs';
import * as path from 'path';
import { dist, oneLine, Processes, ROOT, runNode, waitForEndpoint, withLimit } from '../../helpers/proc';
import { Edit, stageSolution } from '../../helpers/stage';
import { useTempDir } from '../../helpers/tmpdir';

const tmp = useTempDir('mr-contract-');
const processes = new Processes();
afterEach(() => processes.killAll());

// Staged builds live under .mr-build (to find node_modules); only our own folders are removed.
const stages: string[] = [];
function stage(edits: Edit[] = []): string {
  const dir = path.join(ROOT, '.mr-build', `contract-${process.pid}-${stages.length}`);
  stages.push(dir);
  stageSolution(dir, edits);
  return dir;
}
afterAll(() => {
  for (const dir of stages) fs.rmSync(dir, { recursive: true, force: true });
});

interface TransportModule {
  Connection: new (endpoint: string) => {
    call(method: string, args: unknown, timeoutMs?: number): Promise<unknown>;
    close(): void;
  };
  ContractError: new (message: string) => Error;
}

describe('call() checks the message against mr.proto before sending it', () => {
  const { Connection, ContractError } = require(dist('src/mr/transport.js')) as TransportModule;
  let connection: InstanceType<TransportModule['Connection']>;
  beforeEach(() => {
    connection = new Connection(path.join(tmp.path, 'nobody.sock'));
  });
  afterEach(() => connection.close());

  /** The ContractError that call(method, args) throws at once, before anything is sent. */
  function refusal(method: string, args: unknown): string {
    try {
      void connection.call(method, args);
    } catch (err) {
      expect(err).toBeInstanceOf(ContractError);
      expect((err as { code?: string }).code).toBe('ECONTRACT');
      return (err as Error).message;
    }
    throw new Error(`call('${method}', ${JSON.stringify(args)}) did not throw`);
  }

  test('a field mr.proto lacks: names the field, the message and mr.proto, and lists the fields', () => {
    expect(refusal('Example', { x: 1, X: 2 })).toBe(
      "call('Example'): field X is not in message ExampleArgs of mr.proto (its fields: x)",
    );
    expect(refusal('Example', { y: 1 })).toBe(
      "call('Example'): field y is not in message ExampleArgs of mr.proto (its fields: x)",
    );
  });

  test('an rpc mr.proto lacks, including names the gRPC client happens to have', () => {
    for (const method of ['RequestTsk', 'example', 'close', 'toString', 'constructor']) {
      expect(refusal(method, {})).toBe(`call('${method}'): no rpc ${method} in mr.proto (its rpcs: Example)`);
    }
  });

  test('args that are not an object', () => {
    expect(refusal('Example', 5)).toBe("call('Example'): 5 is not an object, so not a message ExampleArgs of mr.proto");
    expect(refusal('Example', [1])).toMatch(/^call\('Example'\): 1 is not an object/);
  });

  test('a correct message is sent: with no coordinator, the call fails as { ok: false } and does not throw', async () => {
    expect(await connection.call('Example', { x: 1 }, 5_000)).toMatchObject({ ok: false });
    expect(await connection.call('Example', {}, 5_000)).toMatchObject({ ok: false }); // a left-out field is fine
  });
});

test('fields of nested messages are checked too; a oneof name is accepted', () => {
  // A transport of its own, next to an mr.proto with nested messages.
  const top = path.join(ROOT, '.mr-build', `contract-${process.pid}-nested`);
  stages.push(top);
  const dir = path.join(top, 'mr');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(dist('src/mr/transport.js'), path.join(dir, 'transport.js'));
  fs.cpSync(path.dirname(dist('src/kit/endpoint.js')), path.join(top, 'kit'), { recursive: true }); // it imports ../kit
  fs.writeFileSync(
    path.join(dir, 'mr.proto'),
    `syntax = "proto3";
     package mr;
     service Coordinator { rpc Put (PutArgs) returns (PutReply); }
     message Pair { string key = 1; string value = 2; }
     message PutArgs { repeated Pair pairs = 1; Pair first = 2; oneof choice { string a = 3; int32 b = 4; } }
     message PutReply {}`,
  );
  const { Connection, ContractError } = require(path.join(dir, 'transport.js')) as TransportModule;
  const connection = new Connection(path.join(tmp.path, 'nobody.sock'));
  try {
    const attempt = (args: unknown) => () => void connection.call('Put', args, 1_000).catch(() => undefined);
    expect(attempt({ pairs: [{ key: 'k', value: 'v' }], first: { key: 'k' }, choice: 'a', a: 'x' })).not.toThrow();
    expect(
      attempt({
        pairs: [
          { key: 'k', value: 'v' },
          { key: 'k', vlaue: 'v' },
        ],
      }),
    ).toThrow(ContractError);
    expect(attempt({ pairs: [{ key: 'k', vlaue: 'v' }] })).toThrow(
      "call('Put'), in pairs: field vlaue is not in message Pair of mr.proto (its fields: key, value)",
    );
    expect(attempt({ first: { kee: 'k' } })).toThrow(
      "call('Put'), in first: field kee is not in message Pair of mr.proto (its fields: key, value)",
    );
  } finally {
    connection.close();
  }
});

describe('end to end: the reference solution with one mistake', () => {
  function input(): string {
    fs.writeFileSync(path.join(tmp.path, 'in.txt'), 'some words and more words\n');
    return 'in.txt';
  }

  /** Starts the staged coordinator on a socket in the test's folder; resolves once it serves. */
  async function startCoordinator(dir: string) {
    const endpoint = path.join(tmp.path, 'c.sock');
    const child = processes.startNode(path.join(dir, 'src/main/mrcoordinator.js'), ['--endpoint', endpoint, input()], {
      cwd: tmp.path,
      env: { ...process.env, MR_TOKEN: undefined },
    });
    await waitForEndpoint(endpoint, 20_000, () => child.exitCode === null && child.signalCode === null);
    return { child, endpoint };
  }

  function runWorker(dir: string, endpoint: string) {
    return runNode(path.join(dir, 'src/main/mrworker.js'), ['--endpoint', endpoint, 'wc'], {
      cwd: tmp.path,
      timeoutMs: 20_000,
      env: { ...process.env, MR_TOKEN: undefined },
    });
  }

  test('a reply field mr.proto lacks (nReduce for n_reduce): the coordinator stops with one line', async () => {
    const dir = stage([{ file: 'coordinator.js', find: 'n_reduce: this.nReduce,', replace: 'nReduce: this.nReduce,' }]);
    const { child, endpoint } = await startCoordinator(dir);
    const worker = await runWorker(dir, endpoint);
    const coordinator = await withLimit(child, 20_000, 'the coordinator did not exit');

    expect(coordinator.exitCode).toBe(1);
    expect(coordinator.stderr).not.toMatch(/^\s+at /m);
    expect(oneLine(coordinator.stderr)).toBe(
      'mrcoordinator: handler RequestTask: field nReduce is not in message TaskReply of mr.proto ' +
        '(its fields: kind, task, file, n_map, n_reduce)',
    );
    expect(fs.existsSync(endpoint)).toBe(false); // it stopped serving and removed its socket
    // The worker's call failed (the coordinator has gone), so it did no task and left.
    expect(worker.exitCode).toBe(0);
    expect(fs.readdirSync(tmp.path).filter((name) => name.startsWith('mr-'))).toEqual([]);
  });

  test('an args field mr.proto lacks: the worker stops with one line and status 1', async () => {
    const dir = stage([{ file: 'worker.js', find: '{ worker: process.pid }', replace: '{ worker_id: process.pid }' }]);
    const { child, endpoint } = await startCoordinator(dir);
    const worker = await runWorker(dir, endpoint);

    expect(worker.exitCode).toBe(1);
    expect(oneLine(worker.stderr)).toBe(
      "mrworker: call('RequestTask'): field worker_id is not in message TaskRequest of mr.proto (its fields: worker)",
    );
    expect(child.exitCode).toBe(null); // the coordinator is unharmed, still waiting for workers
  });

  test("a misspelled method, call('RequestTsk'): the worker stops with one line and status 1", async () => {
    const dir = stage([{ file: 'worker.js', find: "call('RequestTask'", replace: "call('RequestTsk'" }]);
    const { endpoint } = await startCoordinator(dir);
    const worker = await runWorker(dir, endpoint);

    expect(worker.exitCode).toBe(1);
    expect(oneLine(worker.stderr)).toBe(
      "mrworker: call('RequestTsk'): no rpc RequestTsk in mr.proto (its rpcs: Example, RequestTask, ReportTask)",
    );
  });

  test('a handler with no rpc in mr.proto: the coordinator does not start', async () => {
    const dir = stage([{ file: 'coordinator.js', find: 'ReportTask: (args) =>', replace: 'ReportTsk: (args) =>' }]);
    const result = await runNode(path.join(dir, 'src/main/mrcoordinator.js'), ['--endpoint', './c.sock', input()], {
      cwd: tmp.path,
      timeoutMs: 20_000,
    });
    expect(result.exitCode).toBe(1);
    expect(oneLine(result.stderr)).toBe(
      'mrcoordinator: handler ReportTsk: no rpc ReportTsk in mr.proto (its rpcs: Example, RequestTask, ReportTask)',
    );
  });
});

// The challenge track's workers serve each other: a second service of mr.proto, served and called by name.
describe('a service besides the Coordinator', () => {
  interface Served {
    serve(endpoint: string, handlers: Record<string, (args: any) => unknown>, service?: string): Promise<unknown>;
    stopServing(server: unknown, endpoint: string): void;
    Connection: new (
      endpoint: string,
      service?: string,
    ) => { call(method: string, args: unknown, timeoutMs?: number): Promise<any>; close(): void };
    ContractError: new (message: string) => Error;
  }
  let t: Served;
  beforeAll(() => {
    const top = path.join(ROOT, '.mr-build', `contract-${process.pid}-peers`);
    stages.push(top);
    const dir = path.join(top, 'mr');
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(dist('src/mr/transport.js'), path.join(dir, 'transport.js'));
    fs.cpSync(path.dirname(dist('src/kit/endpoint.js')), path.join(top, 'kit'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'mr.proto'),
      `syntax = "proto3";
       package mr;
       service Coordinator { rpc Example (ExampleArgs) returns (ExampleReply); }
       service Worker { rpc Fetch (FetchArgs) returns (FetchReply); }
       message ExampleArgs { int32 x = 1; }
       message ExampleReply { int32 y = 1; }
       message FetchArgs { int32 map_task = 1; int32 reduce_task = 2; }
       message FetchReply { bytes data = 1; }`,
    );
    t = require(path.join(dir, 'transport.js')) as Served;
  });

  test('a worker serves it and another calls it by name; the Coordinator stays the default', async () => {
    const endpoint = path.join(tmp.path, 'peer.sock');
    const server = await t.serve(
      endpoint,
      {
        Fetch: (a: { map_task: number; reduce_task: number }) => ({
          data: Buffer.from(`mr-${a.map_task}-${a.reduce_task}`),
        }),
      },
      'Worker',
    );
    const peer = new t.Connection(endpoint, 'Worker');
    try {
      const result = await peer.call('Fetch', { map_task: 3, reduce_task: 7 }, 5_000);
      expect(result.ok).toBe(true);
      expect(Buffer.from(result.reply.data).toString()).toBe('mr-3-7');
      // A Coordinator connection to the same socket knows only the Coordinator's rpcs.
      const coordinator = new t.Connection(endpoint);
      try {
        expect(() => void coordinator.call('Fetch', {})).toThrow(
          "call('Fetch'): no rpc Fetch in mr.proto (its rpcs: Example)",
        );
      } finally {
        coordinator.close();
      }
    } finally {
      peer.close();
      t.stopServing(server, endpoint);
    }
  });

  test('an rpc or a service mr.proto lacks is a ContractError naming both', async () => {
    const peer = new t.Connection(path.join(tmp.path, 'nobody.sock'), 'Worker');
    try {
      expect(() => void peer.call('Example', { x: 1 })).toThrow(
        "call('Example'): no rpc Example in service Worker of mr.proto (its rpcs: Fetch)",
      );
    } finally {
      peer.close();
    }
    expect(() => new t.Connection(path.join(tmp.path, 'x.sock'), 'Mapper')).toThrow(
      'new Connection(Mapper): no service Mapper in mr.proto (its services: Coordinator, Worker)',
    );
    await expect(t.serve(path.join(tmp.path, 'y.sock'), { Fetch: () => ({}) }, 'Mapper')).rejects.toThrow(
      t.ContractError,
    );
  });
});
