// Provided: the gRPC plumbing between coordinator and workers.
// You should not need to change this file. Read it once to see how a
// handler is served and how a call comes back (or doesn't).
//
// The contract is mr.proto, next to this file: every RPC you add there
// becomes a method name you can serve() and call(). Each message is checked
// against it before it is sent, because protobuf would drop a field that
// mr.proto lacks without a word. The course's lab has one service, the
// Coordinator; the challenge track adds one that workers serve to each other.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { accepting } from '../kit/endpoint';

/** A handler takes the decoded request message and returns (or resolves to) the reply. */
export type Handler = (args: any) => unknown;

/** The result of call(): the reply, or why the coordinator did not answer. */
export type CallResult<Reply> = { ok: true; reply: Reply } | { ok: false; error: string };

const PROTO_FILE = path.join(__dirname, 'mr.proto');
const PROTO_NAME = path.basename(PROTO_FILE);
const PACKAGE = 'mr';
const TOKEN_HEADER = 'mr-token';
/** The service of mr.proto that serve() and Connection use unless told another. */
const COORDINATOR = 'Coordinator';

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

// gRPC's own error log ("E No address added ...") repeats what our errors
// say, as a second line. Setting GRPC_VERBOSITY (DEBUG, INFO) brings it back.
if (!process.env.GRPC_VERBOSITY && !process.env.GRPC_NODE_VERBOSITY) grpc.setLogVerbosity(grpc.logVerbosity.NONE);

let cachedDefinition: protoLoader.PackageDefinition | undefined;

/** mr.proto as proto-loader reads it: the service and every message, by full name ("mr.ExampleArgs"). */
function contract(): protoLoader.PackageDefinition {
  cachedDefinition ??= protoLoader.loadSync(PROTO_FILE, LOADER_OPTIONS);
  return cachedDefinition;
}

/** A mistake in using mr.proto (an rpc or a field it lacks): a bug to fix, not a failure to retry. */
export class ContractError extends Error {
  readonly code = 'ECONTRACT';
}

/** The services mr.proto declares, by name ("Coordinator"). */
function serviceNames(): string[] {
  return Object.keys(contract())
    .filter((name) => name.startsWith(`${PACKAGE}.`) && !('format' in contract()[name]))
    .map((name) => name.slice(PACKAGE.length + 1));
}

let cachedPackage: grpc.GrpcObject | undefined;

/** The service `name` of mr.proto, as gRPC serves and calls it; else a ContractError. */
function grpcService(name: string, who: string): grpc.ServiceClientConstructor {
  cachedPackage ??= grpc.loadPackageDefinition(contract())[PACKAGE] as grpc.GrpcObject;
  const service = Object.hasOwn(cachedPackage, name) ? cachedPackage[name] : undefined;
  if (typeof service !== 'function' || !serviceNames().includes(name)) {
    throw new ContractError(`${who}: no service ${name} in ${PROTO_NAME} (its services: ${serviceNames().join(', ')})`);
  }
  return service as grpc.ServiceClientConstructor;
}

/** The rpc `method` of a service of mr.proto; else a ContractError, saying `who` asked, listing the rpcs there are. */
function rpcOf(method: string, who: string, serviceName: string): protoLoader.MethodDefinition<object, object> {
  grpcService(serviceName, who); // is there such a service?
  const service = contract()[`${PACKAGE}.${serviceName}`] as protoLoader.ServiceDefinition;
  if (!Object.hasOwn(service, method)) {
    const rpcs = Object.keys(service).join(', ');
    const where = serviceName === COORDINATOR ? PROTO_NAME : `service ${serviceName} of ${PROTO_NAME}`;
    throw new ContractError(`${who}: no rpc ${method} in ${where} (its rpcs: ${rpcs})`);
  }
  return service[method];
}

// The shape of a message in proto-loader's type information: a
// DescriptorProto, as a plain object, with only the parts read here.
interface MessageShape {
  name: string;
  field: { name: string; type: string; typeName: string; label: string }[];
  oneofDecl: { name: string }[];
}

