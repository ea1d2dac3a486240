// The grader's debugging aids: the timeline page (a pure builder, tested on
// synthetic events, then a real page from a grader run loaded in a headless
// chromium) and the merged log (lines split and timed from output chunks).

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bars, buildTimeline, ProcessRecord, TimelineData, TraceEvent } from '../grader/reports/timeline';
import { mergedHtml, mergedText, stampLines } from '../grader/reports/merged-log';
import { makeTmp, removeTmp, runGrader, SOLUTION } from './grader-helpers';
import { startGroup } from './helpers/proc';

const T0 = 1_700_000_000_000;

function call(
  pid: number,
  phase: 'map' | 'reduce',
  input: string,
  start: number,
  end?: number,
  outcome: 'ok' | 'error' = 'ok',
): TraceEvent[] {
  const s: TraceEvent = { pid, event: 'start', phase, input, time: T0 + start };
  return end === undefined ? [s] : [s, { pid, event: 'end', phase, input, time: T0 + end, outcome }];
}

function proc(over: Partial<ProcessRecord> & Pick<ProcessRecord, 'role' | 'pid'>): ProcessRecord {
  return { kind: 'worker', startedAt: T0, timedOut: false, signals: [], calls: [], ...over };
}

const ODD = '<script>alert("x")</script> & \'quotes\'\nnewline';

function synthetic(): TimelineData {
  return {
    title: 'crash test',
    passed: false,
    notes: ["crash output is not the same as mrsequential's <b>"],
    t0: T0,
    t1: T0 + 20_000,
    processes: [
      proc({ role: 'coordinator', pid: 100, kind: 'coordinator', exit: { at: T0 + 19_000, code: 0, signal: null } }),
      // Crashes inside a map call: a start with no end, then status 1.
      proc({
        role: 'worker 1',
        pid: 101,
        startedAt: T0 + 100,
        calls: [...call(101, 'map', '../inputs/a.txt', 200, 900), ...call(101, 'map', ODD, 1000)],
        exit: { at: T0 + 1_200, code: 1, signal: null },
      }),
      // A restart of loop 1 (its second worker) doing reduces, then exit 0.
      proc({
        role: 'worker 2',
        pid: 102,
        startedAt: T0 + 300,
        loop: 1,
        calls: [...call(102, 'reduce', 'apple', 400, 410), ...call(102, 'reduce', 'banana', 410, 420)],
        exit: { at: T0 + 5_000, code: 0, signal: null },
      }),
      proc({
        role: 'worker 3',
        pid: 103,
        startedAt: T0 + 2_300,
        loop: 1,
        exit: { at: T0 + 6_000, code: 0, signal: null },
      }),
      // Killed at its time limit by the grader.
      proc({
        role: 'worker 4',
        pid: 104,
        startedAt: T0 + 500,
        timedOut: true,
        signals: [{ signal: 'SIGKILL', at: T0 + 15_000, why: 'time limit' }],
        exit: { at: T0 + 15_010, code: null, signal: 'SIGKILL' },
      }),
    ],
  };
}

describe('bars', () => {
  test('pairs starts and ends; a start with no end runs to the exit and is marked', () => {
    const b = bars([...call(1, 'map', 'a', 0, 100), ...call(1, 'map', 'b', 150)], T0 + 400, T0 + 1000);
    expect(b).toHaveLength(2);
    expect(b[0]).toMatchObject({ phase: 'map', start: T0, end: T0 + 100, inputs: ['a'] });
    expect(b[0].failed).toBeUndefined();
    expect(b[1]).toMatchObject({ phase: 'map', start: T0 + 150, end: T0 + 400, failed: 'no end' });
  });

  test('merges contiguous reduce calls of one task (keys ascending), and no others', () => {
    const calls = [
      ...call(1, 'reduce', 'a', 0, 5),
      ...call(1, 'reduce', 'b', 6, 9),
      ...call(1, 'reduce', 'c', 9, 30),
      ...call(1, 'reduce', 'a', 31, 33), // keys start again: the next task
      ...call(1, 'reduce', 'z', 500, 510), // long gap
      ...call(1, 'reduce', 'zz', 511, 512, 'error'), // a call that threw stays on its own
    ];
    const b = bars(calls, undefined, T0 + 1000);
    expect(b.map((x) => x.inputs)).toEqual([['a', 'b', 'c'], ['a'], ['z'], ['zz']]);
    expect(b[0]).toMatchObject({ start: T0, end: T0 + 30, longest: 21 });
    expect(b[3].failed).toBe('error');
  });
});

