// Parts larger than one fetch chunk (the challenge track's chunked-fetch
// test). The inputs: two files that hold the same word of three-byte letters,
// over two chunks long, so that whoever reduces its bucket fetches at least
// one part that big from another worker. The record: which run of a
// reducer's fetch replies brought such a part, in what chunks, and whether
// a boundary between two chunks fell inside a character.

import * as fs from 'fs';
import * as path from 'path';
import type { Proc } from '../../../core/processes';
import { readCapped } from '../../../sandbox/files';
import { seededRandom } from '../../../../src/kit/random';
import type { InputFile } from './generated-inputs';
import type { Job } from './job';
import { traceLines } from './traces';

/** One fetch chunk, as the handout suggests: at most 1 MB. */
export const CHUNK_BYTES = 1 << 20;
/**
 * The word's letters: more than two chunks of bytes (and far less than
 * gRPC's 4 MB). Every letter takes three bytes, so wherever the word starts
 * in a part, a chunk size C that is not a multiple of 3 (any power of two,
 * or 1,000,000) cuts a letter at C or at 2C.
 */
const WORD_LETTERS = Math.ceil((2 * CHUNK_BYTES + 64 * 1024) / 3);
/** CJK ideographs, all letters to wc, all three bytes in UTF-8. */
const FIRST_LETTER = 0x4e00;
const LETTERS = 0x9fa5 - FIRST_LETTER + 1;

/** Two files with the same big word, and a line of small ones; the same bytes every time. */
export function bigPartInputs(): InputFile[] {
  const next = seededRandom('big-part');
  const letters = Array.from({ length: WORD_LETTERS }, () =>
    String.fromCharCode(FIRST_LETTER + Math.floor(next() * LETTERS)),
  );
  const data = Buffer.from(`${letters.join('')}\nthe same big word in another file\n`, 'utf8');
  return [
    { name: 'big-1.txt', data },
    { name: 'big-2.txt', data },
  ];
}

/** A part over one chunk that a reducer fetched from another worker in pieces. */
export interface ChunkedFetch {
  reducer: Proc;
  mapper: Proc;
  /** The part's file on the mapper's disk, and its size. */
  part: string;
  size: number;
  /** The bytes each reply brought. */
  chunks: number[];
  /** The first boundary between two chunks that falls inside a UTF-8 character, if one does. */
  cut?: number;
  /** When the last chunk came. */
  time: number;
}

/**
 * Each part file over CHUNK_BYTES on a worker's disk, matched with a run of
 * consecutive fetch replies from that worker, in another worker's trace,
 * whose bytes add up to its size in two or more pieces.
 */
export function chunkedFetches(job: Job): ChunkedFetch[] {
  const found: ChunkedFetch[] = [];
  for (const [mapper, disk] of job.disks) {
    for (const name of safeList(disk.local)) {
      const part = readCapped(path.join(disk.local, name), 8 * CHUNK_BYTES);
      if (!part || part.size <= CHUNK_BYTES || part.truncated) continue;
      for (const [reducer, file] of job.traceFiles) {
        if (reducer === mapper) continue;
        const replies = traceLines(file).filter(
          (e) => e.event === 'reply' && sameEndpoint(String(e.to), disk.serveOn) && typeof e.bytes === 'number',
        );
        const run = runSumming(
          replies.map((e) => Number(e.bytes)),
          part.size,
        );
        if (!run) continue;
        const chunks = run.sizes;
        const boundaries = chunks.slice(0, -1).map((_, i) => chunks.slice(0, i + 1).reduce((a, b) => a + b, 0));
        const cut = boundaries.find((b) => (part.data[b] & 0xc0) === 0x80); // a continuation byte: inside a character
        found.push({ reducer, mapper, part: name, size: part.size, chunks, cut, time: Number(replies[run.last].time) });
      }
    }
  }
  return found;
}

/** The first run of two or more consecutive sizes, none of them 0, that adds up to `total`; and where it ends. */
function runSumming(sizes: number[], total: number): { sizes: number[]; last: number } | undefined {
  for (let i = 0; i < sizes.length; i++) {
    let sum = 0;
    for (let j = i; j < sizes.length && sizes[j] > 0 && sum < total; j++) {
      sum += sizes[j];
      if (sum === total && j > i) return { sizes: sizes.slice(i, j + 1), last: j };
    }
  }
  return undefined;
}

/** "unix:/path" and "/path" are the same socket. */
function sameEndpoint(a: string, b: string): boolean {
  const plain = (s: string): string => s.replace(/^unix:(\/\/)?/, '');
  return plain(a) === plain(b);
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return []; // gone (a removed disk)
  }
}
