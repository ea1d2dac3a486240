// Builds the implementation under test: stages it with the kit's own
// src/main and src/mrapps in <kit>/.mr-build/<unique>/src, compiles that
// with the kit's TypeScript, and puts the .proto files next to the compiled
// mr code (the transport loads path.join(__dirname, 'mr.proto')). Processes
// then run the compiled JavaScript: node <build>/out/src/main/mrworker.js.

import * as fs from 'fs';
import * as path from 'path';
import { Registry } from './processes';

export interface Build {
  dir: string; // the staging folder, removed at the end
  out: string; // the compiled tree: <dir>/out
  ok: boolean;
  message: string; // the compiler's messages when !ok
}

/** Stages and compiles. Never throws for the student's errors: they come back as !ok. */
export async function buildImpl(
  kit: string,
  impl: string,
  dir: string,
  registry: Registry,
  limitMs: number,
): Promise<Build> {
  const out = path.join(dir, 'out');
  const build: Build = { dir, out, ok: false, message: '' };

  copyTree(path.join(kit, 'src', 'main'), path.join(dir, 'src', 'main'));
  copyTree(path.join(kit, 'src', 'mrapps'), path.join(dir, 'src', 'mrapps'));
  copyTree(impl, path.join(dir, 'src', 'mr'), (name) => name.endsWith('.ts') || name.endsWith('.proto'));
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
    build.message = relabel(proc.output().trim() || `tsc ${proc.describeExit()}`, impl);
    return build;
  }
  copyTree(path.join(dir, 'src', 'mr'), path.join(out, 'src', 'mr'), (name) => name.endsWith('.proto'));
  build.ok = true;
  return build;
}

/** The compiler names staged files src/mr/x.ts; name them as the student knows them. */
function relabel(text: string, impl: string): string {
  let shown = path.relative(process.cwd(), impl) || '.';
  if (shown.startsWith('..')) shown = impl;
  return text.replace(/^src\/mr\//gm, `${shown}/`);
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

/** A fresh staging folder: <kit>/.mr-build/<pid>-XXXXXX. */
export function makeBuildDir(kit: string): string {
  const root = path.join(kit, '.mr-build');
  fs.mkdirSync(root, { recursive: true });
  return fs.mkdtempSync(path.join(root, `${process.pid}-`));
}

/** The compiled driver scripts. */
export function driver(build: Build, name: 'mrcoordinator' | 'mrworker' | 'mrsequential'): string {
  return path.join(build.out, 'src', 'main', `${name}.js`);
}
