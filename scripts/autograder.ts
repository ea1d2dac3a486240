// Builds the zip Gradescope expects for one lab:
//
//   npm run autograder -- [--lab mr] [--tiers course,extended] OUTFILE.zip
//
// The archive holds the student release of that lab (no solution, no kit
// tests), the script that grades one submission (scripts/gradescope-run.ts),
// autograder.json (which lab, which tiers count), and at its top setup.sh
// and run_autograder (from scripts/gradescope/).

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CommandLine, helpText, parseCommandLine, UsageError } from '../src/kit/args';
import { kitRoot } from '../src/kit/root';
import { Catalog } from '../grader/core/catalog';
import { findLab, loadLabs } from '../grader/core/labs';
import { writeZip, ZipEntry } from './zip';

const KIT = kitRoot();
const EXTRA_FILES = ['scripts/gradescope-run.ts'];

export const COMMAND_LINE = {
  usage: 'autograder [--lab LAB] [--tiers NAMES] OUTFILE.zip',
  about: 'Builds the zip to upload as the autograder of a Gradescope assignment (run it with npm run autograder).',
  options: {
    lab: { value: 'LAB', help: 'the lab this assignment grades (needed when the kit has several)' },
    tiers: { value: 'NAMES', help: "the tiers that run and count, comma-separated (default: the lab's default tiers)" },
  },
  positionals: { name: 'OUTFILE.zip', help: 'the zip to write', min: 1, max: 1 },
} satisfies CommandLine;

/** What run_autograder reads from the zip: the lab and the tiers it grades. */
export interface AutograderConfig {
  lab: string;
  tiers: string[];
}

function main(argv: string[]): void {
  const { values, positionals, help } = parseCommandLine(COMMAND_LINE, argv);
  if (help) {
    console.log(helpText(COMMAND_LINE));
    return;
  }
  const labs = loadLabs();
  if (values.lab === undefined && labs.length > 1) {
    throw new UsageError(`which lab? --lab ${labs.map((l) => l.id).join('|')}`);
  }
  const lab = findLab(values.lab ?? labs[0].id, labs);
  const catalog = new Catalog(lab);
  const tiers =
    values.tiers === undefined
      ? lab.tiers.filter((t) => t.default).map((t) => t.id)
      : values.tiers.split(',').map((s) => s.trim());
  for (const id of tiers) catalog.tier(id);
  const out = positionals[0];
  if (!out.endsWith('.zip')) throw new UsageError(`the output must be a .zip file, not "${out}"`);
  if (!fs.existsSync(path.dirname(path.resolve(out)))) {
    throw new UsageError(`cannot write ${out}: no such directory ${path.dirname(path.resolve(out))}`);
  }
  const release = fs.mkdtempSync(path.join(os.tmpdir(), `${lab.id}-autograder-src-`));
  try {
    fs.rmSync(release, { recursive: true });
    execFileSync(process.execPath, [path.join(KIT, 'dist', 'scripts', 'handout.js'), '--labs', lab.id, release], {
      stdio: 'inherit',
    });
    for (const rel of EXTRA_FILES) fs.copyFileSync(path.join(KIT, rel), path.join(release, rel));
    const config: AutograderConfig = { lab: lab.id, tiers };
    fs.writeFileSync(path.join(release, 'autograder.json'), JSON.stringify(config, null, 2) + '\n');

    const entries: ZipEntry[] = [];
    for (const rel of listFiles(release)) {
      const mode = fs.statSync(path.join(release, rel)).mode & 0o777;
      entries.push({ name: rel, data: fs.readFileSync(path.join(release, rel)), mode });
    }
    for (const name of ['setup.sh', 'run_autograder']) {
      entries.push({ name, data: fs.readFileSync(path.join(KIT, 'scripts', 'gradescope', name)), mode: 0o755 });
    }
    writeZip(path.resolve(out), entries);
    const counted = catalog.entries.filter((e) => tiers.includes(e.tier.id)).length;
    console.log(
      `wrote ${out}: ${entries.length} files; the ${lab.title} lab's tiers ${tiers.join(', ')} (${counted} tests); ` +
        'upload it as the autograder of a Gradescope assignment',
    );
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
