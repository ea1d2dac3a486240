// Whether a coordinator on another "host" (a network namespace of
// sandbox/netns.ts, the two-hosts test) accepts connections yet: the
// grader's own namespace cannot reach it, so a short probe of the grader's
// runs there. Started by the grader's registry, so it ends with the grader.

import * as path from 'path';
import { Registry, sleep } from '../../../core/processes';
import { NETNS_DIR, NSENTER } from '../../../sandbox/netns';

/**
 * Waits until a TCP endpoint ("host:port") accepts connections inside a
 * network namespace, which the grader's own cannot reach: a short probe
 * (the grader's, started by its registry) runs there, again and again,
 * until one connects or `limitMs` has passed.
 */
export async function acceptingOnHost(
  registry: Registry,
  netns: string,
  endpoint: string,
  limitMs: number,
  alive: () => boolean,
): Promise<boolean> {
  const at = endpoint.lastIndexOf(':');
  const [host, port] = [endpoint.slice(0, at) || '127.0.0.1', Number(endpoint.slice(at + 1))];
  const probe =
    `const s = require('net').connect(${port}, ${JSON.stringify(host)});` +
    "s.on('connect', () => process.exit(0)); s.on('error', () => process.exit(1)); setTimeout(() => process.exit(1), 1000);";
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline && alive()) {
    const proc = registry.spawn({
      role: `probe of ${endpoint}`,
      command: NSENTER,
      args: [`--net=${path.join(NETNS_DIR, netns)}`, '--', process.execPath, '-e', probe],
      cwd: '/',
      limitMs: 3000,
      echo: false,
    });
    const exit = await proc.exited;
    if (exit.code === 0) return true;
    await sleep(200);
  }
  return false;
}
