// Writes the student release of the kit into an empty directory:
//
//   npm run handout -- [--labs mr,raft] OUTDIR     (or: node dist/scripts/handout.js ...)
//
// The release holds what a student needs of each chosen lab (its skeleton,
// drivers, apps, inputs, handout: what its manifest's release plan names),
// the kit's library and the grader, and nothing that is the instructor's: no
// reference solution, no kit tests, no CI, no notes, no other lab. In a git
// checkout only tracked files are taken, so stray local files never leak.

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CommandLine, helpText, parseCommandLine, UsageError } from '../src/kit/args';
import { kitRoot } from '../src/kit/root';
import type { Lab } from '../grader/core/lab';
import { loadLabs } from '../grader/core/labs';

export const COMMAND_LINE = {
  usage: 'handout [--labs NAMES] OUTDIR',
  about: 'Writes the student release of the kit (no solution, no kit tests) into OUTDIR.',
  options: {
    labs: { value: 'NAMES', help: 'the labs to release, comma-separated (default: every lab)' },
  },
  positionals: {
    name: 'OUTDIR',
    help: 'where the release goes: an empty or new folder outside the kit',
    min: 1,
    max: 1,
  },
} satisfies CommandLine;

/** What every release holds, whichever labs: whole folders (with a trailing /) and single files. Each lab adds its own. */
const COMMON = [
  'src/kit/',
  'grader/', // less the folders of labs not released (below)
  'scripts/copy-assets.js',
  'package-lock.json',
  'tsconfig.base.json',
  'tsconfig.build.json',
  'tsconfig.json',
  'tsconfig.kit.json', // npm run lint's stricter check of the kit's own code
  '.gitignore',
  'eslint.config.js', // npm run lint works in a student's copy too
  '.prettierrc.json',
  '.prettierignore',
];

/** Never in a release, whatever is included (build output, local runs, the solutions). */
const EXCLUDE = [
  /(^|\/)node_modules\//,
  /(^|\/)dist(-grader)?\//,
  /(^|\/)mr-tmp\//,
  /(^|\/)mr-out-/,
  /\.tsbuildinfo$/,
  /solution/i,
  /STUDENT-README/,
];

/** package.json scripts that are the instructor's only, by name or by what they run. */
const INSTRUCTOR_SCRIPTS = new Set(['handout', 'autograder']);
const INSTRUCTOR_COMMAND = /\bjest\b|\/solution|scripts\/handout|(^|\s)test\//;

/** What a release is made of: its files (kit-relative), and the labs it holds. */
export interface ReleasePlan {
  labs: Lab[];
  files: string[];
  untracked: string[];
}

function main(argv: string[]): void {
  const { values, positionals, help } = parseCommandLine(COMMAND_LINE, argv);
  if (help) {
    console.log(helpText(COMMAND_LINE));
    return;
  }
  const kit = kitRoot();
  const out = path.resolve(positionals[0]);
  checkOutDir(out, kit);
  const plan = releasePlan(kit, chooseLabs(values.labs));
  writeRelease(kit, out, plan);
}

/** The labs named by --labs (every lab when not given). */
export function chooseLabs(names: string | undefined, all: Lab[] = loadLabs()): Lab[] {
  if (names === undefined) return all;
  const wanted = names
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (wanted.length === 0) throw new UsageError('--labs needs lab names');
  for (const name of wanted) {
    if (!all.some((l) => l.id === name))
      throw new UsageError(`--labs: no lab "${name}" (labs: ${all.map((l) => l.id).join(', ')})`);
  }
  return all.filter((l) => wanted.includes(l.id));
}

/** Folders of the grader that only some labs use (the simulator of labs 2 on): a lab that needs one includes it. */
const GRADER_FOR_SOME = ['grader/sim/'];

