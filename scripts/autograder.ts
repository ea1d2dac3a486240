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
import { writeZip, ZipEntry } from './zip';

const KIT = path.resolve(__dirname, fs.existsSync(path.join(__dirname, 'gradescope')) ? '..' : '../..');
const EXTRA_FILES = ['scripts/gradescope-run.ts'];

function main(argv: string[]): void {
  const out = argv[0];
  if (argv.length !== 1 || !out.endsWith('.zip')) {
    console.error('usage: npm run autograder -- OUTFILE.zip');
    process.exit(2);
  }
  if (!fs.existsSync(path.dirname(path.resolve(out)))) {
    console.error(`autograder: cannot write ${out}: no such directory ${path.dirname(path.resolve(out))}`);
    process.exit(2);
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

try {
  main(process.argv.slice(2));
} catch (err) {
  // The release builder has already said what went wrong, if it was the one that failed.
  console.error(`autograder: ${(err as Error).message.split('\n')[0]}`);
  process.exit(1);
}
