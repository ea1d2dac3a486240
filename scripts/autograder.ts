// Builds the zip Gradescope expects for this lab:
//
//   npm run autograder -- OUTFILE.zip
//
// The archive holds the student release (no solution, no kit tests), the
// script that grades one submission (scripts/gradescope-run.ts), and at its
// top setup.sh and run_autograder (from scripts/gradescope/).

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CommandLine, helpText, parseCommandLine, UsageError } from '../src/kit/args';
import { kitRoot } from '../src/kit/root';
import { writeZip, ZipEntry } from './zip';

const KIT = kitRoot();
const EXTRA_FILES = ['scripts/gradescope-run.ts'];

export const COMMAND_LINE = {
  usage: 'autograder OUTFILE.zip',
  about: 'Builds the zip to upload as the autograder of a Gradescope assignment (run it with npm run autograder).',
  options: {},
  positionals: { name: 'OUTFILE.zip', help: 'the zip to write', min: 1, max: 1 },
} satisfies CommandLine;

function main(argv: string[]): void {
  const { positionals, help } = parseCommandLine(COMMAND_LINE, argv);
  if (help) {
    console.log(helpText(COMMAND_LINE));
    return;
  }
  const out = positionals[0];
  if (!out.endsWith('.zip')) throw new UsageError(`the output must be a .zip file, not "${out}"`);
  if (!fs.existsSync(path.dirname(path.resolve(out)))) {
    throw new UsageError(`cannot write ${out}: no such directory ${path.dirname(path.resolve(out))}`);
  }
  const release = fs.mkdtempSync(path.join(os.tmpdir(), 'mr-autograder-src-'));
  try {
    fs.rmSync(release, { recursive: true });
    execFileSync(process.execPath, [path.join(KIT, 'dist', 'scripts', 'handout.js'), release], { stdio: 'inherit' });
    for (const rel of EXTRA_FILES) fs.copyFileSync(path.join(KIT, rel), path.join(release, rel));

    const entries: ZipEntry[] = [];
    for (const rel of listFiles(release)) {
      const mode = fs.statSync(path.join(release, rel)).mode & 0o777;
      entries.push({ name: rel, data: fs.readFileSync(path.join(release, rel)), mode });
    }
    for (const name of ['setup.sh', 'run_autograder']) {
      entries.push({ name, data: fs.readFileSync(path.join(KIT, 'scripts', 'gradescope', name)), mode: 0o755 });
    }
    writeZip(path.resolve(out), entries);
    console.log(`wrote ${out}: ${entries.length} files; upload it as the autograder of a Gradescope assignment`);
  } finally {
    fs.rmSync(release, { recursive: true, force: true });
  }
}

function listFiles(root: string, rel = ''): string[] {
  return fs.readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((e) => {
    const child = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? listFiles(root, child) : [child];
  });
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    // A bad command line exits 2. Otherwise the release builder has already said what went wrong, if it failed.
    console.error(`autograder: ${(err as Error).message.split('\n')[0]}`);
    process.exit(err instanceof UsageError ? 2 : 1);
  }
}
