// The frames between the tester and a peer process: whole messages in
// order, however the pipe cuts them, and a frame's cost linear in its size
// however many chunks it comes in (a peer must not make the tester copy a
// big frame again at every chunk).

import { FrameReader } from '../../src/labrpc/runtime/framing';

function frame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message));
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

test('messages come out whole and in order, however the bytes are cut', () => {
  const got: unknown[] = [];
  const reader = new FrameReader((m) => got.push(m));
  const bytes = Buffer.concat([frame({ a: 1 }), frame('two'), frame([3, 3, 3])]);
  for (let i = 0; i < bytes.length; i++) reader.push(bytes.subarray(i, i + 1)); // a byte at a time
  reader.push(Buffer.concat([frame(4), frame({ five: 5 })])); // two in one chunk
  expect(got).toEqual([{ a: 1 }, 'two', [3, 3, 3], 4, { five: 5 }]);
});

test('a frame over the limit is refused', () => {
  const reader = new FrameReader(() => undefined);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(2 ** 31);
  expect(() => reader.push(head)).toThrow(/over the limit/);
});

test('a 32 MB frame in 16 kB chunks costs its size, not its size times its chunks', () => {
  const got: string[] = [];
  const reader = new FrameReader((m) => got.push(m as string));
  const bytes = frame('x'.repeat(32 * 1024 * 1024));
  // What the reader copies is counted, not timed: joined once, a frame is
  // copied once (copied again at every chunk, it was copied 1024 times over).
  let copied = 0;
  const concat = Buffer.concat;
  const spy = jest.spyOn(Buffer, 'concat').mockImplementation((list, total) => {
    const joined = concat(list, total);
    copied += joined.length;
    return joined;
  });
  try {
    for (let i = 0; i < bytes.length; i += 16 * 1024) reader.push(bytes.subarray(i, i + 16 * 1024));
  } finally {
    spy.mockRestore();
  }
  expect(got).toHaveLength(1);
  expect(got[0].length).toBe(32 * 1024 * 1024);
  expect(copied).toBeGreaterThanOrEqual(bytes.length); // joined, once
  expect(copied).toBeLessThanOrEqual(2 * bytes.length);
});
