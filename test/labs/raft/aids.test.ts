// A failing run teaches: its kept folder holds every peer's events in
// columns (text and a page) and a timeline page. Read here on a real
// failure, a Raft that forgets its vote in a crash (the zoo's
// vote-not-persisted, on a seed where the strict tier catches it), and on a
// passing test kept with --keep.

import * as fs from 'fs';
import * as path from 'path';
import { chromiumFor, renderedPage } from '../../helpers/chromium';
import { jsonTests, makeTmp, ROOT, runRaftGrader } from './grader';

const SOLUTION = path.join(ROOT, 'labs', 'raft', 'solution');
const CHROMIUM = chromiumFor('aids.test.ts');
let tmp: string;
let forgetful: string;
/** The failed test's kept folder. */
let failedDir: string | undefined;

beforeAll(() => {
  tmp = makeTmp();
  forgetful = path.join(tmp, 'forgetful');
  fs.cpSync(SOLUTION, forgetful, { recursive: true });
  const state = path.join(forgetful, 'state.ts');
  const text = fs.readFileSync(state, 'utf8');
  expect(text.split('      votedFor: this.votedFor,\n')).toHaveLength(2);
  fs.writeFileSync(state, text.replace('      votedFor: this.votedFor,\n', '      votedFor: NOBODY,\n'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('a failed test keeps its columns and timeline (the console names it): the verdict on top, a row per event, a lane per peer', async () => {
  const json = path.join(tmp, 'failed.json');
  const args = ['quiet', '--in-process', '--impl', forgetful, '--only', 'strict-durability', '--seed', '8g2oljpl.2'];
  const run = await runRaftGrader([...args, '--json', json], tmp);
  expect(run.code).toBe(1);
  const [t] = jsonTests(json).tests;
  failedDir = t.dir;
  expect(t.notes[0]).toMatch(/^one vote per term: peer 1 voted twice in term 18/);
  expect(run.output).toContain(`artifacts: ${t.dir} (timeline: ${path.join(t.dir!, 'timeline.html')})`);
  expect(fs.readdirSync(t.dir!).sort()).toEqual([
    'peers-columns.html',
    'peers-columns.txt',
    'timeline.html',
    'trace-tail.txt',
  ]);

  const lines = fs.readFileSync(path.join(t.dir!, 'peers-columns.txt'), 'utf8').split('\n');
  expect(lines[0]).toMatch(/^crashes right after a save, a vote or an append \(strict\) test \(seed 8g2oljpl\.2\): /);
  expect(lines[1].trim()).toBe(t.notes[0]);
  const header = lines.findIndex((l) => l.startsWith('time (s)'));
  expect(lines[header].split('|').map((c) => c.trim())).toEqual(['time (s)', 'tester', 'peer 0', 'peer 1', 'peer 2']);
  // Peer 1's column, from its vote for itself to the second vote of the same term.
  const peer1 = lines
    .slice(header + 2)
    .map((l) => l.split('|').map((c) => c.trim()))
    .filter((cells) => cells[3] && Number(cells[0]) >= 17.343 && Number(cells[0]) <= 17.953)
    .filter((cells) => !cells[3].startsWith('start()')) // the tester's clients, calling every peer
    .map((cells) => `${cells[0]} ${cells[3]}`);
  expect(peer1).toEqual([
    '17.343000 save 1498 B',
    '17.343000 →0 RV t18 last=37',
    '17.343000 [t18 candidate vote 1 log 37 applied …',
    '17.343000 →2 RV t18 last=37',
    '17.344000 crash',
    '17.344000 [down]',
    '17.502000 boot (incarnation 17)',
    '17.502000 [t? follower applied 0]', // what it read from its persister is not the grader's to know
    '17.953000 [t18 follower applied 0]',
    '17.953000 save 1498 B',
    '17.953000 0→ RV t18 last=37: granted t18',
    '17.953000 [t18 follower vote 0 applied 0]',
  ]);

  const page = fs.readFileSync(path.join(t.dir!, 'peers-columns.html'), 'utf8');
  expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
  expect(page).toContain('granted t18');
  const timeline = fs.readFileSync(path.join(t.dir!, 'timeline.html'), 'utf8');
  expect(timeline.startsWith('<!DOCTYPE html>')).toBe(true);
  expect(timeline).toContain('<title>crashes right after a save, a vote or an append (strict) test (seed 8g2oljpl.2)');
  for (const peer of ['peer 0', 'peer 1', 'peer 2']) expect(timeline).toContain(`>${peer}<`);
  expect(timeline.trimEnd().endsWith('</html>')).toBe(true);
}, 120_000);

(CHROMIUM ? test : test.skip)(
  "the failed test's timeline renders in headless chromium, a lane per peer",
  async () => {
    expect(failedDir).toBeDefined(); // the test above ran first
    const { body, dom, stderr } = await renderedPage(CHROMIUM!, path.join(failedDir!, 'timeline.html'));
    if (!body.includes('data-rendered="ok"')) console.log(stderr.slice(-2000));
    expect(body).toContain('data-rendered="ok"');
    expect(body).not.toContain('data-errors');
    expect(body).toContain('data-lanes="3"');
    expect(dom).toContain('one vote per term: peer 1 voted twice in term 18');
  },
  120_000,
);

test('--keep keeps a passing test with its aids, and the console says where its timeline is', async () => {
  const json = path.join(tmp, 'kept.json');
  const args = ['quiet', '--in-process', '--impl', SOLUTION, '--only', 'initial-election', '--keep', '--json', json];
  const run = await runRaftGrader(args, tmp);
  expect(run.code).toBe(0);
  const [t] = jsonTests(json).tests;
  expect(fs.existsSync(path.join(t.dir!, 'peers-columns.txt'))).toBe(true);
  expect(run.output).toContain(`kept: ${t.dir} (timeline: ${path.join(t.dir!, 'timeline.html')})`);
}, 120_000);
