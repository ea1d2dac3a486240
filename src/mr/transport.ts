// Provided: the gRPC plumbing between coordinator and workers.
// You should not need to change this file. Read it once to see how a
// handler is served and how a call comes back (or doesn't).
//
// The contract is mr.proto, next to this file: every RPC you add there
// becomes a method name you can serve() and call().

import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** A handler takes the decoded request message and returns (or resolves to) the reply. */
export type Handler = (args: any) => unknown;

/** The result of call(): the reply, or why the coordinator did not answer. */
export type CallResult<Reply> = { ok: true; reply: Reply } | { ok: false; error: string };

const PROTO_FILE = path.join(__dirname, 'mr.proto');
const TOKEN_HEADER = 'mr-token';

// keepCase: fields keep their .proto names. defaults: a zero or empty field
// arrives as 0 or "" instead of being left out, so replies are never partial.
const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  arrays: true,
  oneofs: true,
};

let cachedService: grpc.ServiceClientConstructor | undefined;

/** The Coordinator service described by mr.proto. */
function coordinatorService(): grpc.ServiceClientConstructor {
  if (!cachedService) {
    const definition = protoLoader.loadSync(PROTO_FILE, LOADER_OPTIONS);
    const pkg = grpc.loadPackageDefinition(definition).mr as grpc.GrpcObject;
    cachedService = pkg.Coordinator as grpc.ServiceClientConstructor;
  }
  return cachedService;
}

// ---------------------------------------------------------------- endpoints

/** A problem with the endpoint itself, reported to the user as one line. */
export class EndpointError extends Error {
  readonly code = 'EENDPOINT';
}


/**
 * Where the coordinator listens. In order: the explicit value (a driver's
 * --endpoint), then $MR_ENDPOINT, then a unix socket in a private per-user
 * directory. A value with a "/" is a unix socket path; "host:port" (or
 * ":port", meaning loopback) is TCP, for workers on other machines.
 */
export function resolveEndpoint(explicit?: string): string {
  const chosen = explicit || process.env.MR_ENDPOINT;
  if (chosen) return chosen;
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return path.join(privateDir(path.join(os.tmpdir(), `mr-lab-${uid}`)), 'coordinator.sock');
}

/** Makes (or checks) a directory only its owner can enter. */
function privateDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = fs.statSync(dir);
  const uid = typeof process.getuid === 'function' ? process.getuid() : st.uid;
  if (st.uid !== uid || (st.mode & 0o077) !== 0) {
    throw new EndpointError(`${dir} must be a directory owned by you with mode 0700 (remove it, or set MR_ENDPOINT)`);
  }
  return dir;
}

/** True for a unix socket endpoint, false for TCP host:port. */
export function isUnixSocket(endpoint: string): boolean {
  return endpoint.includes('/') || endpoint.startsWith('unix:');
}

function socketPath(endpoint: string): string {
  return path.resolve(endpoint.replace(/^unix:(\/\/)?/, ''));
}

/** The address gRPC understands, for a client (connect) or a server (bind). */
function grpcAddress(endpoint: string, forBind: boolean): string {
  if (isUnixSocket(endpoint)) return `unix:${socketPath(endpoint)}`;
  const match = /^(.*):(\d+)$/.exec(endpoint) ?? /^()(\d+)$/.exec(endpoint);
  if (!match) throw new EndpointError(`bad endpoint "${endpoint}": expected a socket path or host:port`);
  const host = match[1] || '127.0.0.1';
  return forBind || match[1] ? `${host}:${match[2]}` : `127.0.0.1:${match[2]}`;
}

/** The shared secret a TCP coordinator demands, from $MR_TOKEN ("" for none). */
function runToken(): string {
  return process.env.MR_TOKEN ?? '';
}

// ------------------------------------------------------------------- server

/**
 * Serves the Coordinator service on the endpoint. Each handler is named
 * after an rpc in mr.proto. Handlers run on the event loop, one at a time
 * between awaits, so plain objects need no locks; but state you read before
 * an await may have changed after it.
 */
export async function serve(endpoint: string, handlers: Record<string, Handler>): Promise<grpc.Server> {
  const service = coordinatorService().service;
  for (const name of Object.keys(handlers)) {
    if (!(name in service)) throw new EndpointError(`handler ${name} has no rpc ${name} in mr.proto`);
  }
  if (isUnixSocket(endpoint)) await removeStaleSocket(socketPath(endpoint));

  const token = runToken();
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(handlers)) {
    implementation[name] = (call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) => {
      if (token && call.metadata.get(TOKEN_HEADER)[0] !== token) {
        callback({ code: grpc.status.UNAUTHENTICATED, details: 'wrong or missing MR_TOKEN' });
        return;
      }
      Promise.resolve()
        .then(() => handler(call.request))
        .then(
          (reply) => callback(null, reply ?? {}),
          (err) => callback({ code: grpc.status.INTERNAL, details: String(err?.stack ?? err) }),
        );
    };
  }

  const server = new grpc.Server();
  server.addService(service, implementation);
  await new Promise<void>((resolve, reject) => {
    server.bindAsync(grpcAddress(endpoint, true), grpc.ServerCredentials.createInsecure(), (err) =>
      err ? reject(new EndpointError(`cannot serve on ${endpoint}: ${err.message}`)) : resolve(),
    );
  });
  return server;
}

/** Stops a server at once and removes its socket file. */
export function stopServing(server: grpc.Server, endpoint: string): void {
  server.forceShutdown();
  if (isUnixSocket(endpoint)) fs.rmSync(socketPath(endpoint), { force: true });
}

/**
 * A killed coordinator leaves its socket file behind, and binding again
 * would fail. Remove it, unless a live coordinator still answers there.
 */
async function removeStaleSocket(file: string): Promise<void> {
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    return;
  }
  const alive = await new Promise<boolean>((resolve) => {
    const probe = net.connect(file);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (alive) throw new EndpointError(`endpoint ${file} is already served by a live coordinator`);
  fs.rmSync(file, { force: true });
}

// ------------------------------------------------------------------- client

/** A connection to the coordinator. close() it, or the process cannot exit. */
export class Connection {
  private readonly client: grpc.Client;
  private readonly metadata = new grpc.Metadata();

  constructor(readonly endpoint: string) {
    const Client = coordinatorService();
    this.client = new Client(grpcAddress(endpoint, false), grpc.credentials.createInsecure());
    if (runToken()) this.metadata.set(TOKEN_HEADER, runToken());
  }

  /** Calls an rpc of mr.proto. Never throws: a failure comes back as { ok: false }. */
  call<Reply>(method: string, args: object, timeoutMs = 30_000): Promise<CallResult<Reply>> {
    const fn = (this.client as any)[method];
    if (typeof fn !== 'function') {
      return Promise.resolve({ ok: false, error: `no rpc ${method} in mr.proto` });
    }
    const deadline = new Date(Date.now() + timeoutMs);
    return new Promise((resolve) => {
      fn.call(this.client, args, this.metadata, { deadline }, (err: grpc.ServiceError | null, reply: Reply) =>
        resolve(err ? { ok: false, error: err.details || err.message } : { ok: true, reply }),
      );
    });
  }

  close(): void {
    this.client.close();
  }
}
