// The drift guard of the Raft lab: the student's skeleton (src/raft) and the
// reference solution (labs/raft/solution) have the same files, each exporting
// the same names, of the same kinds; the surface the tester calls (make() and
// the Raft's methods, the RPC handlers among them) has the same signatures;
// and so do the functions the files export to each other (their constants
// have the same values too), so that the skeleton's outline is the solution's. The message types' fields may differ:
// the skeleton leaves most of them to the student. Read with the TypeScript
// compiler API.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const KIT = path.join(__dirname, '..', '..', '..');
const SKELETON = path.join(KIT, 'src', 'raft');
const SOLUTION = path.join(KIT, 'labs', 'raft', 'solution');

/** The Raft's methods that the tester calls, and that peers reach as "Raft.<method>". */
const RAFT_METHODS = [
  'getState',
  'start',
  'snapshot',
  'persistBytes',
  'kill',
  'requestVote',
  'appendEntries',
  'installSnapshot',
];

/** The contract of one implementation: item -> its text (a kind, a signature). */
type Contract = Map<string, string>;

/** The program of the implementation in `dir`: its imports of ../labrpc are the kit's src/labrpc. */
function programOf(dir: string): ts.Program {
  const files = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.join(dir, name));
  return ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    strict: true,
    types: ['node'],
    typeRoots: [path.join(KIT, 'node_modules', '@types')],
    noEmit: true,
    rootDirs: [path.join(KIT, 'src'), path.dirname(dir)],
  });
}

const read = new Map<string, Contract>();

/** The contract of the implementation in `dir` (the kit's two are read once). */
function readContract(dir: string): Contract {
  if (dir !== SKELETON && dir !== SOLUTION) return contractOf(dir);
  if (!read.has(dir)) read.set(dir, contractOf(dir));
  return read.get(dir)!;
}

