// Inputs that the extended tier's data tests make for themselves, the same
// bytes every time (no randomness, no copied texts): an adversarial set that
// breaks common data bugs in a worker, and a tiny one with fewer distinct
// keys than reduce tasks. Pure functions; writeInputs puts them on disk.

import * as fs from 'fs';
import * as path from 'path';
import { seededRandom } from '../../../../src/kit/random';

export interface InputFile {
  name: string;
  data: Buffer;
}

/** Keys that are (or look like) properties every plain object has: grouping values in `{}` mangles them. */
export const PROTO_KEYS = [
  '__proto__',
  'constructor',
  'toString',
  'toLocaleString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'prototype',
  'length',
  'then',
];

/** Tokens that a hand-made intermediate format (not JSON) would trip over. */
const AWKWARD_KEYS = [
  '"quoted"',
  'back\\slash',
  '{}',
  '[]',
  'a,b',
  'key:value',
  'null',
  'undefined',
  'NaN',
  '0',
  '-1',
  '1e3',
];

/** The key with several hundred thousand values, in one file (and a few in an earlier one). */
export const HOT_KEY = 'hot';
/** More values than a spread (`push(...values)`) can pass as arguments: Node's limit is near 125,000. */
export const HOT_COUNT = 400_000;

/**
 * Letters whose UTF-16 order differs from their code-point order: astral ones
 * (surrogate pairs, 0xD800..) and ones in U+E000..U+FFFF. A key starting with
 * one of the first must come after a key starting with one of the second.
 */
const ASTRAL_LETTERS: Array<[number, number]> = [
  [0x10400, 0x1044f], // Deseret
  [0x1d400, 0x1d454], // mathematical bold and italic letters
  [0x20000, 0x2a6df], // CJK extension B
];
const HIGH_BMP_LETTERS: Array<[number, number]> = [
  [0xf900, 0xfa6d], // CJK compatibility ideographs
  [0xff21, 0xff3a], // fullwidth A..Z
  [0xff41, 0xff5a], // fullwidth a..z
  [0xffa1, 0xffbe], // halfwidth Hangul
];
/** Letters that take three bytes in UTF-8 (and U+3000, a space of three bytes). */
const THREE_BYTE_LETTERS: Array<[number, number]> = [[0x4e00, 0x9fff], ...HIGH_BMP_LETTERS];
const IDEOGRAPHIC_SPACE = '\u3000';
const OTHER_LETTERS: Array<[number, number]> = [
  [0x61, 0x7a], // a..z
  [0x3b1, 0x3c9], // Greek, two bytes
  [0x430, 0x44f], // Cyrillic, two bytes
  [0xac00, 0xd7a3], // Hangul syllables, three bytes, just below the surrogates
];

/** Big enough that every chunk size up to 1 MiB cuts a character (see utf8File). */
const THREE_BYTE_FILE_BYTES = 2.5 * (1 << 20);

/**
 * The adversarial set, in the order the job maps it (map task 0 first):
 * - names: every PROTO_KEYS and AWKWARD_KEYS token, the i-th one i+1 times, and HOT_KEY 3 times;
 * - order: many keys starting with astral letters and with U+E000..U+FFFF letters, so that
 *   every mr-out file (for any nReduce up to 16) holds keys whose UTF-16 and code-point orders differ;
 * - empty: no bytes at all;
 * - hot: HOT_KEY HOT_COUNT times (100 a line), and the PROTO_KEYS again;
 * - utf8: one line of 2.5 MB of three-byte letters and spaces after a one-byte newline, so that
 *   decoding the file in fixed-size chunks, each on its own, splits a character.
 */
export function adversarialInputs(): InputFile[] {
  return [
    { name: 'adv-1-names.txt', data: text(namesFile()) },
    { name: 'adv-2-order.txt', data: text(orderFile()) },
    { name: 'adv-3-empty.txt', data: Buffer.alloc(0) },
    { name: 'adv-4-hot.txt', data: text(hotFile()) },
    { name: 'adv-5-utf8.txt', data: text(utf8File()) },
  ];
}

/** Three distinct keys (wc's words) in two files: fewer keys than reduce tasks, so some tasks get none. */
export const FEW_KEYS = ['apple', 'banana', 'cherry'];

