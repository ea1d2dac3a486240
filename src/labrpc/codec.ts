// The codec: how RPC arguments and replies, apply messages and persisted
// state travel. In graded runs every peer is a process of its own, so a
// value reaches another peer (or the disk) only as bytes. Like the course's
// labgob, encode() refuses a value that would not arrive intact and names
// the field, so the bug shows where it is made, not as a puzzling value on
// the other side.
//
// What survives: plain objects, arrays, strings, finite numbers, booleans,
// null, and Uint8Array (bytes). The encoding is JSON with sorted keys (bytes
// become {"$bytes": base64}), so equal values give equal bytes; its length is
// what the network counts as an RPC's size.

/** A value that cannot be encoded, named by its field path. */
export class CodecError extends Error {
  name = 'CodecError';
}

/** Encodes a value to bytes, e.g. for Persister.save(). Throws a CodecError naming any field that would not survive. */
export function encode(value: unknown): Uint8Array {
  return textToBytes(encodeText(value, 'value', 'encode()'));
}

/** Decodes bytes made by encode(). The result is new: it shares nothing with the sender's value. */
export function decode<T>(bytes: Uint8Array): T {
  if (!isBytes(bytes)) throw new CodecError(`decode() takes a Uint8Array, not ${describe(bytes)}`);
  if (bytes.length === 0) throw new CodecError('decode() was given no bytes (was anything saved?)');
  return decodeText<T>(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
}

/**
 * The text form of encode(). `root` names the value in messages (args,
 * reply, msg) and `carrier` says what it must survive (an RPC, ...).
 */
export function encodeText(value: unknown, root: string, carrier: string): string {
  // Most values are fine: write them fast, and only when that meets a value
  // it refuses (or a structure too deep, which may be a cycle) write again,
  // tracking paths, to say which field it is.
  const text = writeFast(value, 0);
  return text ?? write(value, root, carrier, []);
}

/** The inverse of encodeText. */
export function decodeText<T>(text: string): T {
  return JSON.parse(text, revive) as T;
}

function write(value: unknown, path: string, carrier: string, ancestors: object[]): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (Number.isFinite(value)) return JSON.stringify(value);
      return refuse(path, String(value), carrier, 'use a finite number');
    case 'object':
      if (value === null) return 'null';
      return writeObject(value, path, carrier, ancestors);
    case 'undefined':
      return refuse(path, 'undefined', carrier, 'use null, or leave the field out');
    case 'bigint':
      return refuse(path, 'a BigInt', carrier, 'use a number or a string');
    case 'symbol':
      return refuse(path, 'a Symbol', carrier, 'use a string');
    default:
      return refuse(path, 'a function', carrier, 'send data, not code');
  }
}

function writeObject(value: object, path: string, carrier: string, ancestors: object[]): string {
  const cycle = ancestors.indexOf(value);
  if (cycle >= 0) return refuse(path, 'the object it is inside (a cycle)', carrier, 'send a tree, not a graph');
  if (isBytes(value)) return bytesText(value);
  ancestors.push(value);
  let text: string;
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (let i = 0; i < value.length; i++) items.push(write(value[i], `${path}[${i}]`, carrier, ancestors));
    text = `[${items.join(',')}]`;
  } else if (isPlainObject(value)) {
    const record = value as Record<string, unknown>;
    const fields = Object.keys(record).sort().map((key) => {
      const escaped = key.startsWith('$') ? `$${key}` : key;
      return `${JSON.stringify(escaped)}:${write(record[key], fieldPath(path, key), carrier, ancestors)}`;
    });
    text = `{${fields.join(',')}}`;
  } else {
    const [what, advice] = explainObject(value);
    text = refuse(path, what, carrier, advice);
  }
  ancestors.pop();
  return text;
}

// Inside a peer, each use of a global (Object, JSON, ...) goes through the
// vm context's global object, which is slow: the hot paths keep their own.
const { stringify } = JSON;
const { isFinite } = Number;
const { isArray } = Array;
const { keys: keysOf, getPrototypeOf } = Object;
const { isView } = ArrayBuffer;
const objectToString = Object.prototype.toString;

