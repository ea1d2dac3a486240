// A student's submission: where its folder of the lab is (src/mr), and which
// of the kit's files it changed. Only the student's folder is ever graded;
// the kit's own drivers, apps and grader are used whatever the submission
// holds, and the changes are reported.

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Lab } from './lab';

/** What every lab's submission may carry but is never taken from it: the grader and the kit's packaging. */
const KIT_OWNED = ['grader', 'package.json', 'package-lock.json'];

/**
 * The submission's folder of the lab (src/mr): at its top, else the
 * shallowest folder of that name holding the lab's required files (a zip of
 * the whole repository often nests it one level down). Undefined when there
 * is none.
 */
export function findStudentFolder(submission: string, lab: Lab): string | undefined {
  const name = path.basename(lab.student.dir);
  const suffix = path.sep + lab.student.dir.split('/').join(path.sep);
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
    if (lab.student.required.every((f) => names.has(f))) found.push(dir);
    if (depth >= 4) continue;
    for (const e of entries) {
      if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')) {
        queue.push({ dir: path.join(dir, e.name), depth: depth + 1 });
      }
    }
  }
  return found.find((d) => d.endsWith(suffix)) ?? found.find((d) => path.basename(d) === name) ?? found[0];
}

/**
 * Files of the kit that the submission changed or added (its drivers, apps,
 * grader; the provided files of the lab's folder), relative to the
 * repository root the student's folder sits in. A provided file the
 * submission left out is not a change: the handout says to hand in only
 * one's own files.
 */
export function changedKitFiles(submission: string, folder: string, kit: string, lab: Lab): string[] {
  const suffix = path.sep + lab.student.dir.split('/').join(path.sep);
  const repoRoot = folder.endsWith(suffix) ? folder.slice(0, -suffix.length) : undefined;
  if (!repoRoot || !repoRoot.startsWith(submission)) return [];
  const kitFiles = [
    ...KIT_OWNED,
    ...lab.student.kitOwned,
    ...lab.student.provided.map((f) => `${lab.student.dir}/${f}`),
  ];
  const changed: string[] = [];
  for (const owned of kitFiles) {
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
 * devices, no node_modules. What the grader builds from. With a cap, a file
 * above `fileBytes` and whatever would exceed the budget are left out (what a
 * student's test wrote can be large).
 */
export function copyRegularFiles(
  from: string,
  to: string,
  cap?: { fileBytes: number; budget: { bytes: number } },
): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') copyRegularFiles(source, path.join(to, entry.name), cap);
    else if (entry.isFile()) {
      if (cap) {
        const size = fs.lstatSync(source).size;
        if (size > cap.fileBytes || size > cap.budget.bytes) continue;
        cap.budget.bytes -= size;
      }
      fs.copyFileSync(source, path.join(to, entry.name));
    }
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
