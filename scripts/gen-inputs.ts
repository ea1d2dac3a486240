// Generates the kit's input texts: English-like prose, made up from a
// seeded generator, so that the kit ships no third-party texts.
//
//   npm run inputs                        the 8 texts in inputs/ (~3.3 MB)
//   npm run inputs -- --out DIR           the same 8 texts elsewhere
//   npm run inputs -- --size 128MB --files 8 [--out DIR]
//                                         one big corpus in N files (default 8) named
//                                         gen-big-NN.txt, for benchmarks; by default
//                                         in mr-tmp/big-inputs (ignored by git)
//   npm run inputs -- --seed S            another (still deterministic) corpus
//
// Words follow a Zipf-like law over a vocabulary of common English words
// and pseudo-words made of syllables; each text also has its own names and
// rare words. A few words are non-ASCII (é, ß, Greek, Cyrillic, a combining
// accent) and a few use letters outside the BMP, to exercise UTF-8 handling.

import * as fs from 'fs';
import * as path from 'path';
import { CommandLine, helpText, parseCommandLine, UsageError } from '../src/kit/args';
import { kitRoot } from '../src/kit/root';
import { seededRandom } from '../src/kit/random';

/** The course's 8 texts and their sizes in bytes; ours have the same sizes. */
const TEXTS: ReadonlyArray<[stem: string, bytes: number]> = [
  ['being_ernest', 138885],
  ['dorian_gray', 453168],
  ['frankenstein', 441033],
  ['grimm', 540174],
  ['huckleberry_finn', 594262],
  ['metamorphosis', 139054],
  ['sherlock_holmes', 581863],
  ['tom_sawyer', 412665],
];

const DEFAULT_SEED = 'mr-lab';
const LINE_WIDTH = 70;
const FLUSH_BYTES = 1 << 20;

// ------------------------------------------------------------ randomness

/** The kit's seeded generator, with a few helpers. */
class Rng {
  /** A float in [0, 1). */
  readonly next: () => number;

