// A student's submission: where its src/mr is, and what else it changed.
// Only src/mr is ever graded; the kit's own drivers, apps and grader are
// used whatever the submission holds, and the changes are reported.

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** The files a student writes; the first two must be there. */
export const STUDENT_FILES = ['coordinator.ts', 'worker.ts', 'rpc.ts', 'transport.ts', 'mr.proto'];

/** Files and folders of the kit that a submission may carry but that are never taken from it. */
const KIT_OWNED = [
  'src/main',
  'src/mrapps',
  'src/mr/transport.ts',
  'grader',
  'test-mr.sh',
  'package.json',
  'package-lock.json',
];

/**
 * The submission's src/mr folder: `src/mr` at its top, else the shallowest
 * folder named mr holding coordinator.ts and worker.ts (a zip of the whole
 * repository often nests it one level down). Undefined when there is none.
 */
export function findMrFolder(submission: string): string | undefined {
  const queue: Array<{ dir: string; depth: number }> = [{ dir: submission, depth: 0 }];
  const found: string[] = [];
  while (queue.length) {
    const { dir, depth } = queue.shift()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    const names = new Set(entries.map((e) => e.name));
    if (names.has('coordinator.ts') && names.has('worker.ts')) found.push(dir);
    if (depth >= 4) continue;
    for (const e of entries) {
      if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')) {
        queue.push({ dir: path.join(dir, e.name), depth: depth + 1 });
      }
    }
  }
  return (
    found.find((d) => d.endsWith(`${path.sep}src${path.sep}mr`)) ??
    found.find((d) => path.basename(d) === 'mr') ??
    found[0]
  );
}

/**
 * Files of the kit's own folders that the submission changed or added,
 * relative to the repository root the submission's src/mr sits in.
 */
export function changesOutsideMr(submission: string, mrFolder: string, kit: string): string[] {
  const repoRoot =
    path.basename(mrFolder) === 'mr' && path.basename(path.dirname(mrFolder)) === 'src'
      ? path.dirname(path.dirname(mrFolder))
      : undefined;
  if (!repoRoot || !repoRoot.startsWith(submission)) return [];
  const changed: string[] = [];
  for (const owned of KIT_OWNED) {
    for (const rel of listFiles(path.join(repoRoot, owned), owned)) {
      const theirs = path.join(repoRoot, rel);
      const ours = path.join(kit, rel);
      if (!fs.existsSync(ours) || digest(theirs) !== digest(ours)) changed.push(rel);
    }
  }
  return changed.sort();
}

/**
 * Copies the regular files of a folder tree, and nothing else: no links
 * (a submission's link could name any file of the grading machine), no
 * devices, no node_modules. What the grader builds from.
 */
export function copyRegularFiles(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') copyRegularFiles(source, path.join(to, entry.name));
    else if (entry.isFile()) fs.copyFileSync(source, path.join(to, entry.name));
  }
}

function listFiles(at: string, rel: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(at); // a link is not followed: it could name any file of the machine
  } catch {
    return [];
  }
  if (stat.isFile()) return [rel];
  if (!stat.isDirectory()) return [];
  return fs
    .readdirSync(at)
    .filter((name) => name !== 'node_modules')
    .flatMap((name) => listFiles(path.join(at, name), path.posix.join(rel, name)));
}

function digest(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}
