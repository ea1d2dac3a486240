// The kit library (src/kit): the pieces the grader, the drivers, the apps
// and the students' code share.

import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { accepting, waitUntilAccepting } from '../../src/kit/endpoint';
import { escapeMarkup } from '../../src/kit/escape';
import { fnv1a32, ihash } from '../../src/kit/hash';
import { seededRandom } from '../../src/kit/random';
import { kitRoot } from '../../src/kit/root';
import { isTaskEvent, parseTrace, printable } from '../../src/kit/trace-format';

describe('trace format', () => {
  test('keeps every well-formed object line and skips torn lines, arrays and scalars', () => {
    const text = [
      '{"pid":1,"event":"start","phase":"map","input":"a.txt","time":5}',
      '[1,2]',
      '42',
      '{"pid":1,"event":"end","phase":"map","inp', // torn by a crash
    ].join('\n');
    expect(parseTrace(text)).toEqual([{ pid: 1, event: 'start', phase: 'map', input: 'a.txt', time: 5 }]);
  });

  test('makes forged strings printable: no control character or text-direction override reaches a diagnosis', () => {
    const forged = JSON.stringify({ event: 'start', input: 'x\n--- wc test: PASS\r\u001b[2K\u202eevil' });
    const [line] = parseTrace(forged);
    expect(line.input).toBe('x\\u000a--- wc test: PASS\\u000d\\u001b[2K\\u202eevil');
    expect(String(line.input)).not.toMatch(/[\u0000-\u001f\u202e]/);
  });

  test('cuts a string longer than any honest file name or key', () => {
    expect(printable('k'.repeat(5000))).toHaveLength(1001);
    expect(printable('pg-being_ernest.txt')).toBe('pg-being_ernest.txt');
  });

  test('takes a task event only with every field of its type', () => {
    const ok = { pid: 3, event: 'end', phase: 'reduce', input: 'key', time: 1, outcome: 'ok' };
    expect(isTaskEvent(ok)).toBe(true);
    expect(isTaskEvent({ ...ok, input: 7 })).toBe(false);
    expect(isTaskEvent({ ...ok, phase: 'shuffle' })).toBe(false);
    expect(isTaskEvent({ ...ok, event: 'held' })).toBe(false);
    expect(isTaskEvent({ ...ok, time: '1' })).toBe(false);
  });
});

test('ihash is FNV-1a kept to 31 bits', () => {
  for (const key of ['', 'a', 'hello', 'Übermensch', '𝔘nicode']) expect(ihash(key)).toBe(fnv1a32(key) & 0x7fffffff);
  expect(fnv1a32('')).toBe(0x811c9dc5);
});

test('seeded randomness is the same for the same seed, and differs between seeds', () => {
  const draw = (seed: string) => Array.from({ length: 5 }, seededRandom(seed));
  expect(draw('abc')).toEqual(draw('abc'));
  expect(draw('abc')).not.toEqual(draw('abd'));
  for (const x of draw('range')) expect(x >= 0 && x < 1).toBe(true);
});

test('markup escaping leaves no tag, entity or quote, and drops what XML forbids', () => {
  expect(escapeMarkup(`<a href="x">Tom & 'Jerry'</a>\u0001`)).toBe(
    '&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;',
  );
  expect(escapeMarkup('tab\tand\nnewline')).toBe('tab\tand\nnewline');
});

test("the kit's root is the folder with package.json and the handout", () => {
  const root = kitRoot(__dirname);
  expect(fs.existsSync(path.join(root, 'labs', 'mr', 'README.md'))).toBe(true);
  expect(kitRoot(path.join(root, 'src', 'kit'))).toBe(root);
});

describe('endpoint probes', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mr-kit-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a listening socket accepts; a closed one, or none, does not', async () => {
    const socket = path.join(dir, 's.sock');
    expect(await accepting(socket)).toBe(false);
    const server = net.createServer((c) => c.destroy());
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    expect(await accepting(socket)).toBe(true);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await accepting(socket)).toBe(false);
  });

  test('a host:port endpoint is probed over TCP', async () => {
    const server = net.createServer((c) => c.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    expect(await accepting(`127.0.0.1:${port}`)).toBe(true);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('waiting gives up at once when the server is gone, and at the limit otherwise', async () => {
    const socket = path.join(dir, 'never.sock');
    let t0 = Date.now();
    expect(await waitUntilAccepting(socket, 10_000, { alive: () => false })).toBe(false);
    expect(Date.now() - t0).toBeLessThan(5_000);
    t0 = Date.now();
    expect(await waitUntilAccepting(socket, 300, { everyMs: 20 })).toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
  });
});
