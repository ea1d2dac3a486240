// Builds the implementation under test: stages it as the lab's student folder
// (src/<lab>) beside the kit's own folders the lab names (src/kit, ...)
// in <kit>/.mr-build/<unique>/, compiles that with the kit's TypeScript, and
// copies the lab's assets (MapReduce's .proto files) next to the compiled
// student code. Processes then run the compiled JavaScript from <build>/out.
//
// Provided code is always the kit's: the staged folders and the provided
// files of the student's folder (a submission's changed copy is graded with
// the kit's and reported; a missing one is simply the kit's). The build
// folder is the trusted side's: only root (or you) may write it and every
// folder above it on Node's module path; with root, only the sandbox users'
// group may read it, so no student reads another's compiled code.

import * as fs from 'fs';
import * as path from 'path';
import type { Lab } from './lab';
import { Registry } from './processes';

export interface Build {
  dir: string; // the staging folder, removed at the end
  out: string; // the compiled tree: <dir>/out
  ok: boolean;
  message: string; // the compiler's messages when !ok
  /** Provided files of the student's folder that the implementation changed: graded with the kit's copies. */
  changedProvided: string[];
  /** The student's folder in the build, kit-relative ("src/<lab>"). */
  studentDir: string;
  /** How diagnoses name the graded folder: the student's files are <label>/<file>. */
  label: string;
}

/** What to build, and where. */
export interface BuildRequest {
  kit: string;
  lab: Lab;
  /** The folder graded (the student's). */
  impl: string;
  /** A fresh staging folder (makeBuildDir). */
  dir: string;
  registry: Registry;
  limitMs: number;
  /** With root: the sandbox users' group, the only one that may read the build. */
  sandboxGid?: number;
  /** How diagnoses name the graded folder (default: implLabel). */
  label?: string;
}

/** Stages and compiles. Never throws for the student's errors: they come back as !ok. */
export async function buildImpl(request: BuildRequest): Promise<Build> {
  const { kit, lab, impl, dir, registry, limitMs, sandboxGid } = request;
  const out = path.join(dir, 'out');
  const studentDir = lab.student.dir;
  const label = request.label ?? implLabel(impl);
  const build: Build = { dir, out, ok: false, message: '', changedProvided: [], studentDir, label };
  const assets = lab.build.assets ?? (() => false);

  for (const folder of lab.build.stage) copyTree(path.join(kit, folder), path.join(dir, folder));
  copyTree(impl, path.join(dir, studentDir), (name) => name.endsWith('.ts') || assets(name));
  for (const name of lab.student.provided) {
    const ours = path.join(kit, studentDir, name);
    const staged = path.join(dir, studentDir, name);
    if (!fs.existsSync(ours) || path.resolve(impl) === path.join(kit, studentDir)) continue;
    // A missing provided file is not a changed one: the handout tells students to hand in only their own files.
    if (fs.existsSync(staged) && !sameFile(staged, ours)) build.changedProvided.push(`${studentDir}/${name}`);
    fs.copyFileSync(ours, staged);
  }
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        extends: path.join(kit, 'tsconfig.base.json'),
        compilerOptions: { rootDir: '.', outDir: 'out', sourceMap: true, noEmitOnError: true },
        include: ['src/**/*.ts'],
      },
      null,
      2,
    ),
  );

  const tsc = path.join(kit, 'node_modules', 'typescript', 'bin', 'tsc');
  const proc = registry.spawn({
    role: 'tsc',
    command: process.execPath,
    args: [tsc, '-p', path.join(dir, 'tsconfig.json'), '--pretty', 'false'],
    cwd: dir,
    limitMs,
    echo: false,
    capture: true,
  });
  await proc.exited;
  if (proc.exit!.code !== 0) {
    build.message = relabel(proc.output().trim() || `tsc ${proc.describeExit()}`, studentDir, label);
    return build;
  }
  copyTree(path.join(dir, studentDir), path.join(out, studentDir), assets);
  openToGroup(dir, sandboxGid);
  build.ok = true;
  return build;
}

function sameFile(a: string, b: string): boolean {
  try {
    return fs.readFileSync(a).equals(fs.readFileSync(b));
  } catch {
    return false;
  }
}

/**
 * The compiled tree is read by the student's processes: readable inside,
 * and, with root, the top folder open to the sandbox users' group alone.
 */
function openToGroup(dir: string, gid: number | undefined): void {
  const walk = (at: string): void => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const p = path.join(at, entry.name);
      if (entry.isDirectory()) {
        fs.chmodSync(p, 0o755);
        walk(p);
      } else {
        fs.chmodSync(p, 0o644);
      }
    }
  };
  walk(dir);
  if (gid !== undefined) {
    fs.chownSync(dir, 0, gid);
    fs.chmodSync(dir, 0o750);
  } else {
    fs.chmodSync(dir, 0o700);
  }
}

/**
 * The implementation's folder as whoever runs the grader knows it: relative to where the grader runs, when
 * below it. (Gradescope's run names a student's copy as the lab's own folder instead, with --impl-label: a
 * diagnosis a student reads never names a folder of the grading machine.)
 */
export function implLabel(impl: string): string {
  const shown = path.relative(process.cwd(), impl) || '.';
  return shown.startsWith('..') ? impl : shown;
}

/** The compiler names staged files <student folder>/x.ts; name them as the student knows them. */
function relabel(text: string, studentDir: string, label: string): string {
  const staged = new RegExp(`^${studentDir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/`, 'gm');
  return text.replace(staged, `${label}/`);
}

/**
 * Paths of the build in what a student's process printed (source-mapped
 * stack frames name <build>/src/<lab>/<file>.ts), as the student knows them.
 */
export function studentPaths(build: Build): (text: string) => string {
  const label = `${build.label}/`;
  const staged = [path.join(build.dir, build.studentDir) + path.sep, path.join(build.out, build.studentDir) + path.sep];
  return (text) => staged.reduce((t, from) => t.split(from).join(label), text);
}

/** Copies a folder's files (recursively, skipping dot files and node_modules). */
function copyTree(from: string, to: string, keep: (name: string) => boolean = () => true): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) copyTree(source, path.join(to, entry.name), keep);
    else if (entry.isFile() && keep(entry.name)) fs.copyFileSync(source, path.join(to, entry.name));
  }
}

/**
 * A fresh staging folder: <kit>/.mr-build/<pid>-XXXXXX. It sits on the
 * module path of everything compiled in it, so no folder from it up to the
 * kit may be writable by anyone else: a module planted there would run in
 * the next grader's processes.
 */
export function makeBuildDir(kit: string): string {
  const root = path.join(kit, '.mr-build');
  fs.mkdirSync(root, { recursive: true, mode: 0o711 });
  const st = fs.lstatSync(root);
  const me = process.getuid?.() ?? st.uid;
  if (!st.isDirectory() || st.uid !== me) throw new Error(`${root} must be a folder of yours (remove it)`);
  if ((st.mode & 0o7777) !== 0o711) fs.chmodSync(root, 0o711); // pass through, list nothing, write nothing (an older kit left it 1777)
  for (const planted of ['node_modules', 'package.json']) {
    if (fs.existsSync(path.join(root, planted))) fs.rmSync(path.join(root, planted), { recursive: true, force: true });
  }
  return fs.mkdtempSync(path.join(root, `${process.pid}-`));
}
