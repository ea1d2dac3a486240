// Bulk grading: `test-mr --submissions DIR` grades every student's src/mr
// in isolation and writes grades.csv and grades.json.

import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { childrenOf, isAlive, sleep } from '../labs/mr/grader-helpers';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir';

const KIT = path.resolve(__dirname, '..', '..');
const GRADER = path.join(KIT, 'dist-grader', 'grader', 'cli.js');
const SOLUTION = path.join(KIT, 'labs', 'mr', 'solution');
const SKELETON = path.join(KIT, 'src', 'mr');
const asRoot = process.getuid?.() === 0;

describe('bulk grading', () => {
  let work: string;
  let grades: { students: any[] };
  let csv: string;
  let evilReport: string;
  let out: string;
  let printed: string;
  let subsMode: number;
  const pointsBefore = fs.readFileSync(path.join(KIT, 'grader', 'labs', 'mr', 'points.json'), 'utf8');

  beforeAll(() => {
    work = makeTempDir('mr-bulk-test-');
    const subs = path.join(work, 'submissions');
    // alice: a whole repository, one level down, with a driver she changed.
    fs.cpSync(SOLUTION, path.join(subs, 'alice', 'repo', 'src', 'mr'), { recursive: true });
    fs.mkdirSync(path.join(subs, 'alice', 'repo', 'src', 'main'), { recursive: true });
    fs.writeFileSync(path.join(subs, 'alice', 'repo', 'src', 'main', 'mrworker.ts'), 'process.exit(0); // "fixed"\n');
    // bob: the untouched skeleton.
    fs.cpSync(SKELETON, path.join(subs, 'bob', 'src', 'mr'), { recursive: true });
    // carol: no src/mr at all.
    fs.mkdirSync(path.join(subs, 'carol', 'notes'), { recursive: true });
    // dan: only the files the handout says to hand in (no transport.ts).
    for (const name of ['coordinator.ts', 'worker.ts', 'rpc.ts', 'mr.proto']) {
      fs.mkdirSync(path.join(subs, 'dan', 'src', 'mr'), { recursive: true });
      fs.copyFileSync(path.join(SOLUTION, name), path.join(subs, 'dan', 'src', 'mr', name));
    }
    // mallory: a correct solution that also tries to change the kit and read the other students' folders.
    evilReport = path.join(work, 'mallory-report');
    fs.mkdirSync(evilReport, { mode: 0o777 });
    fs.chmodSync(evilReport, 0o777);
    fs.chmodSync(work, 0o755);
    const mallory = path.join(subs, 'mallory', 'src', 'mr');
    fs.cpSync(SOLUTION, mallory, { recursive: true });
    const coordinator = path.join(mallory, 'coordinator.ts');
    const attack = `
  {
    const fs = require('fs');
    const path = require('path');
    const tried: string[] = [];
    const attempt = (what: string, f: () => unknown) => {
      try { f(); tried.push(what + ': done'); } catch (e) { tried.push(what + ': ' + (e as NodeJS.ErrnoException).code); }
    };
    attempt('write points.json', () => fs.writeFileSync(${JSON.stringify(path.join(KIT, 'grader', 'labs', 'mr', 'points.json'))}, '{"wc": 1000}'));
    const mine = path.resolve(process.env.TMPDIR || '/tmp', '..');
    attempt('list students', () => fs.readdirSync(path.dirname(mine)));
    for (const other of ['s61000', 's61001']) {
      attempt('write ' + other, () => fs.writeFileSync(path.join(path.dirname(mine), other, 'result.json'), '{}'));
    }
    fs.writeFileSync(path.join(${JSON.stringify(evilReport)}, 'report-' + process.pid), tried.join('\\n'));
  }
`;
    const text = fs.readFileSync(coordinator, 'utf8');
    const anchor = '  const c = new Coordinator(endpoint, files, nReduce);\n';
    expect(text.includes(anchor)).toBe(true);
    fs.writeFileSync(coordinator, text.replace(anchor, attack + anchor));

    out = path.join(work, 'grades');
    fs.chmodSync(subs, 0o755);
    const run = spawnSync(
      process.execPath,
      [GRADER, 'mr', '--submissions', subs, '--out', out, '--only', 'wc', '--parallel', '2'],
      { cwd: KIT, encoding: 'utf8', timeout: 240_000, killSignal: 'SIGTERM' },
    );
    if (run.status !== 0) throw new Error(`bulk grading exited ${run.status}: ${run.stdout}\n${run.stderr}`);
    printed = run.stdout;
    subsMode = fs.statSync(subs).mode & 0o777;
    grades = JSON.parse(fs.readFileSync(path.join(out, 'grades.json'), 'utf8'));
    csv = fs.readFileSync(path.join(out, 'grades.csv'), 'utf8');
  }, 300_000);

  afterAll(() => removeTempDir(work));

  const student = (name: string) => grades.students.find((s) => s.student === name);

  test('grades every student, each on its own merits', () => {
    expect(grades.students.map((s) => s.student)).toEqual(['alice', 'bob', 'carol', 'dan', 'mallory']);
    expect(student('alice')).toMatchObject({ status: 'graded', score: 15, maxScore: 15 });
    expect(student('bob')).toMatchObject({ status: 'graded', score: 0 });
    expect(student('bob').tests).toEqual([expect.objectContaining({ id: 'wc', passed: false, points: 0 })]);
    expect(student('carol')).toMatchObject({ status: 'no-folder', score: 0 });
    expect(student('carol').message).toBe('no src/mr with coordinator.ts and worker.ts in the submission');
    expect(student('dan')).toMatchObject({ status: 'graded', score: 15 });
    expect(student('mallory')).toMatchObject({ status: 'graded', score: 15 });
  });

  test("uses the kit's drivers and reports the kit's files a student changed, not those left out", () => {
    // alice's mrworker.ts exits at once; had it been used, her wc test would have failed.
    expect(student('alice').changedKitFiles).toEqual(['src/main/mrworker.ts']);
    expect(student('bob').changedKitFiles).toEqual([]);
    expect(student('dan').changedKitFiles).toEqual([]); // no transport.ts: the kit's, not a change
  });

  test("keeps what a failed test left (the grader's log, the test's folder) and says how to re-run it by hand", () => {
    const bob = student('bob');
    const wc = bob.tests[0];
    expect(wc.kept).toBe(path.join(out, 'students', 'bob', path.basename(wc.kept)));
    expect(fs.readdirSync(wc.kept)).toEqual(expect.arrayContaining(['timeline.html', 'merged.log']));
    expect(fs.readFileSync(path.join(out, 'students', 'bob', 'grader.log'), 'utf8')).toContain('--- wc test: FAIL');
    expect(wc.replay).toBe(`npm run test-mr -- --impl ${bob.folder} --only wc`);
    expect(bob.folder).toBe(path.join(work, 'submissions', 'bob', 'src', 'mr'));
    expect(printed).toContain(`to re-run one by hand: npm run test-mr -- --impl ${bob.folder} --only wc`);
    expect(fs.existsSync(path.join(out, 'students', 'alice'))).toBe(false); // she passed: nothing to look at
  });

  test('leaves the submissions folder as it found it', () => {
    expect(subsMode).toBe(0o755);
  });

  test('writes a CSV with a row per student and a column per test', () => {
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('student,status,score,max_score,wc,seconds,changed_kit_files,message');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 5).join(','))).toEqual([
      'alice,graded,15,15,15',
      'bob,graded,0,15,0',
      'carol,no-folder,0,15,0',
      'dan,graded,15,15,15',
      'mallory,graded,15,15,15',
    ]);
  });

  (asRoot ? test : test.skip)("a student's code cannot change the kit or reach the other students' folders", () => {
    expect(fs.readFileSync(path.join(KIT, 'grader', 'labs', 'mr', 'points.json'), 'utf8')).toBe(pointsBefore);
    const reports = fs.readdirSync(evilReport).map((f) => fs.readFileSync(path.join(evilReport, f), 'utf8'));
    expect(reports.length).toBeGreaterThan(0);
    for (const report of reports) {
      expect(report).toContain('write points.json: EACCES');
      expect(report).toContain('list students: EACCES');
      expect(report).not.toMatch(/write s6100\d: done/);
    }
  });
});

