// Staging: the implementation compiled with the kit's drivers and apps,
// exactly as the grader builds it (grader/build.ts), in a build folder of
// the kit's .mr-build; plus a short folder for unix sockets and one for the
// RSS preload's reports.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildImpl, implLabel, makeBuildDir } from '../../grader/core/build';
import { driver } from '../../grader/labs/mr/harness/drivers';
import { lab } from '../../grader/labs/mr/manifest';
import { UsageError } from '../../src/kit/args';
import { Session } from './session';

export interface Stage {
  dir: string; // the build folder: compiled tree, runs, reports
  how: string; // for the report: how the implementation was built
  coordinator: string;
  worker: string;
  sequential: string;
  /** The compiled RSS preload, for node --require. */
  preload: string;
  sockets: string; // unix socket paths are limited to ~107 bytes: a short folder in $TMPDIR
  usage: string; // where the preload's reports go
}

const COMPILE_LIMIT_MS = 300_000;

/**
 * Builds `impl` into a fresh folder (removed with the session). An
 * implementation that does not compile is a UsageError: the user's to fix.
 */
export async function stageImpl(kit: string, impl: string, session: Session): Promise<Stage> {
  const preload = compiledPreload();
  const dir = session.removeAtEnd(makeBuildDir(kit));
  const build = await buildImpl({ kit, lab, impl, dir, registry: session.registry, limitMs: COMPILE_LIMIT_MS });
  if (!build.ok) {
    const first = build.message.split('\n').find((l) => l.trim()) ?? 'tsc failed';
    throw new UsageError(`${impl} does not compile: ${first.replace(`${implLabel(impl)}/`, '')}`);
  }
  const usage = path.join(dir, 'usage');
  fs.mkdirSync(usage);
  return {
    dir,
    how: `compiled from ${kitRelative(kit, impl)} with the kit's tsc`, // as the grader builds it
    coordinator: driver(build, 'mrcoordinator'),
    worker: driver(build, 'mrworker'),
    sequential: driver(build, 'mrsequential'),
    preload,
    sockets: session.removeAtEnd(fs.mkdtempSync(path.join(os.tmpdir(), 'mrb-'))),
    usage,
  };
}

/** A folder of the kit as the kit names it (labs/mr/solution); one elsewhere in full. */
function kitRelative(kit: string, folder: string): string {
  const relative = path.relative(kit, folder);
  return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? folder : relative;
}

/** A fresh folder for one run's files (its cwd: inputs, intermediate and output files). */
export function runFolder(stage: Stage): string {
  fs.mkdirSync(path.join(stage.dir, 'runs'), { recursive: true });
  return fs.mkdtempSync(path.join(stage.dir, 'runs', 'run-'));
}

/**
 * node --require needs JavaScript: the preload compiled next to this module
 * in dist/scripts/bench (npm run build), not its TypeScript source.
 */
function compiledPreload(): string {
  const preload = path.join(__dirname, 'rss-preload.js');
  if (!fs.existsSync(preload)) throw new UsageError(`${preload} is missing: run npm run build first`);
  return preload;
}
