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
// The generator is in scripts/inputs/: its randomness, vocabulary and text.

import * as fs from 'fs';
import * as path from 'path';
import { CommandLine, helpText, parseCommandLine, UsageError } from '../src/kit/args';
import { kitRoot } from '../src/kit/root';
import { writeText } from './inputs/text';
import { makeVocabulary } from './inputs/vocabulary';

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
