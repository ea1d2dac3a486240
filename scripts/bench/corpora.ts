// The texts word count runs on: the kit's inputs/, a big generated corpus
// (kept in .mr-build between runs: generating 128 MB takes a while), or,
// for --quick, a small generated one.

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from '../../src/kit/args';

export interface Corpus {
  name: string; // "inputs", "128MB", "quick-1MB"
  files: string[];
  bytes: number;
}

export interface Corpora {
  /** In the order scaling runs them; the last is the one memory is measured on. */
  list: Corpus[];
  /** The big corpus's name, which the big-corpus targets are judged on; none with --quick. */
  big?: string;
}

/** --quick: one 1 MB corpus in 4 files, made afresh in `scratch`. Otherwise the kit's inputs and the big corpus. */
export function prepareCorpora(kit: string, opts: { quick: boolean; bigSize: string }, scratch: string): Corpora {
  if (opts.quick) {
    return { list: [{ ...generated(kit, '1MB', 4, path.join(scratch, 'corpus-1MB'), false), name: 'quick-1MB' }] };
  }
  const inputs = fs
    .readdirSync(path.join(kit, 'inputs'))
    .filter((n) => /^gen-.*\.txt$/.test(n))
    .sort()
    .map((n) => path.join(kit, 'inputs', n));
  if (inputs.length === 0) throw new UsageError('no inputs/gen-*.txt in the kit (npm run inputs)');
  const cache = path.join(kit, '.mr-build', `bench-corpus-${opts.bigSize}`);
  const big = generated(kit, opts.bigSize, 16, cache, true);
  return { list: [corpusOf('inputs', inputs), big], big: big.name };
}

function corpusOf(name: string, files: string[]): Corpus {
  return { name, files, bytes: files.reduce((sum, f) => sum + fs.statSync(f).size, 0) };
}

/** Generates a corpus with the kit's generator, or reuses the one a finished earlier run left. */
function generated(kit: string, size: string, count: number, dir: string, reuse: boolean): Corpus {
  const marker = path.join(dir, '.complete');
  if (!(reuse && fs.existsSync(marker))) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const gen = path.join(kit, 'dist', 'scripts', 'gen-inputs.js');
    if (!fs.existsSync(gen)) throw new UsageError(`${gen} is missing: run npm run build first`);
    console.log(`generating a ${size} corpus in ${count} files in ${path.relative(kit, dir) || dir} ...`);
    execFileSync(process.execPath, [gen, '--out', dir, '--size', size, '--files', String(count)], {
      stdio: 'pipe',
      timeout: 600_000,
    });
    fs.writeFileSync(marker, `${size} ${count}\n`);
  }
  const files = fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.txt'))
    .sort()
    .map((n) => path.join(dir, n));
  return corpusOf(size, files);
}

/** Reads the files once, so that no run pays for the first read from disk. */
export function warm(corpus: Corpus): void {
  for (const f of corpus.files) fs.readFileSync(f);
}

/** How long a job on the corpus may take before it counts as hung: 10 s a MB, at least 2 min. */
export function jobLimitMs(corpus: Corpus): number {
  return Math.max(120_000, (corpus.bytes / (1024 * 1024)) * 10_000);
}
