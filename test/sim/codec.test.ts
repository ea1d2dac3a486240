// The codec (labgob's lesson) and the Persister, as a student meets them.

import { CodecError, Persister, decode, encode } from '../../src/labrpc';
import { decodeText, encodeText } from '../../src/labrpc/codec';

function refusal(value: unknown, root = 'args', carrier = 'an RPC'): string {
  try {
    encodeText(value, root, carrier);
  } catch (error) {
    expect(error).toBeInstanceOf(CodecError);
    return (error as Error).message;
  }
  throw new Error('encoded');
}

describe('the codec', () => {
  test('a Map deep inside is named by its field path, with what to use instead', () => {
    const args = {
      term: 2,
      entries: [1, 2, 3, { command: new Map([['k', 1]]) }].map((e, i) => (i === 3 ? e : { command: e })),
    };
    expect(refusal(args)).toBe(
      'the field args.entries[3].command is a Map, which does not survive an RPC: use a plain object or an array',
    );
  });

  test.each([
    [
      { a: undefined },
      'the field args.a is undefined, which does not survive an RPC: use null, or leave the field out',
    ],
    [{ n: NaN }, 'the field args.n is NaN, which does not survive an RPC: use a finite number'],
    [{ n: -Infinity }, 'the field args.n is -Infinity, which does not survive an RPC: use a finite number'],
    [{ s: new Set([1]) }, 'the field args.s is a Set, which does not survive an RPC: use an array'],
    [{ f: () => 1 }, 'the field args.f is a function, which does not survive an RPC: send data, not code'],
    [{ y: Symbol('y') }, 'the field args.y is a Symbol, which does not survive an RPC: use a string'],
    [{ b: 10n }, 'the field args.b is a BigInt, which does not survive an RPC: use a number or a string'],
    [{ d: new Date(0) }, 'the field args.d is a Date, which does not survive an RPC: use a number, e.g. Date.now()'],
    [
      { 'a key': [new Float64Array(1)] },
      'the field args["a key"][0] is a Float64Array, which does not survive an RPC: use a Uint8Array or an array of numbers',
    ],
  ])('%p is refused with its path', (value, message) => {
    expect(refusal(value)).toBe(message);
  });

  test('a class instance is refused by its class name; a cycle is refused where it closes', () => {
    class LogEntry {
      constructor(readonly term: number) {}
    }
    expect(refusal({ log: [new LogEntry(1)] }, 'msg', 'the apply channel')).toBe(
      'the field msg.log[0] is an instance of class LogEntry, which does not survive the apply channel: use a plain object (the class and its methods would be lost)',
    );
    const node: Record<string, unknown> = { next: {} };
    (node.next as Record<string, unknown>).back = node;
    expect(refusal(node)).toBe(
      'the field args.next.back is the object it is inside (a cycle), which does not survive an RPC: send a tree, not a graph',
    );
  });

  test('what survives comes back equal and new, bytes included; equal values encode to equal bytes', () => {
    const value = {
      z: [1, 'two', true, null, { deep: new Uint8Array([0, 255, 7]) }],
      a: -0.5,
      $tag: { $bytes: 'not bytes' },
    };
    const copy = decode<typeof value>(encode(value));
    expect(copy).toEqual({ ...value, a: -0.5 });
    expect(copy.z[4]).not.toBe(value.z[4]);
    expect(Array.from(encode({ b: 1, a: 2 }))).toEqual(Array.from(encode({ a: 2, b: 1 })));
    expect(encodeText({ b: 1, a: [2] }, 'v', 'x')).toBe('{"a":[2],"b":1}');
    expect(decodeText(encodeText(new Uint8Array([1, 2]), 'v', 'x'))).toEqual(new Uint8Array([1, 2]));
  });

  test('deep values encode as shallow ones do (past the fast writer), and a refusal deep down still names its path', () => {
    let deep: unknown = { $k: new Uint8Array([9]), b: 'x', a: [1.5, null, false] };
    let expected = '{"$$k":{"$bytes":"CQ=="},"a":[1.5,null,false],"b":"x"}';
    for (let depth = 0; depth < 300; depth++) {
      deep = depth % 2 ? [deep] : { z: deep, y: depth };
      expected = depth % 2 ? `[${expected}]` : `{"y":${depth},"z":${expected}}`;
    }
    expect(encodeText(deep, 'v', 'x')).toBe(expected);
    expect(decodeText(expected)).toEqual(deep);

    let bad: unknown = new Map();
    let path = 'args';
    for (let depth = 0; depth < 250; depth++) {
      bad = { inner: bad };
      path += '.inner';
    }
    expect(refusal(bad)).toBe(
      `the field ${path} is a Map, which does not survive an RPC: use a plain object or an array`,
    );
  });

  test('decode() of no bytes says so', () => {
    expect(() => decode(new Uint8Array(0))).toThrow('decode() was given no bytes (was anything saved?)');
  });
});

describe('the Persister', () => {
  test('save replaces both parts, null stores none, and every read is a copy', () => {
    const persister = new Persister();
    const state = encode({ term: 3 });
    persister.save(state, encode([1]));
    state[0] = 0;
    expect(decode(persister.readRaftState())).toEqual({ term: 3 });
    persister.readRaftState()[0] = 0;
    expect(decode(persister.readRaftState())).toEqual({ term: 3 });
    expect(persister.snapshotSize()).toBe(3);
    persister.save(null, encode([2]));
    expect(persister.raftStateSize()).toBe(0);
    expect(decode(persister.readSnapshot())).toEqual([2]);
  });

  test('saving something that is not bytes says how to make bytes', () => {
    const persister = new Persister();
    expect(() => persister.save({ term: 1 } as unknown as Uint8Array, null)).toThrow(
      'Persister.save(): raftstate is an object, not bytes: make it with encode(), or pass null',
    );
  });
});