  constructor(seed: string) {
    this.next = seededRandom(seed);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** Draws ranks 0..n-1 with probability proportional to 1 / (rank + q)^s. */
class Zipf {
  private readonly cumulative: Float64Array;

  constructor(n: number, s: number, q: number) {
    this.cumulative = new Float64Array(n);
    let sum = 0;
    for (let r = 0; r < n; r++) {
      sum += 1 / Math.pow(r + q, s);
      this.cumulative[r] = sum;
    }
  }

  draw(rng: Rng): number {
    const c = this.cumulative;
    const x = rng.next() * c[c.length - 1];
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

// ------------------------------------------------------------ vocabulary

// The most common English words, roughly by rank (the head of the Zipf law).
const COMMON = `the and of to a in that he was it his i you her had with as for she not at but is
on be my him by have all so which this said me from they were one we there no what or if when
an would are them been their up out then who will could into do your more very little now
some man upon like time any well only over about did know than before old such other our
can see down these say much should made great must come after two went way good never us how
again may back first here came where long go ever think shall its even though day away eyes
own own hand through life nothing thought those most once house something while without yes
let face still under just too take young make night upon being am last every things might
found night left looked father mother whom tell seemed place heard head told many each same
why went sir door round saw get mind against thing three love another people heart always
home room because world began between whole asked himself herself poor knew voice work light
both looked gave took felt moment half yet better better girl boy woman friend found men
also part almost ought till seen quite since far enough whose rather small side morning
towards among went turned answered cried really years done soon perhaps water passed stood
white next sat behind certain end children soon course death god indeed looked half hands
word words name brought thus going give country right called lay nor help dear mean put
dark round fire sea air open feet kind town done manner present full high far hardly hope
whether table keep thou hear king wife told letter dead leave air during new set till close
read money remember believe less least hour nearly speak rest feel certain child ran often
evening returned black already almost become held either wish beautiful poor whom began fell
around myself across doubt matter fear short above cannot among bed lady miss strange bad
don't didn't can't won't it's i'm that's you're i'll wasn't couldn't isn't there's he's`
  .split(/\s+/)
  .filter((w, i, all) => w && all.indexOf(w) === i);

// Words with letters beyond ASCII: accents, Greek, Cyrillic, a combining
// accent (e + U+0301, which splits a word in two), fullwidth letters, and
// letters outside the BMP (Deseret, mathematical script, Gothic).
const SPECIAL = [
  'café',
  'naïve',
  'résumé',
  'fiancée',
  'über',
  'Müller',
  'señor',
  'niño',
  'mañana',
  'straße',
  'Größe',
  'façade',
  'déjà',
  'Zoë',
  'λόγος',
  'ψυχή',
  'Αθήνα',
  'καλός',
  'слово',
  'Москва',
  'мир',
  'человек',
  'cafe\u0301',
  'naı\u0308ve',
  'ＡＢＣ',
  'ｗｏｒｄ',
  '\u{10400}\u{1042F}\u{10445}',
  '\u{10437}\u{1042F}',
  '\u{1D49C}\u{1D4B7}\u{1D4B8}',
  '\u{1D49E}ode',
  '\u{10330}\u{10331}\u{10332}',
  'k\u{10330}t',
];

const ONSETS = [
  'b',
  'c',
  'd',
  'f',
  'g',
  'h',
  'j',
  'k',
  'l',
  'm',
  'n',
  'p',
  'r',
  's',
  't',
  'v',
  'w',
  'br',
  'ch',
  'cl',
  'cr',
  'dr',
  'fl',
  'gr',
  'pl',
  'pr',
  'sh',
  'sl',
  'st',
  'str',
  'th',
  'tr',
  'wh',
  '',
];
const NUCLEI = ['a', 'e', 'i', 'o', 'u', 'a', 'e', 'i', 'o', 'ea', 'ai', 'ou', 'oo', 'ee', 'y'];
const CODAS = ['', '', '', 'n', 'r', 's', 't', 'l', 'm', 'nd', 'st', 'ng', 'ck', 'th', 'rt', 'ss', 'ld'];
const SUFFIXES = ['', '', '', '', '', '', '', '', 'ed', 'ing', 's', 's', 'ly', 'er', 'ness', 'ful', 'tion'];
const SYLLABLE_COUNTS = [1, 1, 1, 2, 2, 2, 2, 3, 3, 4];

function pseudoWord(rng: Rng, minSyllables: number, maxSyllables: number): string {
  let word = '';
  const n = Math.min(maxSyllables, Math.max(minSyllables, rng.pick(SYLLABLE_COUNTS)));
  for (let i = 0; i < n; i++) word += rng.pick(ONSETS) + rng.pick(NUCLEI) + (i === n - 1 ? rng.pick(CODAS) : '');
  return word + rng.pick(SUFFIXES);
}

/** Distinct pseudo-words, none equal to a word in `taken`. */
function pseudoWords(rng: Rng, count: number, taken: Set<string>, min = 1, max = 4): string[] {
  const words: string[] = [];
  while (words.length < count) {
    const word = pseudoWord(rng, min, max);
    if (word.length < 3 || taken.has(word)) continue;
    taken.add(word);
    words.push(word);
  }
  return words;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function romanNumeral(n: number): string {
  const table: Array<[number, string]> = [
    [40, 'XL'],
    [10, 'X'],
    [9, 'IX'],
    [5, 'V'],
    [4, 'IV'],
    [1, 'I'],
  ];
  let out = '';
  for (const [value, letters] of table) {
    while (n >= value) {
      out += letters;
      n -= value;
    }
  }
  return out;
}

/** The words shared by every text: common English, then a long tail. */
interface Vocabulary {
  words: string[];
  zipf: Zipf;
  taken: Set<string>;
}

function makeVocabulary(seed: string): Vocabulary {
  const rng = new Rng(`${seed}/vocabulary`);
  const taken = new Set(COMMON);
  const words = [...COMMON, ...pseudoWords(rng, 10000, taken)];
  return { words, zipf: new Zipf(words.length, 1.12, 2.5), taken };
}

// ------------------------------------------------------------ one text

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

function writeText(vocabulary: Vocabulary, seed: string, file: string, title: string, size: number): void {
  const fd = fs.openSync(file, 'w');
  try {
    new TextWriter(vocabulary, seed, title, size, fd).run();
  } finally {
    fs.closeSync(fd);
  }
}

// ------------------------------------------------------------ command line

interface Options {
  out: string;
  seed: string;
  size?: number;
  files: number;
}

export const COMMAND_LINE = {
  usage: 'gen-inputs [--out DIR] [--seed S] [--size N[KB|MB|GB] [--files N]]',
  about: "Generates the kit's English-like input texts, deterministically from a seed.",
  options: {
    out: { value: 'DIR', help: 'where the texts go (default: inputs/, or mr-tmp/big-inputs with --size)' },
    seed: { value: 'S', help: `another (still deterministic) corpus (default ${DEFAULT_SEED})` },
    size: {
      value: 'N[KB|MB|GB]',
      help: "one big corpus of this size, as gen-big-NN.txt, instead of the course's 8 texts",
    },
    files: { value: 'N', help: 'split the --size corpus into N files (default 8)' },
  },
} satisfies CommandLine;

function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(B|K|KB|KIB|M|MB|MIB|G|GB|GIB)?$/i.exec(text);
  if (!match) throw new UsageError(`bad --size "${text}": expected a number with an optional unit (KB, MB, GB)`);
  const unit = (match[2] ?? 'B').toUpperCase()[0];
  const bytes = Math.round(Number(match[1]) * { B: 1, K: 1 << 10, M: 1 << 20, G: 1 << 30 }[unit]!);
  if (bytes < 1) throw new UsageError(`bad --size "${text}": must be at least 1 byte`);
  return bytes;
}

function parseFiles(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 10000) {
    throw new UsageError(`bad --files "${text}": expected a whole number from 1 to 10000`);
  }
  return Number(text);
}

/** The options, or undefined when the user asked for --help (which it prints). */
function parseOptions(argv: string[]): Options | undefined {
  const { values, help } = parseCommandLine(COMMAND_LINE, argv);
  if (help) {
    console.log(helpText(COMMAND_LINE));
    return undefined;
  }
  const size = values.size === undefined ? undefined : parseSize(values.size);
  if (values.files !== undefined && size === undefined) throw new UsageError('--files needs --size');
  const files = values.files === undefined ? 8 : parseFiles(values.files);
  if (size !== undefined && size / files < 1000) {
    throw new UsageError(`--size too small: each of the ${files} files needs at least 1000 bytes`);
  }
  return {
    // The big corpus goes where git ignores it, not among the committed texts.
    out: values.out ?? path.join(kitRoot(), ...(size === undefined ? ['inputs'] : ['mr-tmp', 'big-inputs'])),
    seed: values.seed ?? DEFAULT_SEED,
    size,
    files,
  };
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  if (!options) return;
  fs.mkdirSync(options.out, { recursive: true });
  const vocabulary = makeVocabulary(options.seed);
  const plan: Array<{ name: string; title: string; bytes: number }> = [];
  if (options.size === undefined) {
    for (const [stem, bytes] of TEXTS) plan.push({ name: `gen-${stem}.txt`, title: stem.replace(/_/g, ' '), bytes });
  } else {
    const each = Math.floor(options.size / options.files);
    const digits = String(options.files).length;
    for (let i = 0; i < options.files; i++) {
      const n = String(i + 1).padStart(Math.max(2, digits), '0');
      const bytes = i === options.files - 1 ? options.size - each * (options.files - 1) : each;
      plan.push({ name: `gen-big-${n}.txt`, title: `part ${n}`, bytes });
    }
  }
  let total = 0;
  for (const { name, title, bytes } of plan) {
    writeText(vocabulary, options.seed, path.join(options.out, name), title, bytes);
    total += bytes;
  }
  console.log(`gen-inputs: wrote ${plan.length} files, ${total} bytes, to ${options.out}`);
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    // A bad command line exits 2; anything else (a full disk, say) 1.
    const message = err instanceof UsageError ? err.message : `${(err as Error).message ?? err}`.split('\n')[0];
    console.error(`gen-inputs: ${message}`);
    process.exit(err instanceof UsageError ? 2 : 1);
  }
}
