// Compiles peer code for the simulator's tests: the kit's labrpc and kit
// modules and the fixtures, transpiled (no type check) into a build folder
// with source maps back to the repository's .ts files, as the grader's
// build will lay them out.

import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

export const ROOT = path.resolve(__dirname, '..', '..');
const TREES = ['src/labrpc', 'src/kit', 'test/sim/fixtures'];

/** A tree (of the repository, or an absolute folder), laid out at `to` in the build (a reference solution as src/raft). */
export interface Tree {
  from: string;
  to: string;
}

/** Transpiles every .ts file of the trees into out/<same path>.js (or the tree's `to`); returns out. */
export function buildPeerCode(out: string, trees: (string | Tree)[] = TREES): string {
  for (const tree of trees) {
    const { from, to } = typeof tree === 'string' ? { from: tree, to: tree } : tree;
    const dir = path.resolve(ROOT, from); // a tree of the repository, or an absolute folder (a zoo's defect)
    for (const source of listTs(dir)) {
      const relative = path.join(to, path.relative(dir, source));
      const target = path.join(out, relative.replace(/\.ts$/, '.js'));
      const result = ts.transpileModule(fs.readFileSync(source, 'utf8'), {
        fileName: source,
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2022,
          esModuleInterop: true,
          sourceMap: true,
        },
      });
      const map = JSON.parse(result.sourceMapText!) as { sources: string[]; sourceRoot?: string };
      map.sources = [path.relative(path.dirname(target), source)];
      delete map.sourceRoot;
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, result.outputText);
      fs.writeFileSync(`${target}.map`, JSON.stringify(map));
    }
  }
  return out;
}

function listTs(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listTs(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}