test('Ctrl-C stops bulk grading: each running grader ends its student, the grades so far are written', async () => {
  const work = makeTempDir('mr-bulk-int-');
  let bulk: ChildProcess | undefined;
  try {
    const subs = path.join(work, 'submissions');
    for (const name of ['ann', 'ben', 'cat'])
      fs.cpSync(SOLUTION, path.join(subs, name, 'src', 'mr'), { recursive: true });
    const out = path.join(work, 'grades');
    const child = spawn(process.execPath, [GRADER, 'mr', '--submissions', subs, '--out', out, '--only', 'crash'], {
      cwd: KIT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    bulk = child;
    let printed = '';
    child.stdout.on('data', (d: Buffer) => (printed += d.toString()));
    child.stderr.on('data', (d: Buffer) => (printed += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    // Interrupt while ann's grader runs her crash test.
    let graders: number[] = [];
    for (let i = 0; i < 300 && graders.length === 0; i++) {
      await sleep(100);
      graders = childrenOf(child.pid!);
    }
    expect(graders.length).toBe(1);
    await sleep(3000);
    child.kill('SIGINT');
    const code = await Promise.race([exited, sleep(60_000).then(() => 'hung')]);
    if (code === 'hung') child.kill('SIGKILL');
    expect(code).toBe(130);
    expect(printed).toContain('interrupted by SIGINT: 3 students not graded');
    expect(JSON.parse(fs.readFileSync(path.join(out, 'grades.json'), 'utf8')).students).toEqual([]);
    expect(graders.filter(isAlive)).toEqual([]);
  } finally {
    if (bulk && bulk.exitCode === null && bulk.signalCode === null) bulk.kill('SIGTERM'); // it ends its graders
    removeTempDir(work);
  }
}, 120_000);
