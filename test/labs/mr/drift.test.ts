// The drift guard: the student skeleton (src/mr) and the reference solution
// (labs/mr/solution) must agree on everything the drivers, the apps and the
// grader rely on: exported names, signatures, ihash, the transport and the
// Example RPC. The comparison reads both with the TypeScript compiler API.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const KIT = path.join(__dirname, '..', '..', '..');
const SKELETON = path.join(KIT, 'src', 'mr');
const SOLUTION = path.join(KIT, 'labs', 'mr', 'solution');
const CHALLENGE_SOLUTION = path.join(KIT, 'labs', 'mr', 'solution-challenge');

/** What each module must export for the drivers and apps, whatever else it adds. */
const REQUIRED_EXPORTS: Record<string, string[]> = {
  coordinator: ['Coordinator', 'makeCoordinator'],
  worker: ['worker', 'ihash', 'call', 'callExample', 'KeyValue', 'MapFunction', 'ReduceFunction'],
  rpc: ['ExampleArgs', 'ExampleReply', 'Rpcs', 'Handlers'],
};

/** The contract of one implementation: item name -> its text (signature, members, body). */
type Contract = Map<string, string>;

/** Reads the contract of the implementation in `dir` (coordinator.ts, worker.ts, rpc.ts). */
function readContract(dir: string): Contract {
  const files = ['coordinator', 'worker', 'rpc'].map((m) => path.join(dir, `${m}.ts`));
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    strict: true,
    types: [],
    noEmit: true,
    // An implementation in any folder imports ../kit as src/kit, and the provided ./transport and ./challenge as the kit's.
    rootDirs: [path.join(KIT, 'src'), path.dirname(dir), path.join(KIT, 'src', 'mr'), dir],
  });
  const checker = program.getTypeChecker();
  const contract: Contract = new Map();
  const module = (name: string) => {
    const source = program.getSourceFile(path.join(dir, `${name}.ts`));
    if (!source) throw new Error(`cannot read ${name}.ts in ${dir}`);
    const symbol = checker.getSymbolAtLocation(source);
    const exports = new Map((symbol ? checker.getExportsOfModule(symbol) : []).map((s) => [s.name, s]));
    return { source, exports };
  };

  const modules = Object.fromEntries(Object.keys(REQUIRED_EXPORTS).map((m) => [m, module(m)]));
  for (const [name, { exports }] of Object.entries(modules)) {
    for (const required of REQUIRED_EXPORTS[name]) {
      contract.set(`${name}.ts exports ${required}`, exports.has(required) ? 'yes' : 'no');
    }
  }
  // Names the drivers and apps import from src/mr must exist too.
  for (const [name, imported] of importsFromMr()) {
    const exports = modules[name]?.exports;
    for (const one of imported) contract.set(`${name}.ts exports ${one}`, exports?.has(one) ? 'yes' : 'no');
  }

  const fn = (mod: string, name: string) => {
    const exported = modules[mod].exports.get(name);
    const symbol = exported && exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const decl = symbol?.valueDeclaration;
    return decl && ts.isFunctionDeclaration(decl) ? decl : undefined;
  };
  for (const [mod, name] of [
    ['coordinator', 'makeCoordinator'],
    ['worker', 'worker'],
    ['worker', 'ihash'],
    ['worker', 'call'],
    ['worker', 'callExample'],
  ]) {
    const decl = fn(mod, name);
    contract.set(`${name}()`, decl ? signatureText(checker, decl) : 'missing');
  }

  const coordinatorClass = modules.coordinator.exports.get('Coordinator')?.valueDeclaration;
  for (const method of ['done', 'stop', 'startServer']) {
    const decl =
      coordinatorClass && ts.isClassDeclaration(coordinatorClass)
        ? coordinatorClass.members.find(
            (m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && m.name.getText() === method,
          )
        : undefined;
    const isPublic = decl && !decl.modifiers?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword);
    contract.set(`Coordinator#${method}()`, decl && isPublic ? signatureText(checker, decl) : 'missing');
  }

  for (const [mod, name] of [
    ['worker', 'KeyValue'],
    ['worker', 'MapFunction'],
    ['worker', 'ReduceFunction'],
    ['rpc', 'ExampleArgs'],
    ['rpc', 'ExampleReply'],
  ]) {
    const symbol = modules[mod].exports.get(name);
    contract.set(`type ${name}`, symbol ? typeText(checker, symbol) : 'missing');
  }

  // Handlers is derived from the Rpcs table, which each side fills with its own rpcs: compare how.
  const handlers = modules.rpc.exports.get('Handlers')?.declarations?.[0];
  contract.set('type Handlers', handlers && ts.isTypeAliasDeclaration(handlers) ? handlers.type.getText() : 'missing');

  const ihash = fn('worker', 'ihash');
  contract.set('ihash body', ihash?.body ? ihash.body.getText() : 'missing');
  const home = ihash?.getSourceFile().fileName;
  contract.set('ihash defined in', home ? path.relative(path.dirname(path.dirname(home)), home) : 'missing');
  return contract;
}

