// Which of Node's own modules a peer may require. Pure ones come from the
// host as they are; the timers, perf_hooks and process are the simulated
// ones; everything that reaches the real world is a trap with the reason.

import * as assert from 'assert';
import * as buffer from 'buffer';
import * as events from 'events';
import * as path from 'path';
import * as querystring from 'querystring';
import * as stringDecoder from 'string_decoder';
import * as url from 'url';
import * as util from 'util';
import { builtinModules } from 'module';

export type BuiltinRule = { kind: 'host'; module: unknown } | { kind: 'simulated' } | { kind: 'trap'; reason: string };

const HOST: Record<string, unknown> = {
  assert, 'assert/strict': assert.strict, buffer, events, path, 'path/posix': path.posix,
  querystring, string_decoder: stringDecoder, url, util,
};
const SIMULATED = ['timers', 'timers/promises', 'perf_hooks', 'process'];

const TRAPS: [string[], string][] = [
  [['fs', 'fs/promises', 'readline', 'readline/promises', 'repl', 'tty', 'module', 'wasi', 'sqlite'],
    'real I/O is outside the simulation; the persister is the only disk'],
  [['net', 'http', 'https', 'http2', 'tls', 'dgram', 'dns', 'dns/promises'],
    'the real network is outside the simulation; a peer reaches the others only through its ClientEnds'],
  [['child_process', 'cluster', 'worker_threads'],
    'other threads and processes are outside the simulation; a peer is one event loop'],
  [['crypto'], "its randomness is outside the simulation; Math.random() is seeded"],
  [['os'], 'the real machine is outside the simulation'],
  [['stream', 'stream/promises', 'stream/web', 'zlib'], 'it runs on the real event loop, outside the simulation'],
];

/** The rule for a bare name ('fs', 'node:fs'), or undefined if it is not one of Node's modules. */
export function builtinRule(name: string): BuiltinRule | undefined {
  const bare = name.startsWith('node:') ? name.slice(5) : name;
  if (!name.startsWith('node:') && !builtinModules.includes(bare)) return undefined;
  if (bare in HOST) return { kind: 'host', module: HOST[bare] };
  if (SIMULATED.includes(bare)) return { kind: 'simulated' };
  const trap = TRAPS.find(([names]) => names.includes(bare));
  return { kind: 'trap', reason: trap ? trap[1] : 'it is not available inside the simulation' };
}

export function bareName(name: string): string {
  return name.startsWith('node:') ? name.slice(5) : name;
}
