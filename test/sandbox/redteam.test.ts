// The red team: hostile submissions (test/sandbox/redteam/attacks.ts) graded on the
// bulk path and on the emulated Gradescope layout, as root. Whatever each
// one tries, the honest students' grades are unchanged, the hostile one
// earns no more than its honest tests, nothing of the kit or of another
// student is read or changed, and no process is left behind.

import { spawn, spawnSync } from 'child_process';
import * as net from 'net';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { unpackedAutograder } from '../helpers/autograder';
import { Attack, ATTACKS, makeHostile, Targets } from './redteam/attacks';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir';

const KIT = path.resolve(__dirname, '..', '..');
const GRADER = path.join(KIT, 'dist-grader', 'grader', 'cli.js');
const SOLUTION = path.join(KIT, 'labs', 'mr', 'solution');
const asRoot = process.getuid?.() === 0;
const SANDBOX_UIDS = [61000, 62000];
/** Where no network namespace can be made, the grader says so and student processes keep the network. */
const NETNS = asRoot && spawnSync('unshare', ['--net', 'true'], { stdio: 'ignore' }).status === 0;
/** Budgets small enough to reach fast. */
const BUDGET_OPTIONS = [
  '--disk-limit',
  '64MB',
  '--output-limit',
  '16MB',
  '--task-limit',
  '256',
  '--memory-limit',
  '512MB',
];
/** Attacks that break the job itself: the test they are in must fail, for this reason. */
const BREAKS: Partial<Record<Attack, RegExp>> = {
  flood: /printed more than 16 MB \(the limit for one process\)/,
  disk: /wrote .* to disk; the limit is 64 MB|larger than the disk limit/,
  forkbomb: /more than 256 processes and threads/,
  memory: /more than the memory limit of 512 MB|of memory; the limit is 512 MB/,
  signal: /.*/, // kill -1 ends its own job: any failure
};

if (!asRoot) {
  test.skip('the red team needs root (CI runs as root): run npm test as root to run it', () => undefined);
}
const describeRoot = asRoot ? describe : describe.skip;

/** Digests of what a student must never change. */
function kitState(kit: string): Record<string, string> {
  const files = [
    'grader/labs/mr/points.json',
    ...fs
      .readdirSync(path.join(kit, 'dist-grader', 'grader'))
      .filter((f) => f.endsWith('.js'))
      .map((f) => `dist-grader/grader/${f}`),
    ...fs.readdirSync(path.join(kit, 'inputs')).map((f) => `inputs/${f}`),
    path.relative(KIT, require.resolve('@grpc/grpc-js')),
  ];
  const base = (f: string) => (f.startsWith('node_modules') ? KIT : kit);
  return Object.fromEntries(
    files.map((f) => [
      f,
      crypto
        .createHash('sha256')
        .update(fs.readFileSync(path.join(base(f), f)))
        .digest('hex'),
    ]),
  );
}

/** Live processes of the sandbox user ids working under `work` (other graders may be running meanwhile). */
function sandboxProcesses(work: string): string[] {
  const found: string[] = [];
  for (const name of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const uid = Number(/^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${name}/status`, 'utf8'))![1]);
      const ours = fs.readlinkSync(`/proc/${name}/cwd`).startsWith(work);
      if (uid >= SANDBOX_UIDS[0] && uid < SANDBOX_UIDS[1] && ours)
        found.push(`${name}: ${fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ')}`);
    } catch {
      // gone
    }
  }
  return found;
}

/** Every attempt logged in the evidence folder by the processes of `attack`. */
function evidenceOf(evidence: string, attack: string): string[] {
  const dir = path.join(evidence, attack);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .flatMap((f) =>
      /^(coordinator|worker)-/.test(f) ? fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean) : [],
    );
}

/** Heartbeat files still being written 2 s after the grading ended mean a process outlived it. */
async function heartbeatsStopped(dir: string): Promise<string[]> {
  const beats = () =>
    fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((f) => f.startsWith('heartbeat-'))
          .map((f) => `${f}=${fs.readFileSync(path.join(dir, f), 'utf8')}`)
      : [];
  await new Promise((r) => setTimeout(r, 300));
  const before = beats();
  await new Promise((r) => setTimeout(r, 2000));
  const after = beats();
  return after.filter((b) => !before.includes(b));
}

interface Intruders {
  server: net.Server;
  port: number;
  connections: number;
}

