// The kit's benchmark: how fast and how big a MapReduce implementation is.
//
//   npm run bench [-- options]
//
// Measures (each part selectable with --only):
//   grader    wall time of each course test and of the whole suite
//   scaling   word count on the kit's inputs (~3.3 MB) and on a big generated
//             corpus (128 MB in 16 files) with 1, 2 and 4 workers, against
//             mrsequential on the same input: time and speedup
//   startup   coordinator start -> its endpoint accepts a connection;
//             worker start -> the connection of its first RPC
//   memory    peak RSS of the coordinator, of each worker and of mrsequential
//             (big corpus), and of the whole course suite (cgroup v1)
// and, with --gradescope-box, the whole suite on half a CPU and 768 MB.
//
// Writes <out>/report.json and <out>/scaling.svg (speedup against workers),
// prints a summary and checks the kit's targets (met / missed; informative,
// the exit status does not depend on them). See labs/mr/SCALING.md.

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import {
  enterCommand,
  Group,
  makeGroup,
  memoryPressure,
  peakMemory,
  removeGroup,
  removeGroupSync,
} from './bench/cgroup';
import { scalingSvg, Series } from './bench/chart';
import { Finished, killAll, PRELOAD_SOURCE, start, startNode, Started, waitForSocket } from './bench/procs';

const KIT = path.resolve(__dirname, fs.existsSync(path.join(__dirname, '..', 'package.json')) ? '..' : '../..');
const PARTS = ['grader', 'scaling', 'startup', 'memory', 'gradescope-box'] as const;
type Part = (typeof PARTS)[number];
const MB = 1024 * 1024;
const GB = 1024 * MB;

const USAGE = `usage: npm run bench [-- options]

options:
  --impl DIR          the implementation to measure (default: labs/mr/solution when it
                      exists, else src/mr)
  --only PARTS        comma-separated: grader, scaling, startup, memory, gradescope-box
                      (default: grader, scaling, startup, memory)
  --quick             a tiny run: a 1 MB generated corpus, 1 and 2 workers, no grader
  --big-size SIZE     size of the big corpus (default 128MB; cached in
                      .mr-build/bench-corpus-SIZE)
  --workers LIST      worker counts (default 1,2,4)
  --repeat N          start-up samples of each kind (default 5; --quick: 2)
  --gradescope-box    also run the course suite on half a CPU with 768 MB (cgroup v1)
  --out DIR           where report.json and scaling.svg go (default bench-results/)
  --chart REPORT      only redraw the chart of an earlier report.json into <out>/scaling.svg
  --help              show this help`;

class UsageError extends Error {}

interface Options {
  impl: string;
  parts: Set<Part>;
  quick: boolean;
  bigSize: string;
  workers: number[];
  repeat: number;
  out: string;
  chartOf?: string;
}

function parseOptions(argv: string[]): Options | 'help' {
  const solution = path.join(KIT, 'labs', 'mr', 'solution');
  let impl = fs.existsSync(solution) ? solution : path.join(KIT, 'src', 'mr');
  let only: Part[] | undefined;
  let quick = false;
  let box = false;
  let bigSize = '128MB';
  let workers = [1, 2, 4];
  let repeat: number | undefined;
  let out = path.join(KIT, 'bench-results');
  let chartOf: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? argv[i].split(/=(.*)/s) : [argv[i]];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--help':
      case '-h':
        return 'help';
      case '--impl':
        impl = path.resolve(value());
        break;
      case '--only': {
        const names = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        for (const n of names) {
          if (!(PARTS as readonly string[]).includes(n)) {
            throw new UsageError(`--only: unknown part "${n}" (parts: ${PARTS.join(', ')})`);
          }
        }
        if (names.length === 0) throw new UsageError(`--only needs parts (${PARTS.join(', ')})`);
        only = names as Part[];
        break;
      }
      case '--quick':
        quick = true;
        break;
      case '--gradescope-box':
        box = true;
        break;
      case '--big-size': {
        const v = value();
        if (!/^\d+(\.\d+)?(KB|MB|GB)$/i.test(v))
          throw new UsageError(`--big-size expects a size such as 128MB, got "${v}"`);
        bigSize = v.toUpperCase();
        break;
      }
      case '--workers': {
        const v = value();
        const list = v.split(',').map((s) => s.trim());
        if (!list.every((s) => /^([1-9]|1[0-6])$/.test(s))) {
          throw new UsageError(`--workers expects counts from 1 to 16 such as 1,2,4, got "${v}"`);
        }
        workers = [...new Set(list.map(Number))].sort((a, b) => a - b);
        break;
      }
      case '--repeat': {
        const v = value();
        if (!/^([1-9]|[1-9]\d)$/.test(v))
          throw new UsageError(`--repeat expects a whole number from 1 to 99, got "${v}"`);
        repeat = Number(v);
        break;
      }
      case '--out':
        out = path.resolve(value());
        break;
      case '--chart':
        chartOf = path.resolve(value());
        if (!fs.existsSync(chartOf)) throw new UsageError(`--chart: no such file ${chartOf}`);
        break;
      default:
        throw new UsageError(`unknown option "${argv[i]}" (see --help)`);
    }
  }
  if (!fs.existsSync(impl) || !fs.statSync(impl).isDirectory())
    throw new UsageError(`--impl: ${impl} is not a directory`);
  for (const file of ['coordinator.ts', 'worker.ts']) {
    if (!fs.existsSync(path.join(impl, file))) throw new UsageError(`--impl: ${impl} has no ${file}`);
  }
  const parts = new Set<Part>(
    only ?? (quick ? ['scaling', 'startup', 'memory'] : ['grader', 'scaling', 'startup', 'memory']),
  );
  if (box) parts.add('gradescope-box');
  if (quick && !workers.includes(1)) workers = [1, ...workers];
  if (quick && workers.length > 2 && !argv.includes('--workers')) workers = [1, 2];
  if (!workers.includes(1)) workers = [1, ...workers]; // speedups are relative to one worker
  return { impl, parts, quick, bigSize, workers, repeat: repeat ?? (quick ? 2 : 5), out, chartOf };
}