/** Deeper than this, the fast writer hands over to write(), which finds cycles. */
const FAST_DEPTH = 200;

/** write() without paths: the same text, or undefined where write() would refuse (it then says why). */
function writeFast(value: unknown, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
      return stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return isFinite(value) ? `${value}` : undefined; // a finite number's JSON is its string
    case 'object': {
      if (value === null) return 'null';
      if (depth > FAST_DEPTH) return undefined;
      if (isArray(value)) {
        let text = '[';
        for (let i = 0; i < value.length; i++) {
          const item = writeFast(value[i], depth + 1);
          if (item === undefined) return undefined;
          text += i === 0 ? item : `,${item}`;
        }
        return `${text}]`;
      }
      if (!isPlainObject(value)) return isBytes(value) ? bytesText(value) : undefined;
      const record = value as Record<string, unknown>;
      const keys = keysOf(record);
      if (keys.length > 1) keys.sort();
      let text = '{';
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        const field = writeFast(record[key], depth + 1);
        if (field === undefined) return undefined;
        text += `${i === 0 ? '' : ','}${keyText(key)}:${field}`;
      }
      return `${text}}`;
    }
    default:
      return undefined;
  }
}

/** Keys written so far, as written ("$" doubled, quoted): a record's keys are few and written again and again. */
const keyTexts = new Map<string, string>();
const KEY_TEXTS_KEPT = 4096;

function keyText(key: string): string {
  let text = keyTexts.get(key);
  if (text === undefined) {
    text = stringify(key.startsWith('$') ? `$${key}` : key);
    if (keyTexts.size < KEY_TEXTS_KEPT) keyTexts.set(key, text);
  }
  return text;
}

function bytesText(value: Uint8Array): string {
  return `{"$bytes":"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}"}`;
}

// Objects made in another realm (each peer has its own) have another Object
// and Array, so these checks look at shapes, never at `instanceof`.
function isPlainObject(value: object): boolean {
  const proto = getPrototypeOf(value);
  return proto === null || getPrototypeOf(proto) === null;
}

function isBytes(value: unknown): value is Uint8Array {
  return isView(value) && objectToString.call(value) === '[object Uint8Array]';
}

function explainObject(value: object): [string, string] {
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  if (tag === 'Map') return ['a Map', 'use a plain object or an array'];
  if (tag === 'Set') return ['a Set', 'use an array'];
  if (tag === 'Date') return ['a Date', 'use a number, e.g. Date.now()'];
  if (tag === 'Promise') return ['a Promise', 'await it first'];
  if (tag === 'Error') return ['an Error', 'send its message, a string'];
  if (ArrayBuffer.isView(value) || tag === 'ArrayBuffer') return [`a ${tag}`, 'use a Uint8Array or an array of numbers'];
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } }).constructor?.name;
  return [`an instance of class ${name || '(anonymous)'}`, 'use a plain object (the class and its methods would be lost)'];
}

function refuse(path: string, what: string, carrier: string, advice: string): never {
  throw new CodecError(`the field ${path} is ${what}, which does not survive ${carrier}: ${advice}`);
}

function fieldPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return `a ${typeof value}`;
  return explainObject(value)[0];
}

function textToBytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

// JSON.parse calls this bottom-up: {"$bytes": ...} becomes a Uint8Array and
// escaped keys ($$x) lose their extra $.
function revive(this: unknown, _key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || isArray(value)) return value;
  const record = value as Record<string, unknown>;
  const keys = keysOf(record);
  if (keys.length === 1 && keys[0] === '$bytes' && typeof record.$bytes === 'string') {
    return new Uint8Array(Buffer.from(record.$bytes, 'base64'));
  }
  if (!keys.some((key) => key.startsWith('$'))) return value;
  const plain: Record<string, unknown> = {};
  for (const key of keys) {
    Object.defineProperty(plain, key.startsWith('$$') ? key.slice(1) : key, {
      value: record[key], enumerable: true, writable: true, configurable: true,
    });
  }
  return plain;
}