/**
 * protobufjs encodes the fields a message declares and silently drops any
 * other, so a misspelled field (nReduce for n_reduce) would reach the other
 * side as 0. Refuse such a message before it is sent; `who` is sending it.
 */
function checkFields(value: unknown, type: protoLoader.MessageTypeDefinition<object, object>, who: string): void {
  const shape = type.type as MessageShape;
  const message = `message ${shape.name} of ${PROTO_NAME}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ContractError(`${who}: ${String(value)} is not an object, so not a ${message}`);
  }
  for (const [key, inner] of Object.entries(value)) {
    const field = shape.field.find((f) => f.name === key);
    if (!field) {
      if (shape.oneofDecl.some((o) => o.name === key)) continue; // a oneof's name, as messages arrive (oneofs: true)
      const fields = shape.field.map((f) => f.name).join(', ') || 'none';
      throw new ContractError(`${who}: field ${key} is not in ${message} (its fields: ${fields})`);
    }
    // A field holding messages declared in mr.proto: check those too (map fields are not checked).
    const nested = field.type === 'TYPE_MESSAGE' ? contract()[`${PACKAGE}.${field.typeName}`] : undefined;
    if (!nested || inner === null || inner === undefined) continue;
    const items = field.label === 'LABEL_REPEATED' && Array.isArray(inner) ? inner : [inner];
    for (const item of items) checkFields(item, nested as typeof type, `${who}, in ${key}`);
  }
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
 * Throws an EndpointError for a value that can never work.
 */
export function resolveEndpoint(explicit?: string): string {
  const chosen = explicit || process.env.MR_ENDPOINT;
  if (chosen) {
    grpcAddress(chosen, true); // checks it, so a driver fails before it does anything else
    return chosen;
  }
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const dir = path.join(os.tmpdir(), `mr-lab-${uid}`);
  const endpoint = path.join(dir, 'coordinator.sock');
  socketPath(endpoint); // too long? say so before making the folder
  privateDir(dir);
  return endpoint;
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

// A socket's path must fit in sun_path: 108 bytes on Linux, 104 on macOS and
// the BSDs, counting the NUL at its end. A longer one is cut short when the
// socket is made, and lands somewhere else.
const MAX_SOCKET_PATH = process.platform === 'linux' ? 107 : 103;

function socketPath(endpoint: string): string {
  const file = path.resolve(endpoint.replace(/^unix:(\/\/)?/, ''));
  const bytes = Buffer.byteLength(file);
  if (bytes > MAX_SOCKET_PATH) {
    throw new EndpointError(
      `socket path ${file} is ${bytes} bytes, longer than the ${MAX_SOCKET_PATH} a unix socket path may have: ` +
        'set MR_ENDPOINT (or --endpoint) to a shorter path, or use a shorter TMPDIR',
    );
  }
  return file;
}

/** The address gRPC understands, for a client (connect) or a server (bind). */
function grpcAddress(endpoint: string, forBind: boolean): string {
  if (isUnixSocket(endpoint)) return `unix:${socketPath(endpoint)}`;
  const match = /^(.*):(\d+)$/.exec(endpoint) ?? /^()(\d+)$/.exec(endpoint);
  if (!match) {
    const expected = `a socket path (with a "/", as ./${endpoint}) or host:port`;
    throw new EndpointError(`bad endpoint "${endpoint}": expected ${expected}`);
  }
  const host = match[1] || '127.0.0.1';
  return forBind || match[1] ? `${host}:${match[2]}` : `127.0.0.1:${match[2]}`;
}

/** The shared secret a TCP coordinator demands, from $MR_TOKEN ("" for none). */
function runToken(): string {
  return process.env.MR_TOKEN ?? '';
}

// ------------------------------------------------------------------- server

/**
 * Serves the Coordinator service (or another service of mr.proto) on the
 * endpoint. Each handler is named after an rpc of that service. Handlers run
 * on the event loop, one at a time between awaits, so plain objects need no
 * locks; but state you read before an await may have changed after it.
 */
export async function serve(
  endpoint: string,
  handlers: Record<string, Handler>,
  serviceName = COORDINATOR,
): Promise<grpc.Server> {
  const service = grpcService(serviceName, `serve(${serviceName})`);
  const rpcs = new Map(Object.keys(handlers).map((name) => [name, rpcOf(name, `handler ${name}`, serviceName)]));
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
          (reply) => {
            try {
              checkFields(reply ?? {}, rpcs.get(name)!.responseType, `handler ${name}`);
            } catch (err) {
              // A reply mr.proto cannot carry is a bug in the coordinator: tell
              // the worker, then stop serving and fail the process with the
              // reason (thrown outside any promise, so that it ends the process).
              callback({ code: grpc.status.INTERNAL, details: (err as Error).message });
              setImmediate(() => {
                stopServing(server, endpoint);
                throw err;
              });
              return;
            }
            callback(null, reply ?? {});
          },
          (err) => callback({ code: grpc.status.INTERNAL, details: String(err?.stack ?? err) }),
        );
    };
  }

  const server = new grpc.Server();
  server.addService(service.service, implementation);
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
 * Anything else at the path (a mistyped --endpoint naming an input file,
 * say) is the user's, and is never removed.
 */
async function removeStaleSocket(file: string): Promise<void> {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    return;
  }
  if (!stat.isSocket()) {
    const kind = stat.isDirectory() ? 'a directory' : stat.isFile() ? 'a file' : 'something else';
    throw new EndpointError(`endpoint ${file} is ${kind}, not a socket: not removing it (choose another endpoint)`);
  }
  if (await accepting(file)) throw new EndpointError(`endpoint ${file} is already served by a live coordinator`);
  fs.rmSync(file, { force: true });
}

// ------------------------------------------------------------------- client

/** A connection to the coordinator (or to a server of another service of mr.proto). close() it, or the process cannot exit. */
export class Connection {
  private readonly client: grpc.Client;
  private readonly metadata = new grpc.Metadata();

  constructor(
    readonly endpoint: string,
    readonly serviceName = COORDINATOR,
  ) {
    const Client = grpcService(serviceName, `new Connection(${serviceName})`);
    this.client = new Client(grpcAddress(endpoint, false), grpc.credentials.createInsecure());
    if (runToken()) this.metadata.set(TOKEN_HEADER, runToken());
  }

  /**
   * Calls an rpc of mr.proto. When the call fails (the coordinator has gone,
   * took longer than timeoutMs, or its handler threw), the result is
   * { ok: false }. A mistake, which would fail the same way every time,
   * throws instead: an rpc or a field mr.proto lacks (ContractError), or a
   * token the coordinator refuses (EndpointError).
   */
  call<Reply>(method: string, args: object, timeoutMs = 30_000): Promise<CallResult<Reply>> {
    const rpc = rpcOf(method, `call('${method}')`, this.serviceName);
    checkFields(args, rpc.requestType, `call('${method}')`);
    const fn = (this.client as any)[method]; // the client has a method per rpc
    const deadline = new Date(Date.now() + timeoutMs);
    return new Promise((resolve, reject) => {
      fn.call(this.client, args, this.metadata, { deadline }, (err: grpc.ServiceError | null, reply: Reply) => {
        if (err?.code === grpc.status.UNAUTHENTICATED) {
          const who = this.serviceName === COORDINATOR ? 'the coordinator' : `the ${this.serviceName} server`;
          const why = `${who} at ${this.endpoint} refused the call: ${err.details}`;
          reject(new EndpointError(`${why} (set MR_TOKEN to the token it printed)`));
        } else {
          resolve(err ? { ok: false, error: err.details || err.message } : { ok: true, reply });
        }
      });
    });
  }

  close(): void {
    this.client.close();
  }
}