/** Reads the contract of the implementation in `dir`. */
function contractOf(dir: string): Contract {
  const program = programOf(dir);
  const checker = program.getTypeChecker();
  const contract: Contract = new Map();
  const names = fs.readdirSync(dir).filter((name) => name.endsWith('.ts'));
  contract.set('files', names.sort().join(', '));

  for (const name of names) {
    const source = program.getSourceFile(path.join(dir, name))!;
    const symbol = checker.getSymbolAtLocation(source);
    for (const exported of symbol ? checker.getExportsOfModule(symbol) : []) {
      const decl = exported.declarations?.[0];
      contract.set(`${name} exports ${exported.name}`, decl ? ts.SyntaxKind[decl.kind] : 'no declaration');
      if (decl && ts.isFunctionDeclaration(decl)) {
        contract.set(`${name}: ${exported.name}()`, signatureText(checker, decl));
      }
      if (decl && ts.isVariableDeclaration(decl)) {
        contract.set(`${name}: ${exported.name}`, checker.typeToString(checker.getTypeAtLocation(decl)));
      }
    }
  }

  const raftFile = program.getSourceFile(path.join(dir, 'raft.ts'));
  const raftClass = raftFile?.statements.find(
    (s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === 'Raft',
  );
  for (const method of RAFT_METHODS) {
    const decl = raftClass?.members.find(
      (m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && m.name.getText() === method,
    );
    const hidden = decl?.modifiers?.some((m) =>
      [ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.ProtectedKeyword, ts.SyntaxKind.StaticKeyword].includes(m.kind),
    );
    contract.set(`Raft#${method}()`, decl && !hidden ? signatureText(checker, decl) : 'missing');
  }
  return contract;
}

/** "(peers: ClientEnd[], ...) => Raft": parameters with their names and types, and the return type. */
function signatureText(checker: ts.TypeChecker, decl: ts.SignatureDeclaration): string {
  const signature = checker.getSignatureFromDeclaration(decl);
  if (!signature) return 'no signature';
  const params = decl.parameters.map((p) => {
    const type = checker.typeToString(checker.getTypeAtLocation(p), p, ts.TypeFormatFlags.NoTruncation);
    return `${p.dotDotDotToken ? '...' : ''}${p.name.getText()}${p.questionToken || p.initializer ? '?' : ''}: ${type}`;
  });
  const returns = checker.typeToString(signature.getReturnType(), decl, ts.TypeFormatFlags.NoTruncation);
  return `(${params.join(', ')}) => ${returns}`;
}

/** Everything the two implementations must agree on: the differences, one line each. */
function compareImplementations(skeletonDir: string, solutionDir: string): string[] {
  const a = readContract(skeletonDir);
  const b = readContract(solutionDir);
  const differences: string[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(key) !== b.get(key)) {
      differences.push(`${key}: skeleton ${JSON.stringify(a.get(key))}, solution ${JSON.stringify(b.get(key))}`);
    }
  }
  return differences;
}

describe('the skeleton and the reference solution', () => {
  test('have the same files, exports and signatures', () => {
    expect(compareImplementations(SKELETON, SOLUTION)).toEqual([]);
  });

  test('both type-check as the guard reads them (so that no type it compares is an unresolved any)', () => {
    for (const dir of [SKELETON, SOLUTION]) {
      const program = programOf(dir);
      const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
      expect([dir, errors]).toEqual([dir, []]);
    }
    const contract = readContract(SKELETON);
    expect(contract.get('raft.ts: make()')).toBe(
      '(peers: ClientEnd[], me: number, persister: Persister, applyCh: ApplyChannel) => Raft',
    );
    expect(contract.get('Raft#requestVote()')).toBe('(args: RequestVoteArgs) => RequestVoteReply');
    expect(contract.get('files')).toBe(
      'applier.ts, election.ts, log.ts, raft.ts, replication.ts, rpc.ts, snapshots.ts, state.ts',
    );
  });
});

describe('the drift guard', () => {
  let top: string;
  beforeEach(() => {
    top = fs.mkdtempSync(path.join(os.tmpdir(), 'raft-drift-'));
  });
  afterEach(() => fs.rmSync(top, { recursive: true, force: true }));

  /** A copy of an implementation, as <tmp>/<name>/raft (its ../labrpc is the kit's, by rootDirs). */
  function copyOf(dir: string, name: string): string {
    const copy = path.join(top, name, 'raft');
    fs.mkdirSync(copy, { recursive: true });
    for (const file of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, file), path.join(copy, file));
    return copy;
  }

  /** Replaces `from` by `to` in the copy's `file`, failing if `from` is not there. */
  function mutate(copy: string, file: string, from: string, to: string): void {
    const full = path.join(copy, file);
    const text = fs.readFileSync(full, 'utf8');
    const changed = text.replace(from, to);
    expect(changed).not.toBe(text);
    fs.writeFileSync(full, changed);
  }

  test('accepts unchanged copies of both', () => {
    expect(compareImplementations(copyOf(SKELETON, 'skeleton'), copyOf(SOLUTION, 'solution'))).toEqual([]);
  });

  test.each([
    ['raft.ts', 'getState(): [number, boolean] {', 'getState(): [boolean, number] {', 'Raft#getState()'],
    ['raft.ts', 'start(command: unknown): [', 'start(command: unknown, term?: number): [', 'Raft#start()'],
    [
      'raft.ts',
      'snapshot(index: number, snapshot: Uint8Array)',
      'snapshot(index: number, snapshot: number[])',
      'Raft#snapshot()',
    ],
    ['raft.ts', '  persistBytes(): number {', '  private persistBytes(): number {', 'Raft#persistBytes()'],
    ['raft.ts', '  requestVote(args', '  requestVotes(args', 'Raft#requestVote()'],
    ['raft.ts', 'applyCh: ApplyChannel): Raft {', 'applyCh: ApplyChannel): Promise<Raft> {', 'raft.ts: make()'],
    ['replication.ts', 'export const BATCH_MS', 'const BATCH_MS', 'replication.ts exports BATCH_MS'],
    [
      'replication.ts',
      'export const HEARTBEAT_MS = 100;',
      "export const HEARTBEAT_MS = '100';",
      'replication.ts: HEARTBEAT_MS',
    ],
    [
      'election.ts',
      'export async function ticker(rf: RaftState)',
      'export async function ticker(raft: RaftState)',
      'election.ts: ticker()',
    ],
    ['state.ts', 'export type Role =', 'export type PeerRole =', 'state.ts exports Role'],
    [
      'rpc.ts',
      'export interface InstallSnapshotReply {',
      'export type InstallSnapshotReply = {',
      'rpc.ts exports InstallSnapshotReply',
    ],
  ])('reports a change of the solution in %s: %s', (file, from, to, reported) => {
    const solution = copyOf(SOLUTION, 'solution');
    mutate(solution, file, from, to);
    const differences = compareImplementations(SKELETON, solution);
    expect(differences.join('\n')).toContain(reported);
  });

  test('reports a file that one of them lacks, and a change of the skeleton too', () => {
    const solution = copyOf(SOLUTION, 'solution');
    fs.writeFileSync(path.join(solution, 'persistence.ts'), 'export const SAVED = true;\n');
    expect(compareImplementations(SKELETON, solution).join('\n')).toContain('files: skeleton');

    const skeleton = copyOf(SKELETON, 'skeleton');
    mutate(
      skeleton,
      'snapshots.ts',
      'export async function sendSnapshot(rf: RaftState, peer: number)',
      'export async function sendSnapshot(rf: RaftState)',
    );
    expect(compareImplementations(skeleton, SOLUTION).join('\n')).toContain('snapshots.ts: sendSnapshot()');
  });
});
