// Is anything serving an endpoint (a unix socket path, or host:port)? The
// one test every side uses: the transport before it replaces a socket file,
// the grader and the benchmark while a coordinator starts, the kit's tests.

import * as net from 'net';
import { sleep } from './time';

/** True when a connection to the endpoint is accepted now; the probe is closed at once. */
export function accepting(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const tcp = /^(.*):(\d+)$/.exec(endpoint);
    const probe = endpoint.includes('/') || !tcp ? net.connect(endpoint) : net.connect(Number(tcp[2]), tcp[1]);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => {
      probe.destroy();
      resolve(false);
    });
  });
}

/**
 * Waits until the endpoint accepts connections: true, or false once
 * `limitMs` has passed or `alive()` says the server is gone.
 */
export async function waitUntilAccepting(
  endpoint: string,
  limitMs: number,
  { everyMs = 50, alive }: { everyMs?: number; alive?: () => boolean } = {},
): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    if (await accepting(endpoint)) return true;
    if ((alive && !alive()) || Date.now() >= deadline) return false;
    await sleep(everyMs);
  }
}
