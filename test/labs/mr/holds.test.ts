// Holds (src/main/holds.ts), the workers' side of the grader's forced
// schedules: a process holds exactly where and as often as it is asked,
// records that it did, and goes on only when its release file appears.

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { dist, runNode, RunResult } from '../../helpers/proc';
import { makeTempDir, removeTempDir } from '../../helpers/tmpdir';

// A stand-in worker: the steps on its command line, one hook call each, "did <step>" after each.
const SCRIPT = `
const fs = require('fs');
const [holdsJs, log, ...steps] = process.argv.slice(1);
const holds = require(holdsJs).holdsFromEnv((e) => fs.appendFileSync(log, JSON.stringify({ pid: process.pid, ...e }) + '\\n'));
if (!holds) { console.log('no holds'); process.exit(0); }
for (const step of steps) {
  const [hook, phase, input] = step.split(':');
  if (hook === 'before') holds.beforeCall(phase, input);
  else if (hook === 'after') holds.afterCall(phase, input);
  else if (hook === 'rpc') holds.beforeRpc();
  else if (hook === 'fetch') holds.beforeFetch();
  else holds.beforeRead();
  console.log('did ' + step);
}
`;

let dir: string;
beforeEach(() => {
  dir = makeTempDir('mr-holds-');
});
afterEach(() => removeTempDir(dir));

const sha1 = (s: string): string => crypto.createHash('sha1').update(s).digest('hex');

function start(steps: string[], env: Record<string, string>): { log: string; done: Promise<RunResult> } {
  const log = path.join(dir, 'trace.jsonl');
  const done = runNode('-e', [SCRIPT, dist('src/main/holds.js'), log, ...steps], {
    env: { PATH: process.env.PATH, ...env },
    timeoutMs: 20_000,
  });
  return { log, done };
}

/** The holds recorded so far. */
function held(log: string): Array<Record<string, unknown>> {
  if (!fs.existsSync(log)) return [];
  return fs
    .readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

async function waitHolds(log: string, n: number): Promise<Array<Record<string, unknown>>> {
  for (let i = 0; i < 400; i++) {
    const h = held(log);
    if (h.length >= n) return h;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`fewer than ${n} holds recorded: ${JSON.stringify(held(log))}`);
}

function release(h: Record<string, unknown>): void {
  fs.writeFileSync(path.join(dir, `release-${h.pid}-${h.n}`), '');
}

test('without $MR_GATES nothing holds, whatever $MR_HOLD says', async () => {
  const { done } = start(['before:map:a'], { MR_HOLD: 'map' });
  expect((await done).stdout).toBe('no holds\n');
});

test('a once-point holds the first time only, and the process waits for its release file', async () => {
  const { log, done } = start(['before:map:a.txt', 'before:map:b.txt', 'after:map:b.txt', 'rpc'], {
    MR_HOLD: 'map,map-report',
    MR_GATES: dir,
  });
  let finished = false;
  void done.then(() => (finished = true));
  const [first] = await waitHolds(log, 1);
  expect(first).toMatchObject({ event: 'held', n: 1, at: 'map', phase: 'map', input: 'a.txt' });
  await new Promise((r) => setTimeout(r, 300));
  expect(finished).toBe(false); // still held
  release(first);
  const [, second] = await waitHolds(log, 2);
  // The map of b.txt did not hold again; the RPC after it returned did: the task's report.
  expect(second).toMatchObject({ n: 2, at: 'map-report', phase: 'map', input: 'b.txt' });
  release(second);
  const result = await done;
  expect(result.stdout).toBe('did before:map:a.txt\ndid before:map:b.txt\ndid after:map:b.txt\ndid rpc\n');
  expect(held(log)).toHaveLength(2);
});

test('an armed gate holds whichever process reaches it on that input, as long as it is armed', async () => {
  fs.writeFileSync(path.join(dir, `reduce-report@${sha1('kiwi')}`), '');
  fs.writeFileSync(path.join(dir, `map@${sha1('x.txt')}`), '');
  // Reduce calls on kiwi, then on other keys: the RPC after them is the report of kiwi's task.
  const steps = ['before:map:y.txt', 'before:map:x.txt', 'after:reduce:kiwi', 'after:reduce:lime', 'rpc', 'read'];
  const { log, done } = start(steps, { MR_GATES: dir, MR_HOLD: 'read' });
  const [first] = await waitHolds(log, 1);
  expect(first).toMatchObject({ at: 'map', input: 'x.txt' });
  release(first);
  const [, second] = await waitHolds(log, 2);
  expect(second).toMatchObject({ at: 'reduce-report', phase: 'reduce', input: 'kiwi' });
  release(second);
  const [, , third] = await waitHolds(log, 3);
  expect(third).toMatchObject({ at: 'read' });
  release(third);
  expect((await done).stdout.trim().split('\n')).toHaveLength(steps.length);
});

test('a hold ends when its gates folder is gone: no one is left to release it', async () => {
  const gates = path.join(dir, 'gates');
  fs.mkdirSync(gates);
  const { log, done } = start(['before:map:a.txt'], { MR_HOLD: 'map', MR_GATES: gates });
  await waitHolds(log, 1);
  fs.rmSync(gates, { recursive: true });
  const result = await done;
  expect(result.timedOut).toBe(false);
  expect(result.stdout).toBe('did before:map:a.txt\n');
});

test('a fetch hold (the challenge track) holds before the first call to another worker, not before a call to the coordinator', async () => {
  const steps = ['rpc', 'fetch', 'rpc', 'fetch'];
  const { log, done } = start(steps, { MR_GATES: dir, MR_HOLD: 'fetch' });
  const [h] = await waitHolds(log, 1);
  expect(h).toMatchObject({ event: 'held', at: 'fetch', n: 1 });
  release(h);
  const result = await done;
  expect(result.stdout.split('\n').filter(Boolean)).toEqual(steps.map((s) => `did ${s}`));
  expect(held(log)).toHaveLength(1); // once: the second fetch went straight through
});
