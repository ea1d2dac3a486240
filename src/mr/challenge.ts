// The challenge track (the paper's MapReduce): each worker has a "local disk"
// of its own, a private folder no other worker reads; the job's folder is the
// shared one ("GFS") and holds only the inputs and the final mr-out files.
// A map worker keeps its intermediate files on its local disk and serves them
// to reducers over RPC, on an endpoint of its own.
//
// `mrworker --challenge` sets this up before your worker() runs, and your
// worker asks challenge() where things are. In the course's mode there is
// no challenge: challenge() returns undefined.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface Challenge {
  /** The job's shared folder: the inputs are read here and the mr-out files written here. */
  shared: string;
  /** This worker's local disk, and its current directory: nobody else reads it. */
  local: string;
  /** Where this worker serves the Worker service of mr.proto to the other workers. */
  serveOn: string;
}

const SHARED = 'MR_CHALLENGE_SHARED';
const LOCAL = 'MR_CHALLENGE_LOCAL';
const SERVE_ON = 'MR_CHALLENGE_SERVE_ON';

/** Where this worker's disks and endpoint are, in the challenge track; undefined in the course's mode. */
export function challenge(env: NodeJS.ProcessEnv = process.env): Challenge | undefined {
  const shared = env[SHARED];
  const local = env[LOCAL];
  const serveOn = env[SERVE_ON];
  return shared && local && serveOn ? { shared, local, serveOn } : undefined;
}

/**
 * The worker driver's part: makes the local disk (`local`, or a fresh
 * folder in the system's temporary folder), private to this user, moves the
 * process into it, and says where everything is for challenge(). The shared
 * folder is the one the worker was started in.
 */
export function enterChallenge(options: { local?: string; serveOn?: string } = {}): Challenge {
  const shared = process.cwd();
  let local: string;
  if (options.local) {
    local = path.resolve(options.local);
    fs.mkdirSync(local, { recursive: true, mode: 0o700 });
    if (fs.readdirSync(local).length > 0) throw new ChallengeError(`--local ${local} is not empty: a local disk starts empty`);
  } else {
    local = fs.mkdtempSync(path.join(os.tmpdir(), 'mr-local-'));
  }
  fs.chmodSync(local, 0o700);
  if (isInside(local, shared) || isInside(shared, local)) {
    throw new ChallengeError(`the local disk ${local} and the shared folder ${shared} must not be inside each other`);
  }
  const serveOn = options.serveOn ?? path.join(local, 'worker.sock');
  process.chdir(local);
  process.env[SHARED] = shared;
  process.env[LOCAL] = local;
  process.env[SERVE_ON] = serveOn;
  return { shared, local, serveOn };
}

/** A challenge set-up that cannot work, said in one line. */
export class ChallengeError extends Error {
  readonly code = 'ECHALLENGE';
}

function isInside(dir: string, parent: string): boolean {
  const rel = path.relative(parent, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
