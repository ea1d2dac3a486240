// One generated text: sentences of words drawn from the vocabulary (and the
// text's own names and rare words), wrapped in lines, written streaming to
// exactly the size asked for.

import * as fs from 'fs';
import { Rng, Zipf } from './random';
import { capitalize, pseudoWord, pseudoWords, romanNumeral, SPECIAL, Vocabulary } from './vocabulary';

const LINE_WIDTH = 70;
const FLUSH_BYTES = 1 << 20;

/** Writes one text of exactly `size` bytes, streaming, from its own generator. */
class TextWriter {
  private readonly rng: Rng;
  private readonly names: string[];
  private readonly local: string[];
  private readonly localZipf: Zipf;
  private chapter = 0;
  private pending: string[] = [];
  private pendingBytes = 0;
  private written = 0;

  constructor(
    private readonly vocabulary: Vocabulary,
    seed: string,
    private readonly title: string,
    private readonly size: number,
    private readonly fd: number,
  ) {
    this.rng = new Rng(`${seed}/text/${title}`);
    // Each text has its own cast of names and its own rare words.
    const taken = new Set(vocabulary.taken);
    this.names = pseudoWords(this.rng, 40, taken, 2, 3).map(capitalize);
    this.local = pseudoWords(this.rng, 800, taken, 2, 4);
    this.localZipf = new Zipf(this.local.length, 1.0, 3);
  }

  run(): void {
    const heading = this.title.toUpperCase();
    this.emit(`${heading}\n\n`);
    // Whole paragraphs while they fit with room to spare, then an exact end.
    for (;;) {
      const paragraph = this.rng.chance(0.04) ? this.chapterHeading() : this.paragraph();
      const bytes = Buffer.byteLength(paragraph) + 2;
      if (this.written + this.pendingBytes + bytes + 400 > this.size) break;
      this.emit(`${paragraph}\n\n`);
    }
    this.emit(`${this.lastParagraph(this.size - this.written - this.pendingBytes - 1)}\n`);
    this.flush();
  }

  private emit(text: string): void {
    this.pending.push(text);
    this.pendingBytes += Buffer.byteLength(text);
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    const buffer = Buffer.from(this.pending.join(''), 'utf8');
    fs.writeSync(this.fd, buffer);
    this.written += buffer.length;
    this.pending = [];
    this.pendingBytes = 0;
  }

  private chapterHeading(): string {
    this.chapter++;
    const number = this.rng.chance(0.5) ? romanNumeral(this.chapter) : `${this.chapter}.`;
    const words = Array.from({ length: this.rng.range(2, 5) }, () => this.word().toUpperCase());
    return `CHAPTER ${number}\n\n${words.join(' ')}`;
  }

  /** A word, as it would stand in the middle of a sentence. */
  private word(): string {
    const rng = this.rng;
    const roll = rng.next();
    if (roll < 0.02) return rng.pick(this.names);
    if (roll < 0.06) return this.local[this.localZipf.draw(rng)];
    if (roll < 0.0616) return rng.pick(SPECIAL);
    if (roll < 0.0646) return String(rng.chance(0.5) ? rng.range(1, 99) : rng.range(1600, 1899));
    const word = this.vocabulary.words[this.vocabulary.zipf.draw(rng)];
    return word === 'i' ? 'I' : word.startsWith("i'") ? 'I' + word.slice(1) : word;
  }

  private sentence(): string[] {
    const rng = this.rng;
    const n = rng.range(3, 9) + rng.range(0, 9) + rng.range(0, 6);
    const tokens: string[] = [];
    for (let i = 0; i < n; i++) {
      let word = this.word();
      if (rng.chance(0.008)) word = `${word}-${this.word()}`;
      if (rng.chance(0.004)) word = word.toUpperCase();
      else if (rng.chance(0.006)) word = capitalize(word);
      if (i === 0) word = capitalize(word);
      if (i < n - 1) {
        const p = rng.next();
        if (p < 0.07) word += ',';
        else if (p < 0.08) word += ';';
        else if (p < 0.084) word += ':';
      }
      tokens.push(word);
    }
    const end = rng.next();
    tokens[n - 1] += end < 0.8 ? '.' : end < 0.9 ? '?' : '!';
    return tokens;
  }

  private paragraph(): string {
    const rng = this.rng;
    const tokens: string[] = [];
    const sentences = rng.range(1, 7);
    const dialogue = rng.chance(0.3);
    for (let i = 0; i < sentences; i++) tokens.push(...this.sentence());
    if (dialogue) {
      tokens[0] = `"${tokens[0]}`;
      tokens[tokens.length - 1] += '"';
      if (rng.chance(0.5) && tokens.length > 3 && tokens[tokens.length - 1].endsWith('."')) {
        tokens[tokens.length - 1] = tokens[tokens.length - 1].replace(/\."$/, ',"');
        tokens.push(rng.chance(0.5) ? 'said' : 'cried', `${rng.pick(this.names)}.`);
      }
    } else if (rng.chance(0.1)) {
      const at = rng.int(tokens.length);
      tokens[at] = `'${tokens[at]}'`;
    }
    return wrap(tokens);
  }

  /** A paragraph of exactly `bytes` bytes: words while they fit, then a word of the right length. */
  private lastParagraph(bytes: number): string {
    const tokens: string[] = [];
    let used = 0;
    const room = () => bytes - used - (tokens.length > 0 ? 1 : 0);
    while (room() > 12) {
      let word = this.word();
      if (Buffer.byteLength(word) + 1 + 12 > room()) word = this.rng.pick(['a', 'of', 'to', 'in', 'and']);
      if (tokens.length === 0) word = capitalize(word);
      used += Buffer.byteLength(word) + (tokens.length > 0 ? 1 : 0);
      tokens.push(word);
    }
    const last = pseudoWord(this.rng, 6, 6).slice(0, room() - 1);
    tokens.push(`${last.padEnd(room() - 1, 'e')}.`);
    return wrap(tokens);
  }
}

/** Joins tokens with spaces, breaking lines before LINE_WIDTH columns (a break takes one byte, as a space). */
function wrap(tokens: string[]): string {
  let out = '';
  let column = 0;
  for (const token of tokens) {
    const width = [...token].length;
    if (column === 0) {
      out += token;
      column = width;
    } else if (column + 1 + width > LINE_WIDTH) {
      out += `\n${token}`;
      column = width;
    } else {
      out += ` ${token}`;
      column += 1 + width;
    }
  }
  return out;
}

export function writeText(vocabulary: Vocabulary, seed: string, file: string, title: string, size: number): void {
  const fd = fs.openSync(file, 'w');
  try {
    new TextWriter(vocabulary, seed, title, size, fd).run();
  } finally {
    fs.closeSync(fd);
  }
}