/** The files of a release of these labs. */
export function releasePlan(kit: string, labs: Lab[]): ReleasePlan {
  const include = [...COMMON, ...labs.flatMap((l) => l.release.include)];
  const under = (f: string, dir: string): boolean => f.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
  const chosen = labs.map((l) => `grader/labs/${l.id}/`);
  const solutions = labs.flatMap((l) => l.release.solutions);
  const keep = (f: string): boolean =>
    include.some((inc) => (inc.endsWith('/') ? f.startsWith(inc) : f === inc)) &&
    (!under(f, 'grader/labs') || chosen.some((dir) => f.startsWith(dir))) && // every other lab's folder, manifest or not
    GRADER_FOR_SOME.every((dir) => !f.startsWith(dir) || labs.some((l) => l.release.include.includes(dir))) &&
    !solutions.some((dir) => under(f, dir)) &&
    !labs.some((l) => f === l.release.readme) &&
    !EXCLUDE.some((re) => re.test(f));
  for (const l of labs) {
    if (!fs.existsSync(path.join(kit, l.release.readme)))
      throw new UsageError(`${l.release.readme} is missing from the kit`);
  }
  return { labs, ...releaseFiles(kit, include, keep) };
}

/** Writes the release: its files, a README of its labs, and the student's package.json. */
export function writeRelease(kit: string, out: string, plan: ReleasePlan): void {
  if (plan.untracked.length > 0) {
    const names =
      plan.untracked.slice(0, 5).join(', ') +
      (plan.untracked.length > 5 ? `, ... (${plan.untracked.length} in all)` : '');
    console.error(`handout: warning: left out files git does not track (git add them if they belong): ${names}`);
  }
  for (const file of plan.files) copyFile(path.join(kit, file), path.join(out, file));
  fs.writeFileSync(path.join(out, 'README.md'), releaseReadme(kit, plan.labs));
  writePackageJson(kit, out, plan.labs);
  console.log(`handout: wrote ${plan.files.length + 2} files to ${out}`);
}