describe('buildTimeline', () => {
  const html = buildTimeline(synthetic());

  test('one lane for the coordinator and one per worker process, coordinator first', () => {
    expect(html.match(/class="lane lane-coordinator"/g)).toHaveLength(1);
    expect(html.match(/class="lane lane-worker"/g)).toHaveLength(4);
    const pids = [...html.matchAll(/class="lane [^"]*" data-pid="(\d+)"/g)].map((m) => m[1]);
    expect(pids).toEqual(['100', '101', '102', '104', '103']); // workers by start time
  });

  test("crash marks, a call that never returned, the grader's signals, restarts", () => {
    expect(html.match(/<g class="crash">/g)).toHaveLength(2); // status 1, and SIGKILL
    expect(html.match(/class="bar map failed"/g)).toHaveLength(1);
    expect(html).toContain('the call never returned: the process died in it');
    expect(html.match(/<path class="signal"/g)).toHaveLength(1);
    expect(html).toContain('the grader sent SIGKILL (time limit) at +15.000s');
    expect(html).toContain('killed at its time limit (SIGKILL)');
    expect(html.match(/class="exit"/g)).toHaveLength(3); // coordinator, workers 2 and 3
    expect(html).toContain('↻ worker 3 · pid 103'); // the loop's second worker is a restart
    expect(html).not.toContain('↻ worker 2');
    expect(html).toContain('reduce: 2 keys, &quot;apple&quot; … &quot;banana&quot;');
  });

  test('escapes odd input names and notes', () => {
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain("mrsequential's <b>");
    expect(html).toContain('&lt;script&gt;alert(\\&quot;x\\&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;\\nnewline');
    expect(html.match(/<script>/g)).toHaveLength(2); // only the page's own two scripts
  });

  test('is self-contained and deterministic', () => {
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(buildTimeline(synthetic())).toBe(html);
  });
});

describe('merged log', () => {
  test('splits chunks into lines timed by their first byte, per stream', () => {
    const data = Buffer.from('hel' + 'ERR1\n' + 'lo\nwor' + 'ld\n' + 'tail');
    const lines = stampLines(
      data,
      [
        { at: 1, stream: 'out', bytes: 3 },
        { at: 2, stream: 'err', bytes: 5 },
        { at: 3, stream: 'out', bytes: 6 },
        { at: 4, stream: 'out', bytes: 3 },
        { at: 5, stream: 'err', bytes: 4 },
      ],
      0,
    );
    expect(lines).toEqual([
      { at: 2, stream: 'err', text: 'ERR1' },
      { at: 1, stream: 'out', text: 'hello' },
      { at: 3, stream: 'out', text: 'world' },
      { at: 5, stream: 'err', text: 'tail' },
    ]);
  });

  test('text and HTML forms', () => {
    const sources = [{ role: 'worker 3', pid: 1234 }];
    const lines = [
      { at: T0 + 12_345, source: 0, stream: 'out' as const, text: 'a <line>' },
      { at: T0 + 13_000, source: -1, stream: 'grader' as const, text: 'worker 3 (pid 1234) exited with status 1' },
    ];
    expect(mergedText(T0, sources, lines)).toBe(
      '+12.345s [worker 3 pid 1234] a <line>\n+13.000s [grader] worker 3 (pid 1234) exited with status 1\n',
    );
    const html = mergedHtml('wc test', T0, sources, lines);
    expect(html).toContain('a &lt;line&gt;');
    expect(html).toMatch(/\.p0 \{ color: hsl\(/);
  });
});

// ---- a real page in a real browser ------------------------------------------

function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const r = spawnSync(name, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    if (r.status === 0) return name;
  }
  return undefined;
}

/** Runs headless chromium in its own process group; kills the whole group afterwards. */
async function chromium(
  bin: string,
  args: string[],
  limitMs = 90_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chr-'));
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'];
  flags.push('--disable-background-networking', '--disable-component-update', '--disable-sync');
  try {
    return await startGroup(bin, [...flags, `--user-data-dir=${profile}`, ...args], { limitMs }).done;
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

// npm run test:unit (MR_UNIT=1) keeps to pure functions: the browser test belongs to the full suite.
const CHROMIUM = process.env.MR_UNIT ? undefined : findChromium();
if (!CHROMIUM && !process.env.MR_UNIT)
  console.warn('timeline.test.ts: no chromium found (apt-get install -y chromium); the browser test is skipped');
const browserTest = CHROMIUM ? test : test.skip;

describe('a real timeline', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = makeTmp();
  });
  afterAll(() => removeTmp(tmp));

  browserTest(
    'from a grader run (--only wc --trace) renders in headless chromium with one lane per worker',
    async () => {
      const run = await runGrader(['quiet', '--impl', SOLUTION, '--only', 'wc', '--trace'], tmp, 180_000);
      if (run.code !== 0) console.log(run.stdout, run.stderr);
      expect(run.code).toBe(0);
      const bases = fs.readdirSync(tmp).filter((n) => n.startsWith('mr-grade-'));
      expect(bases).toHaveLength(1); // --trace keeps the passed test's folder
      const dir = path.join(tmp, bases[0], '1-wc');
      const page = path.join(dir, 'timeline.html');
      expect(run.stdout).toContain(`kept: ${dir} (timeline: ${page})`); // a passed test's kept folder is named
      expect(fs.statSync(page).size).toBeLessThan(1_000_000);
      const workerLogs = fs.readdirSync(dir).filter((n) => /^worker-\d+\.log$/.test(n));
      expect(workerLogs).toHaveLength(3);
      expect(fs.readdirSync(dir).filter((n) => /^trace-\d+\.jsonl$/.test(n))).toHaveLength(3);

      // The merged log names every process and the grader's events, in time order.
      const merged = fs.readFileSync(path.join(dir, 'merged.log'), 'utf8').trimEnd().split('\n');
      expect(merged[0]).toMatch(/^\+\d+\.\d{3}s \[grader\] started coordinator \(pid \d+\)$/);
      expect(merged.filter((l) => /\[grader\] worker \d \(pid \d+\) exited with status 0$/.test(l))).toHaveLength(3);
      const times = merged.map((l) => Number(/^\+(\d+\.\d+)s/.exec(l)![1]));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(fs.existsSync(path.join(dir, 'merged-log.html'))).toBe(true);

      const dom = await chromium(CHROMIUM!, ['--dump-dom', `file://${page}`]);
      const body = /<body[^>]*>/.exec(dom.stdout)?.[0] ?? '';
      if (!body.includes('data-rendered="ok"')) console.log(dom.stderr.slice(-2000));
      expect(body).toContain('data-rendered="ok"');
      expect(body).not.toContain('data-errors');
      expect(body).toContain('data-worker-lanes="3"');
      expect(dom.stdout.match(/class="lane lane-worker"/g)).toHaveLength(3);
      expect(dom.stdout.match(/class="bar map"/g)!.length).toBeGreaterThanOrEqual(8); // one per input file
      expect(dom.stdout).toMatch(/class="bar reduce"/);
    },
    300_000,
  );
});
