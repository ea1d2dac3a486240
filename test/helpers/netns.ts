// Network namespaces for tests that put the coordinator and the workers on
// "different machines": two namespaces joined by a veth pair, on addresses
// that exist only inside them. Needs root and iproute2; probeNetns() says
// whether this machine can, so a test can skip instead of failing.

import execa = require('execa');
export {
  deleteNetnsPair,
  listNetns,
  makeNetnsPair,
  type NetnsPair,
  probeNetns,
  rootHasAddressIn,
} from '../../grader/sandbox/netns';
import { Processes, running } from './proc';

export interface NsRunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
}

/**
 * Processes started inside a namespace with `ip netns exec NS node ...`, each in
 * its own process group (ip netns exec becomes the command, no fork), so
 * killAll() ends them as it does any other.
 */
export class NsProcesses extends Processes {
  /** Starts `node args...` in the namespace, in the background, with exactly the environment given. */
  startIn(ns: string, args: string[], options: NsRunOptions = {}): execa.ExecaChildProcess {
    return this.start('ip', ['netns', 'exec', ns, process.execPath, ...args], { ...options, extendEnv: false });
  }
}

export { running };