/** A TCP server on the grading machine's loopback that counts who reached it. */
async function listenForIntruders(): Promise<Intruders> {
  const intruders: Intruders = { server: net.createServer(), port: 0, connections: 0 };
  intruders.server.on('connection', (socket) => {
    intruders.connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => intruders.server.listen(0, '127.0.0.1', resolve));
  intruders.port = (intruders.server.address() as net.AddressInfo).port;
  return intruders;
}

function checkEvidence(attack: Attack, lines: string[], evidence: string): void {
  // Every attempt of the attacks below must have been refused.
  const allowedToSucceed =
    /^(double fork|detached child|same-group child|fork bomb|fill the disk|fill \/tmp|kill -1|flood)/;
  const succeeded = lines.filter(
    (l) => l.endsWith(': done') && !allowedToSucceed.test(l) && (NETNS || !l.startsWith('connect')),
  );
  expect({ attack, succeeded }).toEqual({ attack, succeeded: [] });
  const dir = path.join(evidence, attack);
  const leaked = fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((f) => /^(stolen|planted-module-ran|hostile-transport-loaded)/.test(f))
    : [];
  expect({ attack, leaked }).toEqual({ attack, leaked: [] });
}

function prepareEvidence(work: string): string {
  fs.chmodSync(work, 0o755); // the sandbox users reach the evidence folder, and nothing else here
  const evidence = path.join(work, 'evidence');
  fs.mkdirSync(evidence);
  fs.chmodSync(evidence, 0o777);
  for (const attack of ATTACKS) {
    fs.mkdirSync(path.join(evidence, attack));
    fs.chmodSync(path.join(evidence, attack), 0o777);
  }
  return evidence;
}

describeRoot('red team: bulk grading as root', () => {
  let work: string;
  let evidence: string;
  let grades: { students: any[] };
  let before: Record<string, string>;
  let after: Record<string, string>;
  let left: string[];
  let beating: string[];
  let intruders: Intruders;
  const student = (name: string) => grades.students.find((s) => s.student === name);

  beforeAll(async () => {
    work = makeTempDir('mr-redteam-bulk-');
    evidence = prepareEvidence(work);
    intruders = await listenForIntruders();
    const port = intruders.port;
    const subs = path.join(work, 'submissions');
    const secret = path.join(work, 'instructor-only.txt');
    fs.writeFileSync(secret, 'the expected outputs', { mode: 0o600 });
    fs.cpSync(SOLUTION, path.join(subs, 'a-honest', 'src', 'mr'), { recursive: true });
    fs.cpSync(SOLUTION, path.join(subs, 'z-honest', 'src', 'mr'), { recursive: true });
    for (const attack of ATTACKS) {
      const targets: Targets = {
        kit: KIT,
        evidence: path.join(evidence, attack),
        readable: [
          path.join(subs, 'a-honest', 'src', 'mr', 'worker.ts'),
          path.join(SOLUTION, 'worker.ts'),
          secret,
          subs,
        ],
        port,
      };
      makeHostile(SOLUTION, path.join(subs, `h-${attack}`, 'src', 'mr'), attack, targets);
    }
    before = kitState(KIT);
    const out = path.join(work, 'grades');
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(
        process.execPath,
        [GRADER, 'mr', '--submissions', subs, '--out', out, '--only', 'wc', '--parallel', '2', ...BUDGET_OPTIONS],
        { cwd: KIT, stdio: 'ignore', env: { ...process.env, TMPDIR: work } }, // every test folder under work
      );
      const timer = setTimeout(() => child.kill('SIGTERM'), 600_000);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    if (code !== 0) throw new Error(`bulk grading exited ${code}`);
    grades = JSON.parse(fs.readFileSync(path.join(out, 'grades.json'), 'utf8'));
    after = kitState(KIT);
    left = sandboxProcesses(work);
    beating = await heartbeatsStopped(path.join(evidence, 'outlive'));
  }, 700_000);

  afterAll(() => {
    intruders?.server.close();
    if (work) removeTempDir(work);
  });

  (NETNS ? test : test.skip)("no student process reached the grading machine's network", () => {
    expect(intruders.connections).toBe(0);
  });

  test('the honest students get every point, before and after the hostile ones', () => {
    for (const name of ['a-honest', 'z-honest']) {
      expect(student(name)).toMatchObject({ status: 'graded', score: student(name).maxScore });
      expect(student(name).maxScore).toBeGreaterThan(0);
    }
  });

  test.each(ATTACKS)('%s: earns no more than its honest tests, and breaks only its own test', (attack) => {
    const g = student(`h-${attack}`);
    expect(g.tests.map((t: any) => t.id)).toEqual(['wc']); // no test that never ran
    expect(g.score).toBeLessThanOrEqual(g.maxScore);
    const broke = BREAKS[attack];
    if (broke) {
      expect({ attack, passed: g.tests[0].passed, notes: g.tests[0].notes }).toEqual({
        attack,
        passed: false,
        notes: expect.anything(),
      });
      expect(g.tests[0].notes[0]).toMatch(broke);
    } else {
      expect({ attack, score: g.score, notes: g.tests[0].notes }).toEqual({ attack, score: g.maxScore, notes: [] });
    }
  });

  test.each(ATTACKS)('%s: every attempt on the kit, the grader or another student was refused', (attack) => {
    const lines = evidenceOf(evidence, attack);
    if (attack !== 'transport') expect(lines.length).toBeGreaterThan(0); // the attack did run
    checkEvidence(attack, lines, evidence);
  });

  test('the kit, its compiled grader and the inputs are unchanged', () => {
    expect(after).toEqual(before);
    expect(fs.existsSync(path.join(KIT, '.mr-build', 'node_modules'))).toBe(false);
  });

  test("a changed transport.ts is reported, and the kit's is used", () => {
    expect(student('h-transport').changedKitFiles).toContain('src/mr/transport.ts');
    expect(student('a-honest').changedKitFiles).toEqual([]);
  });

  test('no process of the student side is left, detached or double-forked', () => {
    expect(left).toEqual([]);
    expect(beating).toEqual([]);
    expect(fs.readdirSync('/tmp').filter((f) => f.startsWith('mr-fill-'))).toEqual([]);
  });

  test('the grader of a flooding student stays small', () => {
    expect(student('h-flood').graderPeakRssMb).toBeGreaterThan(0);
    expect(student('h-flood').graderPeakRssMb).toBeLessThan(300);
  });
});

describeRoot('red team: the Gradescope layout as root', () => {
  let work: string;
  let source: string;
  let evidence: string;
  const outcomes = new Map<Attack, { results: any; resultsMode: number }>();
  let intruders: Intruders;
  let left: string[];
  let beating: string[];
  let before: Record<string, string>;

  beforeAll(async () => {
    work = makeTempDir('mr-redteam-gs-');
    evidence = prepareEvidence(work);
    intruders = await listenForIntruders();
    const port = intruders.port;
    const zip = path.join(work, 'autograder.zip');
    source = unpackedAutograder('mr', zip, path.join(work, 'source'));
    before = kitState(source);

    const secret = path.join(work, 'instructor-only.txt');
    fs.writeFileSync(secret, 'the expected outputs', { mode: 0o600 });
    const queue = [...ATTACKS];
    const lane = async (): Promise<void> => {
      for (let attack = queue.shift(); attack; attack = queue.shift()) {
        const root = path.join(work, `root-${attack}`);
        fs.mkdirSync(root);
        // Each root stands for a machine of its own: no other submission is reachable on Gradescope.
        // The grader, as root, reads the submission and grades a private copy of it.
        fs.mkdirSync(path.join(root, 'submission'), { mode: 0o700 });
        fs.symlinkSync(source, path.join(root, 'source'));
        const results = path.join(root, 'results', 'results.json');
        makeHostile(SOLUTION, path.join(root, 'submission', 'src', 'mr'), attack, {
          kit: source,
          evidence: path.join(evidence, attack),
          readable: [
            secret,
            path.join(work, `root-${attack === 'forge' ? 'plant' : 'forge'}`, 'submission', 'src', 'mr', 'worker.ts'),
          ],
          results,
          port,
        });
        await new Promise<void>((resolve) => {
          const child = spawn('bash', [path.join(source, 'run_autograder')], {
            env: {
              ...process.env,
              TMPDIR: work,
              AUTOGRADER_ROOT: root,
              AUTOGRADER_ONLY: 'wc',
              AUTOGRADER_BUDGET_S: '150',
              AUTOGRADER_GRADER_OPTIONS: BUDGET_OPTIONS.join(' '),
            },
            stdio: 'ignore',
          });
          child.on('close', () => resolve());
        });
        outcomes.set(attack, {
          results: JSON.parse(fs.readFileSync(results, 'utf8')),
          resultsMode: fs.statSync(path.dirname(results)).mode & 0o7777,
        });
      }
    };
    await Promise.all([lane(), lane()]);
    left = sandboxProcesses(work);
    beating = await heartbeatsStopped(path.join(evidence, 'outlive'));
  }, 900_000);

  afterAll(() => {
    intruders?.server.close();
    if (work) removeTempDir(work);
  });

  (NETNS ? test : test.skip)("no student process reached the grading machine's network", () => {
    expect(intruders.connections).toBe(0);
  });

  const wcPoints = () =>
    JSON.parse(fs.readFileSync(path.join(source, 'grader', 'labs', 'mr', 'points.json'), 'utf8')).wc as number;

  test.each(ATTACKS)('%s: a valid results.json, scored by the trusted side only', (attack) => {
    const { results, resultsMode } = outcomes.get(attack)!;
    expect(results.tests.map((t: any) => t.name)).toEqual(['wc test']);
    expect(results.score).toBe(results.tests[0].score);
    expect(resultsMode & 0o022).toBe(0); // nobody but root writes the verdict's folder
    if (BREAKS[attack]) {
      expect(results.score).toBe(0);
      expect(results.tests[0].output).toMatch(BREAKS[attack]!);
    } else {
      expect({ attack, score: results.score }).toEqual({ attack, score: wcPoints() });
    }
  });

  test.each(ATTACKS)('%s: every attempt was refused', (attack) => {
    const lines = evidenceOf(evidence, attack);
    if (attack !== 'transport') expect(lines.length).toBeGreaterThan(0);
    checkEvidence(attack, lines, evidence);
  });

  test('no process of the student side is left, detached or double-forked', () => {
    expect(left).toEqual([]);
    expect(beating).toEqual([]);
  });

  test("the autograder's kit is unchanged, and a changed transport.ts is reported", () => {
    expect(kitState(source)).toEqual(before);
    expect(outcomes.get('transport')!.results.output).toContain('src/mr/transport.ts');
  });
});