/** "<T>(string, object) => Promise<T | undefined>": type parameters, parameter types, return type. */
function signatureText(checker: ts.TypeChecker, decl: ts.SignatureDeclaration): string {
  const signature = checker.getSignatureFromDeclaration(decl);
  if (!signature) return 'no signature';
  const typeParams = (decl.typeParameters ?? []).map((t) => t.getText()).join(', ');
  const params = decl.parameters.map((p) => {
    const type = checker.typeToString(checker.getTypeAtLocation(p), p, ts.TypeFormatFlags.NoTruncation);
    return `${p.dotDotDotToken ? '...' : ''}${type}${p.questionToken || p.initializer ? '?' : ''}`;
  });
  const returns = checker.typeToString(signature.getReturnType(), decl, ts.TypeFormatFlags.NoTruncation);
  return `${typeParams ? `<${typeParams}>` : ''}(${params.join(', ')}) => ${returns}`;
}

/** The structure of a type: an interface's members, or what a type alias stands for. */
function typeText(checker: ts.TypeChecker, symbol: ts.Symbol): string {
  const decl = symbol.declarations?.[0];
  if (!decl) return 'no declaration';
  const type = checker.getDeclaredTypeOfSymbol(symbol);
  const flags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.InTypeAlias;
  if (ts.isTypeAliasDeclaration(decl)) return checker.typeToString(type, decl, flags);
  const members = checker.getPropertiesOfType(type).map((p) => {
    const optional = p.flags & ts.SymbolFlags.Optional ? '?' : '';
    return `${p.name}${optional}: ${checker.typeToString(checker.getTypeOfSymbolAtLocation(p, decl), decl, flags)}`;
  });
  return `{ ${members.sort().join('; ')} }`;
}

/** Module name (coordinator, worker, ...) -> the names src/main and src/mrapps import from it. */
function importsFromMr(): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (entry.name.endsWith('.ts')) {
        const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
        const add = (specifier: string, names: string[]): void => {
          const match = /(?:^|\/)mr\/(\w+)$/.exec(specifier);
          if (!match || ['transport', 'challenge'].includes(match[1])) return; // provided, not the student's
          const set = found.get(match[1]) ?? new Set<string>();
          for (const name of names) set.add(name);
          found.set(match[1], set);
        };
        const visitNode = (node: ts.Node): void => {
          // import { a, b } from '../mr/x'
          if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
            const bindings = node.importClause?.namedBindings;
            if (bindings && ts.isNamedImports(bindings)) {
              add(
                node.moduleSpecifier.text,
                bindings.elements.map((el) => (el.propertyName ?? el.name).text),
              );
            }
          }
          // const { a } = require('../mr/x') (as ...): a driver that loads the student's module late
          if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer) {
            let init: ts.Expression = node.initializer;
            while (ts.isAsExpression(init) || ts.isParenthesizedExpression(init)) init = init.expression;
            if (ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'require') {
              const [arg] = init.arguments;
              if (arg && ts.isStringLiteral(arg)) {
                add(
                  arg.text,
                  node.name.elements.map((el) => (el.propertyName ?? el.name).getText(source)),
                );
              }
            }
          }
          ts.forEachChild(node, visitNode);
        };
        visitNode(source);
      }
    }
  };
  visit(path.join(KIT, 'src', 'main'));
  visit(path.join(KIT, 'src', 'mrapps'));
  return found;
}