/** One lab: its own README part as it is. Several: a title, then each lab's part, its headings one level down. */
function releaseReadme(kit: string, labs: Lab[]): string {
  const parts = labs.map((l) =>
    withoutKitOnly(fs.readFileSync(path.join(kit, l.release.readme), 'utf8'), l.release.readme),
  );
  if (parts.length === 1) return parts[0];
  const intro = [
    '# Distributed systems labs',
    '',
    `This release holds ${labs.length} labs: ${labs.map((l) => l.title).join(', ')}.`,
    '',
  ];
  return [...intro, ...parts.map((p) => p.replace(/^(#+) /gm, '#$1 '))].join('\n');
}

/** Refuses an OUTDIR that is not empty, is not a folder, or lies inside the kit. */
function checkOutDir(out: string, kit: string): void {
  const realKit = fs.realpathSync(kit);
  const realOut = realPathOfNearest(out);
  if (realOut === realKit || realOut.startsWith(realKit + path.sep)) {
    throw new UsageError(`${out} is inside the kit (${kit}); choose a directory outside it`);
  }
  if (!fs.existsSync(out)) return;
  if (!fs.statSync(out).isDirectory()) throw new UsageError(`${out} exists and is not a directory`);
  if (fs.readdirSync(out).length > 0) throw new UsageError(`${out} is not empty`);
}

/** The real path of `p`, resolving the nearest existing ancestor when `p` does not exist yet. */
function realPathOfNearest(p: string): string {
  const rest: string[] = [];
  let dir = p;
  while (!fs.existsSync(dir)) {
    rest.unshift(path.basename(dir));
    dir = path.dirname(dir);
  }
  return path.join(fs.realpathSync(dir), ...rest);
}

/**
 * The kit's files that belong in the release, as sorted paths relative to
 * the kit ('/'-separated); and those on disk that were left out because git
 * does not track them.
 */
function releaseFiles(
  kit: string,
  include: string[],
  keep: (f: string) => boolean,
): { files: string[]; untracked: string[] } {
  const select = (candidates: string[]): string[] =>
    candidates.filter((f) => keep(f) && fs.statSync(path.join(kit, f), { throwIfNoEntry: false })?.isFile()).sort();
  const onDisk = select(walkedFiles(kit, include));
  const tracked = trackedFiles(kit);
  if (!tracked) return { files: onDisk, untracked: [] };
  const files = select(tracked);
  return { files, untracked: onDisk.filter((f) => !files.includes(f)) };
}

/** git ls-files, when the kit is a git checkout whose package.json is tracked; else undefined. */
function trackedFiles(kit: string): string[] | undefined {
  let listing: string;
  try {
    listing = execFileSync('git', ['ls-files', '-z'], {
      cwd: kit,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return undefined; // no git, or not a checkout
  }
  const files = listing.split('\0').filter(Boolean);
  return files.includes('package.json') ? files : undefined;
}

/** Every file under the included folders, for a kit that is not a git checkout. */
function walkedFiles(kit: string, include: string[]): string[] {
  const found: string[] = [];
  const walk = (rel: string): void => {
    const abs = path.join(kit, rel);
    const st = fs.lstatSync(abs, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isFile()) found.push(rel);
    else if (st.isDirectory()) for (const name of fs.readdirSync(abs)) walk(`${rel}/${name}`);
  };
  for (const inc of include) walk(inc.replace(/\/$/, ''));
  return found;
}

function copyFile(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  if (from.endsWith('.md')) fs.writeFileSync(to, withoutKitOnly(fs.readFileSync(from, 'utf8'), from));
  else fs.copyFileSync(from, to);
}

const KIT_ONLY = '<!-- kit-only -->';
const END_KIT_ONLY = '<!-- /kit-only -->';

/**
 * A page without its kit-only parts: the lines from a "<!-- kit-only -->"
 * line to the next "<!-- /kit-only -->" line, both included. They speak of
 * what only the instructors' copy has (the reference solution, the kit's own
 * tests), which would be dangling references in a student's.
 */
export function withoutKitOnly(text: string, file = 'a page'): string {
  const kept: string[] = [];
  let inside = false;
  for (const line of text.split('\n')) {
    if (line.trim() === KIT_ONLY) {
      if (inside) throw new UsageError(`${file}: a ${KIT_ONLY} inside another`);
      inside = true;
    } else if (line.trim() === END_KIT_ONLY) {
      if (!inside) throw new UsageError(`${file}: a ${END_KIT_ONLY} with no ${KIT_ONLY} before it`);
      inside = false;
    } else if (!inside) {
      kept.push(line);
    }
  }
  if (inside) throw new UsageError(`${file}: a ${KIT_ONLY} that is never closed`);
  return kept.join('\n');
}

/**
 * The kit's package.json with the student's scripts: instructor-only ones
 * and those of labs not released dropped, and `test` meaning "type-check,
 * then grade" each lab. Dependencies stay as they are, so package-lock.json
 * still matches and `npm ci` works.
 */
function writePackageJson(kit: string, out: string, labs: Lab[]): void {
  const pkg = JSON.parse(fs.readFileSync(path.join(kit, 'package.json'), 'utf8'));
  const others = new Set(
    loadLabs()
      .filter((l) => !labs.includes(l))
      .flatMap((l) => l.release.scripts),
  );
  const scripts: Record<string, string> = {};
  for (const [name, command] of Object.entries<string>(pkg.scripts ?? {})) {
    if (!INSTRUCTOR_SCRIPTS.has(name) && !others.has(name) && !INSTRUCTOR_COMMAND.test(command))
      scripts[name] = command;
  }
  for (const l of labs)
    scripts[l.command] ??= `tsc -p grader/tsconfig.json && exec node dist-grader/grader/cli.js ${l.id}`;
  scripts.test = ['npm run typecheck', ...labs.map((l) => `npm run ${l.command}`)].join(' && ');
  pkg.scripts = scripts;
  pkg.description = labs
    .map(
      (l) =>
        `${l.title} lab (TypeScript): implement ${l.student.dir}, then run npm run ${l.command}; see ${l.release.handout}.`,
    )
    .join(' ');
  fs.writeFileSync(path.join(out, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    report(err);
  }
}

/** Bad input (a UsageError, or a system error such as EACCES): one line, exit 2. Anything else is a bug: its stack, exit 1. */
function report(err: unknown): never {
  const isExpected = err instanceof UsageError || (err instanceof Error && 'code' in err);
  console.error(`handout: ${err instanceof Error ? (isExpected ? err.message : err.stack) : String(err)}`);
  process.exit(isExpected ? 2 : 1);
}
