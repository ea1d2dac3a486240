// Writes the student release of the kit into an empty directory:
//
//   npm run handout -- OUTDIR          (or: node dist/scripts/handout.js OUTDIR)
//
// The release holds what a student needs (the skeleton, the apps and
// drivers, the inputs, the grader, the handout) and nothing that is the
// instructor's: no reference solution, no kit tests, no CI, no notes. In a
// git checkout only tracked files are taken, so stray local files never leak.

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CommandLine, helpText, parseCommandLine, UsageError } from '../src/kit/args';
import { kitRoot } from '../src/kit/root';

export const COMMAND_LINE = {
  usage: 'handout OUTDIR',
  about: 'Writes the student release of the kit (no solution, no kit tests) into OUTDIR.',
  options: {},
  positionals: {
    name: 'OUTDIR',
    help: 'where the release goes: an empty or new folder outside the kit',
    min: 1,
    max: 1,
  },
} satisfies CommandLine;

/** What goes into the release: whole folders (with a trailing /) and single files. */
const INCLUDE = [
  'src/',
  'inputs/',
  'grader/',
  'labs/mr/', // the handout and its pages (the solution is excluded below)
  'test-mr.sh',
  'scripts/copy-assets.js',
  'scripts/gen-inputs.ts',
  'scripts/bench.ts', // students measure their own implementation too
  'scripts/bench/',
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

/** Files written from a different place in the kit: release path -> kit path. */
const RENAMED: Record<string, string> = {
  'README.md': 'labs/mr/STUDENT-README.md',
};

/** Never in a release, whatever INCLUDE says (build output, local runs, the solution). */
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
const INSTRUCTOR_COMMAND = /\bjest\b|labs\/mr\/solution|scripts\/handout|(^|\s)test\//;
/** The release's `npm test`: type-check the student's code, then grade it. */
const STUDENT_TEST = 'npm run typecheck && npm run test-mr';

function main(argv: string[]): void {
  const { positionals, help } = parseCommandLine(COMMAND_LINE, argv);
  if (help) {
    console.log(helpText(COMMAND_LINE));
    return;
  }
  const kit = kitRoot();
  const out = path.resolve(positionals[0]);
  checkOutDir(out, kit);

  const { files, untracked } = releaseFiles(kit);
  for (const from of Object.values(RENAMED)) {
    if (!fs.existsSync(path.join(kit, from))) throw new UsageError(`${from} is missing from the kit`);
  }
  if (untracked.length > 0) {
    const names = untracked.slice(0, 5).join(', ') + (untracked.length > 5 ? `, ... (${untracked.length} in all)` : '');
    console.error(`handout: warning: left out files git does not track (git add them if they belong): ${names}`);
  }
  for (const file of files) copyFile(path.join(kit, file), path.join(out, file));
  for (const [to, from] of Object.entries(RENAMED)) copyFile(path.join(kit, from), path.join(out, to));
  writePackageJson(kit, out);

  const count = files.length + Object.keys(RENAMED).length + 1;
  console.log(`handout: wrote ${count} files to ${out}`);
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
function releaseFiles(kit: string): { files: string[]; untracked: string[] } {
  const onDisk = selectFiles(kit, walkedFiles(kit));
  const tracked = trackedFiles(kit);
  if (!tracked) return { files: onDisk, untracked: [] };
  const files = selectFiles(kit, tracked);
  return { files, untracked: onDisk.filter((f) => !files.includes(f)) };
}

function selectFiles(kit: string, candidates: string[]): string[] {
  return candidates
    .filter((f) => INCLUDE.some((inc) => (inc.endsWith('/') ? f.startsWith(inc) : f === inc)))
    .filter((f) => !EXCLUDE.some((re) => re.test(f)))
    .filter((f) => fs.statSync(path.join(kit, f), { throwIfNoEntry: false })?.isFile())
    .sort();
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
function walkedFiles(kit: string): string[] {
  const found: string[] = [];
  const walk = (rel: string): void => {
    const abs = path.join(kit, rel);
    const st = fs.lstatSync(abs, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isFile()) found.push(rel);
    else if (st.isDirectory()) for (const name of fs.readdirSync(abs)) walk(`${rel}/${name}`);
  };
  for (const inc of INCLUDE) walk(inc.replace(/\/$/, ''));
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
 * dropped, and `test` meaning "type-check, then grade". Dependencies stay as
 * they are, so package-lock.json still matches and `npm ci` works.
 */
function writePackageJson(kit: string, out: string): void {
  const pkg = JSON.parse(fs.readFileSync(path.join(kit, 'package.json'), 'utf8'));
  const scripts: Record<string, string> = {};
  for (const [name, command] of Object.entries<string>(pkg.scripts ?? {})) {
    if (name === 'test') scripts.test = STUDENT_TEST;
    else if (!INSTRUCTOR_SCRIPTS.has(name) && !INSTRUCTOR_COMMAND.test(command)) scripts[name] = command;
  }
  scripts.test = STUDENT_TEST;
  pkg.scripts = scripts;
  pkg.description = 'MapReduce lab (TypeScript): implement src/mr, then run npm run test-mr. See labs/mr/README.md.';
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