export function fewKeyInputs(): InputFile[] {
  return [
    { name: 'few-1.txt', data: text('apple banana apple\ncherry, apple!\n') },
    { name: 'few-2.txt', data: text('banana cherry\n') },
  ];
}

/**
 * The forced-schedule tests' inputs: `count` small files of plain words
 * (a few hundred distinct ones, shared between the files), so that each
 * map and reduce task takes milliseconds and only the schedule matters.
 */
export function scheduleInputs(count: number): InputFile[] {
  const next = sequence(31);
  const syllables = ['ka', 'lo', 'mi', 're', 'su', 'ta', 'ne', 'vo', 'pi', 'da', 'go', 'le'];
  const vocabulary = Array.from({ length: 400 }, (_, i) =>
    Array.from({ length: 2 + (i % 3) }, () => syllables[next(syllables.length)]).join(''),
  );
  return Array.from({ length: count }, (_, f) => {
    const lines: string[] = [];
    for (let l = 0; l < 100; l++) {
      lines.push(Array.from({ length: 12 }, () => vocabulary[Math.min(next(400), next(400))]).join(' '));
    }
    return { name: `sched-${f + 1}.txt`, data: text(lines.join('\n') + '\n') };
  });
}

/** Writes the files into `dir` (made if need be); returns their paths as `prefix/<name>`. */
export function writeInputs(dir: string, files: InputFile[], prefix: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of files) fs.writeFileSync(path.join(dir, f.name), f.data);
  return files.map((f) => `${prefix}/${f.name}`);
}

function text(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

function namesFile(): string {
  const lines: string[] = [];
  [...PROTO_KEYS, ...AWKWARD_KEYS].forEach((key, i) =>
    lines.push(
      Array(i + 1)
        .fill(key)
        .join(' '),
    ),
  );
  lines.push(`${HOT_KEY} ${HOT_KEY} ${HOT_KEY}`);
  return lines.join('\n') + '\n';
}

function hotFile(): string {
  const line = Array(100).fill(HOT_KEY).join(' ') + '\n';
  return line.repeat(HOT_COUNT / 100) + PROTO_KEYS.join(' ') + '\n';
}

function orderFile(): string {
  const next = sequence(12);
  const lines: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const first = pick(i % 2 ? ASTRAL_LETTERS : HIGH_BMP_LETTERS, next);
    const rest = Array.from({ length: next(4) }, () => pick(OTHER_LETTERS, next)).join('');
    lines.push(`${first}${rest} ${pick(OTHER_LETTERS, next)}${pick(ASTRAL_LETTERS, next)}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * A newline, then only three-byte code points. Character k starts at byte
 * 1 + 3k, so a chunk boundary at byte C (and 2C, 3C, ...) falls inside a
 * character unless C ≡ 1 (mod 3); if it does, 2C ≡ 2 does not. So for every
 * chunk size C with 2C inside the file, some boundary splits a character.
 * No other newline: the line is 2.5 MB long.
 */
function utf8File(): string {
  const next = sequence(7);
  const vocabulary = Array.from({ length: 3000 }, () =>
    Array.from({ length: 1 + next(5) }, () => pick(THREE_BYTE_LETTERS, next)).join(''),
  );
  const parts: string[] = ['\n'];
  let bytes = 1;
  while (bytes < THREE_BYTE_FILE_BYTES) {
    const word = vocabulary[Math.min(next(3000), next(3000))]; // some words far more often than others
    parts.push(word, IDEOGRAPHIC_SPACE);
    bytes += 3 * (word.length + 1); // every code point here is one UTF-16 unit and three UTF-8 bytes
  }
  return parts.join('');
}

/** A deterministic stream of integers in [0, n), the same on every machine. */
function sequence(seed: number): (n: number) => number {
  const next = seededRandom(`generated-inputs-${seed}`);
  return (n) => Math.floor(next() * n);
}

/** One code point from the ranges, as a string. */
function pick(ranges: Array<[number, number]>, next: (n: number) => number): string {
  const [lo, hi] = ranges[next(ranges.length)];
  return String.fromCodePoint(lo + next(hi - lo + 1));
}
