// What Gradescope does with the zip `npm run autograder` builds, for the
// kit's tests: unpack it into a source/ folder and build it there (setup.sh's
// npm ci replaced by a link to the kit's node_modules).

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const KIT = path.resolve(__dirname, '..', '..');

/** Builds `lab`'s zip at `zip`, unpacks and builds it in `source`; returns `source`. Throws with the tool's words. */
export function unpackedAutograder(lab: string, zip: string, source: string): string {
  const built = spawnSync(process.execPath, [path.join(KIT, 'dist', 'scripts', 'autograder.js'), '--lab', lab, zip], {
    cwd: KIT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (built.status !== 0) throw new Error(`autograder.js failed: ${built.stderr}`);
  const unpacked = spawnSync('python3', ['-m', 'zipfile', '-e', zip, source], { encoding: 'utf8' });
  if (unpacked.status !== 0) throw new Error(`cannot unpack: ${unpacked.stderr}`);
  fs.symlinkSync(path.join(KIT, 'node_modules'), path.join(source, 'node_modules'));
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: source, encoding: 'utf8', timeout: 180_000 });
  if (build.status !== 0) throw new Error(`build of the autograder source failed: ${build.stdout}${build.stderr}`);
  return source;
}