/** The Example rpc line and the two Example messages of an mr.proto, comments and spacing removed. */
function protoContract(file: string): Contract {
  const text = fs
    .readFileSync(file, 'utf8')
    .replace(/\/\/[^\n]*/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ');
  const contract: Contract = new Map();
  contract.set('proto syntax', /syntax = "proto3";/.test(text) ? 'proto3' : 'other');
  contract.set('proto package', /\bpackage (\w+) ?;/.exec(text)?.[1] ?? 'none');
  contract.set('proto service', /\bservice (\w+) ?\{/.exec(text)?.[1] ?? 'none');
  contract.set(
    'proto rpc Example',
    /\brpc Example ?\( ?ExampleArgs ?\) ?returns ?\( ?ExampleReply ?\) ?;/.test(text) ? 'declared' : 'missing',
  );
  for (const message of ['ExampleArgs', 'ExampleReply']) {
    const body = new RegExp(`\\bmessage ${message} ?\\{([^}]*)\\}`).exec(text)?.[1];
    contract.set(`proto message ${message}`, body === undefined ? 'missing' : body.replace(/ ?([=;]) ?/g, '$1').trim());
  }
  return contract;
}

/** Everything the two implementations must agree on. Returns the differences, one line each. */
function compareImplementations(skeletonDir: string, solutionDir: string): string[] {
  const differences: string[] = [];
  const diff = (a: Contract, b: Contract) => {
    for (const key of new Set([...a.keys(), ...b.keys()])) {
      if (a.get(key) !== b.get(key)) {
        differences.push(`${key}: skeleton ${JSON.stringify(a.get(key))}, solution ${JSON.stringify(b.get(key))}`);
      }
    }
  };
  diff(readContract(skeletonDir), readContract(solutionDir));
  diff(protoContract(path.join(skeletonDir, 'mr.proto')), protoContract(path.join(solutionDir, 'mr.proto')));
  return differences;
}

describe('the skeleton and the reference solution', () => {
  test('agree on names, signatures, types, ihash and the Example RPC', () => {
    expect(compareImplementations(SKELETON, SOLUTION)).toEqual([]);
  });

  test("the challenge track's reference solution agrees with the skeleton too", () => {
    expect(compareImplementations(SKELETON, CHALLENGE_SOLUTION)).toEqual([]);
  });

  test('find every name the drivers and apps import from src/mr (so the import scan is not vacuous)', () => {
    const imports = importsFromMr();
    expect([...(imports.get('worker') ?? [])]).toEqual(expect.arrayContaining(['worker', 'KeyValue']));
    expect([...(imports.get('coordinator') ?? [])]).toContain('makeCoordinator');
  });

  test("hand out the kit's ihash, which gives the course vectors", () => {
    expect(readContract(SKELETON).get('ihash defined in')).toBe(path.join('kit', 'hash.ts'));
    const skeleton = require(path.join(SKELETON, 'worker')) as { ihash: (k: string) => number };
    expect(skeleton.ihash).toBe((require(path.join(KIT, 'src', 'kit', 'hash')) as typeof skeleton).ihash);
    expect(skeleton.ihash('a')).toBe(1678518572);
    expect(skeleton.ihash('hello')).toBe(1335831723);
  });
});

describe('the drift guard', () => {
  let top: string;
  let copy: string;
  beforeEach(() => {
    // <tmp>/src/mr, beside a link to the kit's src/kit, which both implementations import.
    top = fs.mkdtempSync(path.join(os.tmpdir(), 'mr-drift-'));
    copy = path.join(top, 'src', 'mr');
    fs.mkdirSync(copy, { recursive: true });
    fs.symlinkSync(path.join(KIT, 'src', 'kit'), path.join(top, 'src', 'kit'));
    for (const name of fs.readdirSync(SOLUTION)) fs.copyFileSync(path.join(SOLUTION, name), path.join(copy, name));
  });
  afterEach(() => fs.rmSync(top, { recursive: true, force: true }));

  /** Replaces `from` by `to` in the copy's `file`, failing if `from` is not there. */
  function mutate(file: string, from: string | RegExp, to: string): void {
    const full = path.join(copy, file);
    const text = fs.readFileSync(full, 'utf8');
    const changed = text.replace(from, to);
    expect(changed).not.toBe(text);
    fs.writeFileSync(full, changed);
  }

  test('accepts an unchanged copy of the solution', () => {
    expect(compareImplementations(SKELETON, copy)).toEqual([]);
  });

  test.each([
    ['coordinator.ts', 'done(): boolean {', 'done(): Promise<boolean> {', 'Coordinator#done()'],
    [
      'coordinator.ts',
      'nReduce: number): Promise<Coordinator>',
      'nReduce: string): Promise<Coordinator>',
      'makeCoordinator()',
    ],
    ['coordinator.ts', '  stop(): void {', '  private stop(): void {', 'Coordinator#stop()'],
    [
      'worker.ts',
      'reducef: ReduceFunction): Promise<void>',
      'reducef: ReduceFunction, id: number): Promise<void>',
      'worker()',
    ],
    ['worker.ts', 'export { ihash };', '', 'worker.ts exports ihash'],
    [
      'worker.ts',
      "import { ihash } from '../kit/hash';",
      'function ihash(key: string): number {\n  return key.length;\n}',
      'ihash body',
    ],
    [
      'worker.ts',
      "): Promise<Rpcs[Name]['reply'] | undefined> {",
      "): Promise<Rpcs[Name]['reply'] | null> {",
      'call()',
    ],
    ['worker.ts', 'value: string;', 'value: number;', 'type KeyValue'],
    ['worker.ts', 'contents: string) => KeyValue[]', 'contents: string) => KeyValue', 'type MapFunction'],
    ['rpc.ts', 'x: number;', 'x: string;', 'type ExampleArgs'],
    ['rpc.ts', 'export interface Rpcs {', 'interface Rpcs {', 'rpc.ts exports Rpcs'],
    ['rpc.ts', "=> Rpcs[Name]['reply'] | Promise<", '=> Promise<', 'type Handlers'],
    [
      'mr.proto',
      'rpc Example (ExampleArgs) returns (ExampleReply);',
      'rpc Example (ExampleArgs) returns (TaskReply);',
      'proto rpc Example',
    ],
    [
      'mr.proto',
      /message ExampleReply \{\s*int32 y = 1;/,
      'message ExampleReply {\n  int64 y = 1;',
      'proto message ExampleReply',
    ],
  ])('reports a change in %s: %s', (file, from, to, reported) => {
    mutate(file, from, to);
    const differences = compareImplementations(SKELETON, copy);
    expect(differences.length).toBeGreaterThan(0);
    expect(differences.join('\n')).toContain(reported);
  });
});
