// Network namespaces: "machines" on one Linux box, for the challenge
// track's two-hosts test and the kit's own netns test. Two namespaces joined
// by a veth pair made directly inside them, on addresses that exist only
// there: no packet ever reaches the machine's own network. Needs root and
// iproute2; probeNetns() says why not, so a test can skip with that reason.

import { spawnSync } from 'child_process';
import * as fs from 'fs';

/** Where `ip netns add` mounts a namespace: `nsenter --net=<here>/<name>` enters it. */
export const NETNS_DIR = '/run/netns';
/** util-linux's nsenter, which starts a command in a named namespace (and keeps its pid: it execs). */
export const NSENTER = '/usr/bin/nsenter';

/** Runs `ip args...`; returns its exit status and stderr (status -1 when ip cannot be run at all). */
function ip(args: string[]): { status: number; stderr: string } {
  const result = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  if (result.error) return { status: -1, stderr: result.error.message };
  return { status: result.status ?? -1, stderr: (result.stderr ?? '').trim() };
}

/** Runs `ip args...`, throwing with ip's own message when it fails. */
function ipOrThrow(args: string[]): void {
  const result = ip(args);
  if (result.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${result.stderr}`);
}

/** Why network namespaces cannot be used here, or undefined when they can (made and deleted one to see). */
export function probeNetns(): string | undefined {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'network namespaces need root';
  if (!fs.existsSync(NSENTER)) return `${NSENTER} (util-linux) is not installed`;
  const version = ip(['-V']);
  if (version.status !== 0) return `the ip command (iproute2) is not usable: ${version.stderr}`;
  const name = `mrlab-probe-${process.pid}`;
  ip(['netns', 'del', name]); // a leftover of an earlier run with this pid
  const added = ip(['netns', 'add', name]);
  if (added.status !== 0) return `ip netns add failed: ${added.stderr}`;
  const deleted = ip(['netns', 'del', name]);
  if (deleted.status !== 0) return `ip netns del failed: ${deleted.stderr}`;
  return undefined;
}

/** The names of this machine's network namespaces (ip netns list). */
export function listNetns(): string[] {
  const result = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 10_000 });
  return (result.stdout ?? '')
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter(Boolean);
}

export interface NetnsPair {
  /** Namespace names, e.g. mrlab-c-1234 and mrlab-w-1234. */
  a: string;
  b: string;
  /** The addresses of a's and b's end of the veth pair (a /30 between them). */
  addressA: string;
  addressB: string;
}

/**
 * Makes two namespaces joined by a veth pair created directly inside them (it never
 * appears in the root namespace), brings up both ends and both loopbacks. On any
 * failure whatever was made is deleted again before the error is thrown.
 * `subnet` is the first three octets of a /30, e.g. "10.213.7", with `base` its
 * first address (a multiple of 4); the ends get base+1 and base+2.
 */
export function makeNetnsPair(tagA: string, tagB: string, subnet: string, base: number): NetnsPair {
  const pair: NetnsPair = {
    a: `mrlab-${tagA}-${process.pid}`,
    b: `mrlab-${tagB}-${process.pid}`,
    addressA: `${subnet}.${base + 1}`,
    addressB: `${subnet}.${base + 2}`,
  };
  const vethA = `mr${tagA}${process.pid}`.slice(0, 15);
  const vethB = `mr${tagB}${process.pid}`.slice(0, 15);
  deleteNetnsPair(pair); // leftovers of an earlier run with this pid
  try {
    ipOrThrow(['netns', 'add', pair.a]);
    ipOrThrow(['netns', 'add', pair.b]);
    ipOrThrow(['link', 'add', vethA, 'netns', pair.a, 'type', 'veth', 'peer', 'name', vethB, 'netns', pair.b]);
    for (const [ns, veth, address] of [
      [pair.a, vethA, pair.addressA],
      [pair.b, vethB, pair.addressB],
    ]) {
      ipOrThrow(['-n', ns, 'addr', 'add', `${address}/30`, 'dev', veth]);
      ipOrThrow(['-n', ns, 'link', 'set', veth, 'up']);
      ipOrThrow(['-n', ns, 'link', 'set', 'lo', 'up']);
    }
  } catch (err) {
    deleteNetnsPair(pair);
    throw err;
  }
  return pair;
}

/** Deletes both namespaces (and with them the veth pair); quiet when they do not exist. */
export function deleteNetnsPair(pair: NetnsPair): void {
  for (const ns of [pair.a, pair.b]) {
    if (listNetns().includes(ns)) ipOrThrow(['netns', 'del', ns]);
  }
}

/** Deletes one namespace made by makeNetnsPair, if it is there; never throws (the watchdog's last cleanup). */
export function deleteNetns(name: string): void {
  if (/^mrlab-[\w-]+$/.test(name) && listNetns().includes(name)) ip(['netns', 'del', name]);
}

/** Whether any interface of the root namespace (this process's) has an address in subnet/30 at base. */
export function rootHasAddressIn(subnet: string, base: number): boolean {
  const result = spawnSync('ip', ['-o', 'addr', 'show', 'to', `${subnet}.${base}/30`], { encoding: 'utf8' });
  return (result.stdout ?? '').trim() !== '';
}