// ------------------------------------------------------------------ staging

interface Stage {
  dir: string;
  how: string;
  coordinator: string;
  worker: string;
  sequential: string;
  preload: string;
  sockets: string; // a short folder for unix sockets (paths are limited to ~107 bytes)
}

/** Copies the compiled kit (dist/src) and puts the implementation's compiled files in src/mr. */
function stageImpl(impl: string, dir: string): Stage {
  const distSrc = path.join(KIT, 'dist', 'src');
  if (!fs.existsSync(path.join(distSrc, 'main', 'mrworker.js'))) {
    throw new UsageError(`${distSrc} is missing: run npm run build first`);
  }
  fs.cpSync(distSrc, path.join(dir, 'src'), { recursive: true });
  const mr = path.join(dir, 'src', 'mr');
  const solution = path.join(KIT, 'labs', 'mr', 'solution');
  const compiledSolution = path.join(KIT, 'dist', 'labs', 'mr', 'solution');
  let how: string;
  if (impl === path.join(KIT, 'src', 'mr')) {
    how = 'dist/src/mr (compiled by npm run build)';
  } else if (impl === solution && fs.existsSync(path.join(compiledSolution, 'worker.js'))) {
    fs.rmSync(mr, { recursive: true, force: true });
    fs.cpSync(compiledSolution, mr, { recursive: true });
    how = 'dist/labs/mr/solution (compiled by npm run build)';
  } else {
    compileImpl(impl, dir);
    how = `compiled from ${impl} with the kit's tsc`;
  }
  const preload = path.join(dir, 'rss-preload.js');
  fs.writeFileSync(preload, PRELOAD_SOURCE);
  const sockets = fs.mkdtempSync(path.join(os.tmpdir(), 'mrb-'));
  const main = path.join(dir, 'src', 'main');
  return {
    dir,
    how,
    coordinator: path.join(main, 'mrcoordinator.js'),
    worker: path.join(main, 'mrworker.js'),
    sequential: path.join(main, 'mrsequential.js'),
    preload,
    sockets,
  };
}

