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

test("the kit's root is the folder with package.json and the grader's labs", () => {
  const root = kitRoot(__dirname);
  expect(fs.existsSync(path.join(root, 'grader', 'labs'))).toBe(true);
  expect(kitRoot(path.join(root, 'src', 'kit'))).toBe(root);
  expect(() => kitRoot(os.tmpdir())).toThrow(/cannot find the kit's root/);
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