/** Compiles the kit's src/main and src/mrapps with the implementation as src/mr; its JS replaces <dir>/src/mr. */
function compileImpl(impl: string, dir: string): void {
  const ts = path.join(dir, 'ts');
  const copy = (from: string, to: string, keep: (n: string) => boolean): void => {
    fs.cpSync(from, to, {
      recursive: true,
      filter: (src) => {
        const base = path.basename(src);
        if (base.startsWith('.') || base === 'node_modules') return false;
        return fs.statSync(src).isDirectory() || keep(base);
      },
    });
  };
  copy(path.join(KIT, 'src', 'main'), path.join(ts, 'src', 'main'), (n) => n.endsWith('.ts'));
  copy(path.join(KIT, 'src', 'mrapps'), path.join(ts, 'src', 'mrapps'), (n) => n.endsWith('.ts'));
  copy(impl, path.join(ts, 'src', 'mr'), (n) => n.endsWith('.ts') || n.endsWith('.proto'));
  fs.writeFileSync(
    path.join(ts, 'tsconfig.json'),
    JSON.stringify({
      extends: path.join(KIT, 'tsconfig.base.json'),
      compilerOptions: { rootDir: '.', outDir: path.join(dir, 'build'), noEmitOnError: true },
      include: ['src/**/*.ts'],
    }),
  );
  try {
    execFileSync(
      process.execPath,
      [
        path.join(KIT, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        path.join(ts, 'tsconfig.json'),
        '--pretty',
        'false',
      ],
      { cwd: ts, stdio: 'pipe', timeout: 300_000 },
    );
  } catch (err) {
    const e = err as { stdout?: Buffer; message: string };
    const first = (e.stdout?.toString() ?? '').split('\n').find((l) => l.trim()) ?? e.message.split('\n')[0];
    throw new UsageError(`${impl} does not compile: ${first.replace(/^src\/mr\//, '')}`);
  }
  const mr = path.join(dir, 'src', 'mr');
  fs.rmSync(mr, { recursive: true, force: true });
  fs.cpSync(path.join(dir, 'build', 'src', 'mr'), mr, { recursive: true });
  for (const name of fs.readdirSync(impl)) {
    if (name.endsWith('.proto')) fs.copyFileSync(path.join(impl, name), path.join(mr, name));
  }
}

// ------------------------------------------------------------------ corpora

interface Corpus {
  name: string; // "inputs", "128MB", "quick-1MB"
  files: string[];
  bytes: number;
}

function corpusOf(name: string, files: string[]): Corpus {
  return { name, files, bytes: files.reduce((sum, f) => sum + fs.statSync(f).size, 0) };
}

/** Generates (or reuses) a corpus with the kit's generator. */
function generated(size: string, count: number, dir: string, reuse: boolean): Corpus {
  const marker = path.join(dir, '.complete');
  if (!(reuse && fs.existsSync(marker))) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const gen = path.join(KIT, 'dist', 'scripts', 'gen-inputs.js');
    if (!fs.existsSync(gen)) throw new UsageError(`${gen} is missing: run npm run build first`);
    console.log(`generating a ${size} corpus in ${count} files in ${path.relative(KIT, dir) || dir} ...`);
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
function warm(corpus: Corpus): void {
  for (const f of corpus.files) fs.readFileSync(f);
}

// ------------------------------------------------------------------ one job

interface JobResult {
  workers: number;
  ms: number; // coordinator start -> coordinator exit
  acceptMs?: number; // coordinator start -> endpoint accepts
  workersDoneMs?: number; // coordinator start -> last worker exit
  correct: boolean;
  problem?: string;
  coordinatorPeakRssBytes?: number;
  workerPeakRssBytes: (number | undefined)[];
  cpuMs?: number; // CPU time of the coordinator and all workers together
  parallelism?: number; // cpuMs / ms: how many cores were busy on average
  speedupVsOneWorker?: number;
  speedupVsSequential?: number;
}

interface SequentialResult {
  ms: number;
  peakRssBytes?: number;
  cpuMs?: number;
  ok: boolean;
  problem?: string;
}

let runCounter = 0;

function runDir(stage: Stage): string {
  const dir = path.join(stage.dir, 'runs', `run-${++runCounter}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function sortedLines(text: string): string {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .sort()
    .join('\n');
}

function outputOf(dir: string): string {
  let text = '';
  for (const name of fs.readdirSync(dir))
    if (name.startsWith('mr-out')) text += fs.readFileSync(path.join(dir, name), 'utf8');
  return sortedLines(text);
}

function describe(f: Finished): string {
  if (f.timedOut) return 'timed out';
  const why = f.signal ? `killed by ${f.signal}` : `exit status ${f.code}`;
  const tail = f.output.trim().split('\n').slice(-1)[0];
  return tail ? `${why}: ${tail}` : why;
}

async function runSequential(
  stage: Stage,
  corpus: Corpus,
  limitMs: number,
): Promise<{ r: SequentialResult; expected: string }> {
  const dir = runDir(stage);
  try {
    const p = startNode([stage.sequential, 'wc', ...corpus.files], {
      cwd: dir,
      limitMs,
      preload: stage.preload,
      rssFile: path.join(stage.dir, `rss-${runCounter}-seq`),
    });
    const f = await p.done;
    const ok = f.code === 0 && !f.timedOut;
    return {
      r: {
        ms: f.ms,
        peakRssBytes: f.peakRssBytes,
        cpuMs: f.cpuMs,
        ok,
        problem: ok ? undefined : `mrsequential: ${describe(f)}`,
      },
      expected: ok ? outputOf(dir) : '',
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function runJob(
  stage: Stage,
  corpus: Corpus,
  workers: number,
  expected: string,
  limitMs: number,
): Promise<JobResult> {
  const dir = runDir(stage);
  const n = runCounter;
  const socket = path.join(stage.sockets, `c${n}.sock`);
  const result: JobResult = { workers, ms: NaN, correct: false, workerPeakRssBytes: [] };
  const started: Started[] = [];
  try {
    const coordinator = startNode([stage.coordinator, '--endpoint', socket, ...corpus.files], {
      cwd: dir,
      limitMs,
      preload: stage.preload,
      rssFile: path.join(stage.dir, `rss-${n}-c`),
    });
    started.push(coordinator);
    const accepting = await Promise.race([waitForSocket(socket, 30_000), coordinator.done.then(() => false)]);
    if (!accepting) {
      coordinator.kill();
      const f = await coordinator.done;
      result.problem = `the coordinator never accepted a connection (${describe(f)})`;
      return result;
    }
    result.acceptMs = performance.now() - coordinator.startedAt;
    const ws: Started[] = [];
    for (let w = 0; w < workers; w++) {
      ws.push(
        startNode([stage.worker, '--endpoint', socket, 'wc'], {
          cwd: dir,
          limitMs,
          preload: stage.preload,
          rssFile: path.join(stage.dir, `rss-${n}-w${w}`),
        }),
      );
    }
    started.push(...ws);
    const c = await coordinator.done;
    result.ms = c.ms;
    result.coordinatorPeakRssBytes = c.peakRssBytes;
    // Workers should notice the end within a few seconds; past that they are stuck.
    const grace = setTimeout(() => ws.forEach((w) => w.kill()), 15_000);
    const wf = await Promise.all(ws.map((w) => w.done));
    clearTimeout(grace);
    result.workersDoneMs = Math.max(...wf.map((f, i) => ws[i].startedAt + f.ms - coordinator.startedAt));
    result.workerPeakRssBytes = wf.map((f) => f.peakRssBytes);
    if (c.cpuMs !== undefined && wf.every((f) => f.cpuMs !== undefined)) {
      result.cpuMs = c.cpuMs + wf.reduce((sum, f) => sum + f.cpuMs!, 0);
      result.parallelism = result.cpuMs / result.ms;
    }
    if (c.code !== 0 || c.timedOut) {
      result.problem = `coordinator: ${describe(c)}`;
      return result;
    }
    const got = outputOf(dir);
    result.correct = got === expected;
    if (!result.correct) result.problem = 'the output differs from mrsequential';
    return result;
  } finally {
    started.forEach((s) => s.kill());
    await Promise.all(started.map((s) => s.done));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ parts

interface CorpusReport {
  name: string;
  files: number;
  bytes: number;
  sequential: SequentialResult;
  runs: JobResult[];
}

async function scaling(stage: Stage, opts: Options, corpora: Corpus[]): Promise<CorpusReport[]> {
  const reports: CorpusReport[] = [];
  for (const corpus of corpora) {
    warm(corpus);
    const limit = Math.max(120_000, (corpus.bytes / MB) * 10_000);
    process.stdout.write(`scaling ${corpus.name} (${corpus.files.length} files, ${mb(corpus.bytes)}): mrsequential`);
    const { r: sequential, expected } = await runSequential(stage, corpus, limit);
    process.stdout.write(` ${secs(sequential.ms)}`);
    const runs: JobResult[] = [];
    for (const w of opts.workers) {
      process.stdout.write(`, ${w} worker${w > 1 ? 's' : ''}`);
      const r = await runJob(stage, corpus, w, expected, limit);
      const busy = r.parallelism !== undefined ? ` (${r.parallelism.toFixed(1)} cores busy)` : '';
      process.stdout.write(` ${secs(r.ms)}${r.correct ? busy : ' (FAILED)'}`);
      runs.push(r);
    }
    console.log();
    const one = runs.find((r) => r.workers === 1);
    for (const r of runs) {
      if (one && r.correct && one.correct) r.speedupVsOneWorker = one.ms / r.ms;
      if (r.correct && sequential.ok) r.speedupVsSequential = sequential.ms / r.ms;
    }
    reports.push({ name: corpus.name, files: corpus.files.length, bytes: corpus.bytes, sequential, runs });
  }
  return reports;
}

interface Samples {
  samplesMs: number[];
  medianMs?: number;
  maxMs?: number;
  problem?: string;
}

function summarize(samples: number[], problem?: string): Samples {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    samplesMs: samples.map((s) => Math.round(s * 10) / 10),
    medianMs: sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : undefined,
    maxMs: sorted.length ? sorted[sorted.length - 1] : undefined,
    problem,
  };
}

const STARTUP_METHOD =
  'coordinator: from spawning `mrcoordinator --endpoint SOCK` (one tiny input) until a connect() to SOCK ' +
  'succeeds, polled every 2 ms. worker: from spawning `mrworker --endpoint SOCK wc` until a plain net server ' +
  'listening on SOCK sees its first connection; a gRPC client connects only when it makes its first call, ' +
  'so this is the moment the worker (node, the app, gRPC and mr.proto loaded) sends its first RPC. One ' +
  'discarded warm-up run of each (cold file cache), then the median of the samples.';

async function startup(
  stage: Stage,
  opts: Options,
): Promise<{ method: string; coordinator: Samples; worker: Samples }> {
  const work = runDir(stage);
  const input = path.join(work, 'tiny.txt');
  fs.writeFileSync(input, 'a tiny input\n');
  const coord: number[] = [];
  let coordProblem: string | undefined;
  for (let i = -1; i < opts.repeat; i++) {
    const socket = path.join(stage.sockets, `s${i + 1}.sock`);
    const p = startNode([stage.coordinator, '--endpoint', socket, input], { cwd: work, limitMs: 60_000 });
    const ok = await Promise.race([waitForSocket(socket, 20_000, 2), p.done.then(() => false)]);
    const at = performance.now();
    p.kill();
    const f = await p.done;
    if (!ok) coordProblem = `the coordinator never accepted a connection (${describe(f)})`;
    else if (i >= 0) coord.push(at - p.startedAt);
    fs.rmSync(socket, { force: true });
  }

  const work2: number[] = [];
  let workerProblem: string | undefined;
  for (let i = -1; i < opts.repeat; i++) {
    const socket = path.join(stage.sockets, `w${i + 1}.sock`);
    let firstAt = 0;
    const server = net.createServer((conn) => {
      if (!firstAt) firstAt = performance.now();
      conn.destroy();
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socket, resolve));
    const p = startNode([stage.worker, '--endpoint', socket, 'wc'], { cwd: work, limitMs: 60_000 });
    const until = performance.now() + 20_000;
    let exited = false;
    void p.done.then(() => (exited = true));
    while (!firstAt && !exited && performance.now() < until) await new Promise((r) => setTimeout(r, 2));
    p.kill();
    const f = await p.done;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (!firstAt) workerProblem = `the worker never connected (${describe(f)})`;
    else if (i >= 0) work2.push(firstAt - p.startedAt);
  }
  fs.rmSync(work, { recursive: true, force: true });
  return {
    method: STARTUP_METHOD,
    coordinator: summarize(coord, coordProblem),
    worker: summarize(work2, workerProblem),
  };
}

interface GraderRun {
  status: 'ok' | 'unavailable';
  reason?: string;
  passed?: boolean;
  wallMs?: number;
  tests?: { id: string; name: string; passed: boolean; durationMs: number }[];
  peakMemoryBytes?: number;
  memoryNote?: string;
  failcnt?: number;
  oomKills?: number;
}

/** Runs the course suite with the kit's grader, inside `group` when given. */
async function runGrader(stage: Stage, opts: Options, group: Group | undefined, limitMs: number): Promise<GraderRun> {
  const cli = path.join(KIT, 'dist-grader', 'grader', 'cli.js');
  if (!fs.existsSync(cli))
    return { status: 'unavailable', reason: `${path.relative(KIT, cli)} is missing (npm run build)` };
  const json = path.join(stage.dir, `grader-${++runCounter}.json`);
  const args = [cli, '--impl', opts.impl, 'quiet', '--json', json];
  let p: Started;
  if (group) {
    p = start('/bin/sh', ['-c', enterCommand(group), 'sh', process.execPath, ...args], { cwd: KIT, limitMs });
  } else {
    p = start(process.execPath, args, { cwd: KIT, limitMs });
  }
  currentGrader = p;
  const f = await p.done;
  currentGrader = undefined;
  const run: GraderRun = { status: 'ok', wallMs: f.ms };
  if (group) {
    run.peakMemoryBytes = peakMemory(group);
    Object.assign(run, memoryPressure(group));
  }
  if (f.timedOut) {
    return { ...run, passed: false, reason: `did not finish within ${Math.round(limitMs / 60_000)} min; killed` };
  }
  let summary: {
    passed: boolean;
    runs: { tests: { id: string; name: string; passed: boolean; durationMs: number }[] }[];
  };
  try {
    summary = JSON.parse(fs.readFileSync(json, 'utf8'));
  } catch {
    if (group && f.signal === 'SIGKILL')
      return { ...run, passed: false, reason: 'the grader was killed (out of memory?)' };
    return { status: 'unavailable', reason: `the grader wrote no JSON report (${describe(f)})` };
  }
  run.passed = summary.passed;
  run.tests = (summary.runs[0]?.tests ?? []).map((t) => ({
    id: t.id,
    name: t.name,
    passed: t.passed,
    durationMs: t.durationMs,
  }));
  return run;
}

let currentGrader: Started | undefined;
const groups: Group[] = [];

async function inGroup<T>(
  name: string,
  want: Parameters<typeof makeGroup>[1],
  body: (g: Group | undefined, why?: string) => Promise<T>,
): Promise<T> {
  let group: Group | undefined;
  let why: string | undefined;
  try {
    group = makeGroup(`${name}-${process.pid}`, want);
    groups.push(group);
  } catch (err) {
    why = `cgroup v1 folders cannot be made here: ${(err as Error).message}`;
  }
  try {
    return await body(group, why);
  } finally {
    if (group) {
      await removeGroup(group);
      groups.splice(groups.indexOf(group), 1);
    }
  }
}

// ------------------------------------------------------------------ targets

interface Target {
  id: string;
  description: string;
  value?: string;
  met: boolean | null; // null: not measured
  detail?: string;
}

function targets(report: Report, bigCorpus: string | undefined): Target[] {
  const t: Target[] = [];
  const add = (
    id: string,
    description: string,
    value: number | undefined,
    ok: (v: number) => boolean,
    show: (v: number) => string,
    detail?: string,
  ) =>
    t.push({
      id,
      description,
      value: value === undefined ? undefined : show(value),
      met: value === undefined ? null : ok(value),
      detail,
    });
  // The big-corpus targets: not measured without the big corpus (--quick).
  const onBig = (v: number | undefined): number | undefined => (bigCorpus ? v : undefined);

  const g = report.grader;
  add(
    'suite-time',
    'full course suite <= 75 s',
    g?.status === 'ok' && g.passed ? g.wallMs : undefined,
    (v) => v <= 75_000,
    secs,
    g?.status === 'ok' && !g.passed ? 'the suite failed' : g?.reason,
  );

  const big = report.scaling?.corpora.find((c) => c.name === bigCorpus);
  const two = big?.runs.find((r) => r.workers === 2);
  const note = bigCorpus && bigCorpus !== '128MB' ? `measured on ${bigCorpus}, not 128MB` : undefined;
  const none = bigCorpus ? undefined : 'needs the big corpus (not in --quick)';
  add(
    'speedup-2',
    '128 MB wc: 2 workers >= 1.6x faster than 1',
    two?.speedupVsOneWorker,
    (v) => v >= 1.6,
    (v) => `${v.toFixed(2)}x`,
    note ?? none,
  );
  add(
    'wc-2-time',
    '128 MB wc with 2 workers <= 22 s',
    two?.correct ? two.ms : undefined,
    (v) => v <= 22_000,
    secs,
    note ?? none,
  );
  const seqRss = report.memory?.sequentialPeakRssBytes;
  add('seq-rss', 'mrsequential on 128 MB <= 2 GB peak RSS', onBig(seqRss), (v) => v <= 2 * GB, mb, note ?? none);
  const wRss = report.memory?.workerPeakRssBytes;
  add('worker-rss', 'each worker <= 1 GB peak RSS (128 MB corpus)', onBig(wRss), (v) => v <= GB, mb, note ?? none);
  add(
    'worker-start',
    'worker start to first RPC <= 300 ms (median)',
    report.startup?.worker.medianMs,
    (v) => v <= 300,
    ms,
    report.startup?.worker.problem,
  );
  add(
    'coordinator-start',
    'coordinator start to accepting <= 500 ms (median)',
    report.startup?.coordinator.medianMs,
    (v) => v <= 500,
    ms,
    report.startup?.coordinator.problem,
  );
  const box = report.gradescopeBox;
  t.push({
    id: 'gradescope-box',
    description: 'suite passes within 10 min on half a CPU and 768 MB',
    value: box?.status === 'ok' ? `${box.passed ? 'passed' : 'failed'} in ${secs(box.wallMs!)}` : undefined,
    met: box?.status === 'ok' ? !!box.passed && box.wallMs! <= 600_000 : null,
    detail: box?.reason,
  });
  return t;
}

// ------------------------------------------------------------------ report

interface Report {
  tool: string;
  startedAt: string;
  durationMs: number;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryBytes: number;
    node: string;
    os: string;
    loadAverageAtStart: number[];
  };
  impl: { dir: string; staged: string };
  parts: Part[];
  quick: boolean;
  grader?: GraderRun;
  scaling?: { corpora: CorpusReport[]; timing: string };
  startup?: { method: string; coordinator: Samples; worker: Samples };
  memory?: {
    corpus?: string;
    sequentialPeakRssBytes?: number;
    coordinatorPeakRssBytes?: number;
    workerPeakRssBytes?: number;
    suitePeakBytes?: number;
    suiteNote?: string;
    method: string;
  };
  gradescopeBox?: GraderRun & { cpu: string; memoryLimitBytes: number };
  targets: Target[];
}

function secs(v: number): string {
  return `${(v / 1000).toFixed(1)} s`;
}
function ms(v: number): string {
  return `${Math.round(v)} ms`;
}
function mb(v: number): string {
  return `${(v / MB).toFixed(v < 10 * MB ? 1 : 0)} MB`;
}

function chart(report: Report): string {
  const colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
  const series: Series[] = [];
  (report.scaling?.corpora ?? []).forEach((c, i) => {
    const color = colors[i % colors.length];
    const size = c.name.replace(/^(quick-)?([\d.]+)([KMG]B)$/, '$2 $3');
    const label = c.name === 'inputs' ? 'inputs/ (3.3 MB)' : c.name.startsWith('quick-') ? `${size} (--quick)` : size;
    series.push({
      label: `${label} vs 1 worker`,
      color,
      dashed: false,
      points: c.runs
        .filter((r) => r.speedupVsOneWorker !== undefined)
        .map((r) => ({ workers: r.workers, speedup: r.speedupVsOneWorker! })),
    });
    series.push({
      label: `${label} vs mrsequential`,
      color,
      dashed: true,
      points: c.runs
        .filter((r) => r.speedupVsSequential !== undefined)
        .map((r) => ({ workers: r.workers, speedup: r.speedupVsSequential! })),
    });
  });
  const m = report.machine;
  return scalingSvg(
    'MapReduce word count: speedup against workers',
    `${report.startedAt.slice(0, 10)}, ${m.cpus} cores, Node ${m.node.replace(/^v/, '')}, load ${m.loadAverageAtStart[0]} at start; ` +
      'time from coordinator start to exit',
    series,
  );
}

function printSummary(report: Report): void {
  console.log('\ntargets:');
  for (const t of report.targets) {
    const mark = t.met === null ? 'n/a   ' : t.met ? 'met   ' : 'MISSED';
    console.log(`  ${mark} ${t.description}${t.value ? `: ${t.value}` : ''}${t.detail ? ` (${t.detail})` : ''}`);
  }
}

// ------------------------------------------------------------------ main

let stageDir: string | undefined;
let socketsDir: string | undefined;

function cleanupSync(): void {
  if (currentGrader) {
    try {
      process.kill(currentGrader.pid, 'SIGTERM'); // the grader ends its own processes
    } catch {
      // gone
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
  }
  killAll();
  for (const g of groups) removeGroupSync(g);
  for (const d of [stageDir, socketsDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
}

async function main(argv: string[]): Promise<number> {
  let opts: Options;
  try {
    const parsed = parseOptions(argv);
    if (parsed === 'help') {
      console.log(USAGE);
      return 0;
    }
    opts = parsed;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`bench: ${err.message}`);
      return 2;
    }
    throw err;
  }
  if (opts.chartOf) {
    let earlier: Report;
    try {
      earlier = JSON.parse(fs.readFileSync(opts.chartOf, 'utf8')) as Report;
      if (!earlier.machine || !earlier.startedAt) throw new Error('not a report of npm run bench');
    } catch (err) {
      console.error(`bench: --chart: cannot read ${opts.chartOf}: ${(err as Error).message.split('\n')[0]}`);
      return 2;
    }
    fs.mkdirSync(opts.out, { recursive: true });
    fs.writeFileSync(path.join(opts.out, 'scaling.svg'), chart(earlier));
    console.log(`wrote ${path.join(opts.out, 'scaling.svg')}`);
    return 0;
  }
  for (const [signal, status] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.once(signal, () => {
      console.error(`\nbench: interrupted by ${signal}; every process it started has been killed`);
      cleanupSync();
      process.exit(status);
    });
  }
  process.once('exit', cleanupSync);

  const t0 = performance.now();
  const build = path.join(KIT, '.mr-build');
  fs.mkdirSync(build, { recursive: true });
  stageDir = path.join(build, `bench-${process.pid}`);
  fs.rmSync(stageDir, { recursive: true, force: true });
  fs.mkdirSync(stageDir);
  let stage: Stage;
  try {
    stage = stageImpl(opts.impl, stageDir);
  } catch (err) {
    console.error(`bench: ${(err as Error).message}`);
    return err instanceof UsageError ? 2 : 1;
  }
  socketsDir = stage.sockets;
  const cpus = os.cpus();
  const report: Report = {
    tool: 'mr-lab bench',
    startedAt: new Date().toISOString(),
    durationMs: 0,
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      memoryBytes: os.totalmem(),
      node: process.version,
      os: `${os.type()} ${os.release()}`,
      loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    },
    impl: { dir: path.relative(KIT, opts.impl) || '.', staged: stage.how },
    parts: PARTS.filter((p) => opts.parts.has(p)),
    quick: opts.quick,
    targets: [],
  };
  console.log(`bench: ${report.impl.dir} (${stage.how}); parts: ${report.parts.join(', ')}`);

  // Corpora: the kit's inputs and the big one; --quick: one generated 1 MB corpus.
  let corpora: Corpus[] = [];
  let bigName: string | undefined;
  if (opts.parts.has('scaling') || opts.parts.has('memory')) {
    try {
      if (opts.quick) {
        corpora = [generated('1MB', 4, path.join(stage.dir, 'corpus-1MB'), false)];
        corpora[0].name = 'quick-1MB';
      } else {
        const inputs = fs
          .readdirSync(path.join(KIT, 'inputs'))
          .filter((n) => /^gen-.*\.txt$/.test(n))
          .sort();
        if (inputs.length === 0) throw new UsageError('no inputs/gen-*.txt in the kit (npm run inputs)');
        const big = generated(opts.bigSize, 16, path.join(build, `bench-corpus-${opts.bigSize}`), true);
        bigName = big.name;
        corpora = [
          corpusOf(
            'inputs',
            inputs.map((n) => path.join(KIT, 'inputs', n)),
          ),
          big,
        ];
      }
    } catch (err) {
      console.error(`bench: cannot make the corpora: ${(err as Error).message.split('\n')[0]}`);
      return 1;
    }
  }

  if (opts.parts.has('startup')) {
    console.log(`startup: ${opts.repeat} samples each ...`);
    report.startup = await startup(stage, opts);
  }

  let corpusReports: CorpusReport[] | undefined;
  if (opts.parts.has('scaling')) {
    corpusReports = await scaling(stage, opts, corpora);
    report.scaling = {
      corpora: corpusReports,
      timing:
        'ms: from spawning the coordinator to its exit (it lingers ~1 s after done()); the workers are ' +
        'started once its endpoint accepts connections. mrsequential: spawn to exit. Output checked against mrsequential. ' +
        'cpuMs: user + system CPU time of the coordinator and the workers; parallelism = cpuMs / ms, the average ' +
        'number of busy cores (at most the number of cores, and lower when other programs share the machine).',
    };
  }

  if (opts.parts.has('memory')) {
    const target = corpora[corpora.length - 1];
    if (!corpusReports) {
      // Memory alone: one mrsequential run and one 2-worker job on the big corpus.
      warm(target);
      const limit = Math.max(120_000, (target.bytes / MB) * 10_000);
      const { r: sequential, expected } = await runSequential(stage, target, limit);
      const run = await runJob(stage, target, 2, expected, limit);
      corpusReports = [{ name: target.name, files: target.files.length, bytes: target.bytes, sequential, runs: [run] }];
    }
    const c = corpusReports.find((r) => r.name === target.name)!;
    const maxOf = (xs: (number | undefined)[]): number | undefined => {
      const known = xs.filter((x): x is number => x !== undefined);
      return known.length ? Math.max(...known) : undefined;
    };
    report.memory = {
      corpus: target.name,
      sequentialPeakRssBytes: c.sequential.peakRssBytes,
      coordinatorPeakRssBytes: maxOf(c.runs.map((r) => r.coordinatorPeakRssBytes)),
      workerPeakRssBytes: maxOf(c.runs.flatMap((r) => r.workerPeakRssBytes)),
      method:
        'per process: the larger of process.resourceUsage().maxRSS written at exit (node -r preload) and ' +
        '/proc/PID/status VmHWM sampled every 50 ms; the largest over all runs on the corpus. Suite: ' +
        'memory.max_usage_in_bytes of a cgroup v1 memory folder holding the grader and everything it starts ' +
        '(includes page cache of the files the tests write).',
    };
  }

  if (opts.parts.has('grader')) {
    console.log('grader: the course suite ...');
    const wantMemory = opts.parts.has('memory');
    const g = await inGroup('mr-bench-suite', { memory: wantMemory }, async (group, why) => {
      const run = await runGrader(stage, opts, group, 15 * 60_000);
      if (wantMemory && report.memory) {
        report.memory.suitePeakBytes = run.peakMemoryBytes;
        if (why) report.memory.suiteNote = why;
      }
      return run;
    });
    delete g.failcnt;
    delete g.oomKills;
    report.grader = g;
    if (g.status === 'ok') console.log(`grader: ${g.passed ? 'passed' : 'FAILED'} in ${secs(g.wallMs!)}`);
    else console.log(`grader: unavailable (${g.reason})`);
  }

  if (opts.parts.has('gradescope-box')) {
    console.log('gradescope-box: the course suite on half a CPU with 768 MB ...');
    const limit = 768 * MB;
    report.gradescopeBox = await inGroup('mr-bench-box', { memoryLimit: limit, cpuQuota: 50 }, async (group, why) => {
      const base = { cpu: '50000/100000 us (half a CPU)', memoryLimitBytes: limit };
      if (!group) return { status: 'unavailable' as const, reason: why, ...base };
      return { ...(await runGrader(stage, opts, group, 12 * 60_000)), ...base };
    });
    const b = report.gradescopeBox;
    console.log(
      `gradescope-box: ${b.status === 'ok' ? `${b.passed ? 'passed' : 'FAILED'} in ${secs(b.wallMs!)}` : `unavailable (${b.reason})`}`,
    );
  }

  report.targets = targets(report, bigName);
  report.durationMs = Math.round(performance.now() - t0);
  fs.mkdirSync(opts.out, { recursive: true });
  const json = path.join(opts.out, 'report.json');
  const svg = path.join(opts.out, 'scaling.svg');
  const { targets: met, ...measured } = report;
  const text = JSON.stringify(
    { ...measured, targets: met },
    (_k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v),
    2,
  );
  fs.writeFileSync(json, text + '\n');
  fs.writeFileSync(svg, chart(JSON.parse(text) as Report)); // drawn from what --chart would read

  printSummary(report);
  const show = (f: string): string =>
    path.relative(process.cwd(), f).startsWith('..') ? f : path.relative(process.cwd(), f);
  console.log(`\nwrote ${show(json)} and ${show(svg)}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (status) => {
    cleanupSync();
    process.exit(status);
  },
  (err: unknown) => {
    console.error(`bench: internal error: ${err instanceof Error ? err.message : String(err)}`);
    cleanupSync();
    process.exit(1);
  },
);
