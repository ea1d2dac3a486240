// The grader's debugging aids: the timeline page (a pure builder, tested on
// synthetic events, the challenge track's fetches and lost maps included, then
// a real page from a grader run loaded in a headless chromium) and the merged
// log (lines split and timed from output chunks).

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Job } from '../../../grader/labs/mr/harness/job';
import { pairCalls } from '../../../grader/labs/mr/timeline/bars';
import {
  type ProcessRecord,
  type TimelineData,
  timelineData,
  type TraceEvent,
} from '../../../grader/labs/mr/timeline/data';
import { layoutTimeline } from '../../../grader/labs/mr/timeline/layout';
import { fetchRows } from '../../../grader/labs/mr/timeline/lane-layout';
import { timelinePage } from '../../../grader/labs/mr/timeline/page';
import { fetchEvent, FetchEvent, mapFates, pairFetches, runKey } from '../../../grader/labs/mr/timeline/shuffle';
import { call, challenge, fetch, MAPS, proc, SOCK, synthetic, T0 } from './timeline-data';
import { mergedHtml, mergedText, stampLines } from '../../../grader/reports/merged-log';
import { makeTmp, removeTmp, runGrader, SOLUTION } from './grader-helpers';
import { chromiumFor, renderedPage } from '../../helpers/chromium';

describe('pairCalls', () => {
  test('pairs starts and ends; a start with no end runs to the exit and is marked', () => {
    const b = pairCalls([...call(1, 'map', 'a', 0, 100), ...call(1, 'map', 'b', 150)], T0 + 400, T0 + 1000);
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
    const b = pairCalls(calls, undefined, T0 + 1000);
    expect(b.map((x) => x.inputs)).toEqual([['a', 'b', 'c'], ['a'], ['z'], ['zz']]);
    expect(b[0]).toMatchObject({ start: T0, end: T0 + 30, longest: 21 });
    expect(b[3].failed).toBe('error');
  });
});

describe('timelinePage', () => {
  const html = timelinePage(synthetic());

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
    expect(timelinePage(synthetic())).toBe(html);
  });
});

// ---- the challenge track: fetches, lost and re-run maps -----------------------

describe('fetches', () => {
  test('a trace line is a fetch event only with a peer, and keeps only well-typed fields', () => {
    const line = { pid: 7, time: T0, event: 'reply', method: 'FetchPart', to: SOCK(1), bytes: 5, extra: '<x>' };
    expect(fetchEvent(line)).toEqual({ pid: 7, time: T0, event: 'reply', method: 'FetchPart', to: SOCK(1), bytes: 5 });
    expect(fetchEvent({ ...line, to: undefined })).toBeUndefined(); // a call to the coordinator
    expect(fetchEvent({ ...line, event: 'start' })).toBeUndefined();
    expect(fetchEvent({ ...line, to: 3 })).toBeUndefined();
    expect(fetchEvent({ ...line, bytes: '5', failed: 'yes' })).toEqual({
      pid: 7,
      time: T0,
      event: 'reply',
      method: 'FetchPart',
      to: SOCK(1),
    });
    expect(fetchEvent({ ...line, bytes: -1 })).not.toHaveProperty('bytes');
    expect(fetchEvent({ ...line, failed: true })).toHaveProperty('failed', true);
  });

  test('pairs each reply with its call, peer by peer; failed, unanswered and stray replies', () => {
    const events = [
      fetch(1, 'a', 0)[0],
      fetch(1, 'b', 5)[0],
      fetch(1, 'b', 0, 20, { bytes: 9 })[1], // b answers first
      fetch(1, 'a', 0, 30, { bytes: 4 })[1],
      ...fetch(1, 'c', 40, 90, { failed: true }),
      ...fetch(1, 'd', 100), // never answered
      fetch(1, 'e', 0, 200, { bytes: 1 })[1], // a reply to no call
    ];
    expect(pairFetches(events)).toEqual([
      { method: 'FetchPart', to: 'a', start: T0, end: T0 + 30, bytes: 4 },
      { method: 'FetchPart', to: 'b', start: T0 + 5, end: T0 + 20, bytes: 9 },
      { method: 'FetchPart', to: 'c', start: T0 + 40, end: T0 + 90, failed: 'failed' },
      { method: 'FetchPart', to: 'd', start: T0 + 100, end: T0 + 100, failed: 'no reply' },
    ]);
  });

  test('replies pair with their calls by number, also when two fetches from one peer overlap and answer in the other order', () => {
    const e = (event: 'call' | 'reply', id: number, time: number, bytes?: number): FetchEvent => ({
      pid: 1,
      event,
      method: 'Fetch',
      to: 'a',
      id,
      time: T0 + time,
      ...(bytes === undefined ? {} : { bytes }),
    });
    expect(pairFetches([e('call', 1, 0), e('call', 2, 5), e('reply', 2, 10, 200), e('reply', 1, 40, 100)])).toEqual([
      { method: 'Fetch', to: 'a', start: T0, end: T0 + 40, bytes: 100 },
      { method: 'Fetch', to: 'a', start: T0 + 5, end: T0 + 10, bytes: 200 },
    ]);
  });

  test('overlapping fetches get rows of their own, at most 8; later ones reuse free rows', () => {
    const f = (start: number, end: number) => ({ method: 'm', to: 't', start, end });
    expect(fetchRows([f(0, 10), f(5, 15), f(12, 20), f(30, 31)], 1)).toEqual({ rows: [0, 1, 0, 0], count: 2 });
    const many = fetchRows(
      Array.from({ length: 20 }, () => f(0, 100)),
      1,
    );
    expect(many.count).toBe(8);
    expect(Math.max(...many.rows)).toBe(7);
    // A mark is at least minMs wide, so two instant fetches 1 ms apart do not share a row.
    expect(fetchRows([f(0, 0), f(1, 1)], 5).rows).toEqual([0, 1]);
  });
});

describe('lost and re-run maps', () => {
  test("a killed worker's finished maps that ran again elsewhere after are lost; the later runs are re-runs", () => {
    const data = challenge();
    const fates = mapFates(data.processes);
    const [, , w2, w3] = data.processes;
    for (const [k, m] of MAPS.filter((_, i) => i % 2).entries()) {
      const lost = fates.get(runKey(202, m, T0 + 100 + (2 * k + 1) * 200));
      expect(lost?.lost?.at).toBe(T0 + 5000);
      expect(lost?.lost?.rerunBy.map((r) => r.by)).toEqual([w3]);
      expect(lost?.rerun).toBeUndefined();
      const rerun = fates.get(runKey(203, m, T0 + 6000 + k * 300));
      expect(rerun?.rerun?.after?.by).toBe(w2);
      expect(rerun?.rerun?.earlier.map((r) => r.by)).toEqual([w2]);
      expect(rerun?.lost).toBeUndefined();
    }
    expect(fates.size).toBe(8); // worker 1's maps ran once
  });

  test('a map started again before the kill is a plain re-run; a finished map never run again is not lost', () => {
    const w = (pid: number, calls: TraceEvent[], signal: string | null = null): ProcessRecord =>
      proc({ role: `worker ${pid}`, pid, calls, exit: { at: T0 + 1000, code: signal ? null : 0, signal } });
    const a = w(1, [...call(1, 'map', 'x', 0, 100), ...call(1, 'map', 'y', 100, 200)], 'SIGKILL');
    const b = w(2, [...call(2, 'map', 'x', 50, 150), ...call(2, 'map', 'z', 300)]);
    const fates = mapFates([a, b]);
    expect([...fates.keys()]).toEqual([runKey(2, 'x', T0 + 50)]);
    expect(fates.get(runKey(2, 'x', T0 + 50))).toEqual({
      rerun: { earlier: [{ by: a, input: 'x', start: T0, finished: T0 + 100 }] },
    });
  });
});

describe('timelinePage, the challenge track', () => {
  const html = timelinePage(challenge());
  const serverColour = (pid: number): string =>
    new RegExp(`data-pid="${pid}">(?:(?!</g>).)*<rect class="server"[^>]*fill="(#\\w+)"`, 's').exec(html)![1];

  test('one thin mark per fetch, with server, bytes and time in its tooltip', () => {
    expect(html.match(/<rect class="fetch[ "]/g)).toHaveLength(83);
    expect(html).toContain('fetch from worker 2 (pid 202): 12.3 kB (12345 bytes) in 0.040 s');
    expect(html).toContain('fetch from worker 3 (pid 203): 12.3 kB (12345 bytes) in 0.040 s');
    expect(html).toMatch(/FetchPart to &quot;\/tmp\/mr-sock\/disk-1\/worker.sock&quot;\nworker 3, pid 203/);
    expect(html).toContain('fetched 493.8 kB (493800 bytes) in 41 fetches from other workers, 1 failed');
    expect(html).toContain('served 40 fetches, 493.8 kB (493800 bytes)'); // worker 1: 4 maps x 10 reduces
  });

  test("each server has a colour of its own, by its lane's label and on the fetches it served", () => {
    expect(html.match(/<rect class="server"/g)).toHaveLength(3);
    const colours = [201, 202, 203].map(serverColour);
    expect(new Set(colours).size).toBe(3);
    expect(html).toMatch(new RegExp(`<rect class="fetch" [^>]*fill="${colours[1]}"><title>fetch from worker 2 `));
    expect(html).not.toMatch(new RegExp(`<rect class="fetch" [^>]*fill="${colours[1]}"><title>fetch from worker 3 `));
  });

  test('failed and unanswered fetches are drawn apart, in red', () => {
    expect(html.match(/<rect class="fetch failed"[^>]*fill="#c62828"/g)).toHaveLength(2);
    expect(html).not.toMatch(/<rect class="fetch"[^>]*fill="#c62828"/);
    expect(html).toContain('fetch from worker 2 (pid 202) failed after 1.000 s: no answer, or not in time');
    expect(html).toContain(
      'fetch from worker 3 (pid 203): no reply recorded (the call threw, or worker 1 ended first)',
    );
    expect(html).toContain('83 fetches between workers (2 failed, 987.6 kB (987607 bytes) fetched)');
    expect(html).toContain('failed fetch</span>');
  });

  test('eight fetches at once take eight rows under the bars, and the lane grows by that much only', () => {
    const top = (pid: number): number =>
      Number(new RegExp(`data-pid="${pid}">\\n<rect x="0" y="(\\d+)"`).exec(html)![1]); // even lanes have a background
    expect(top(202) - top(200)).toBe(24 + (24 + 8 * 4)); // the coordinator's lane, then worker 1's with 8 rows
    const ys = [...html.matchAll(/<rect class="fetch" x="[\d.]+" y="([\d.]+)"[^>]*><title>[^<]*worker 1, pid 201</g)];
    expect(new Set(ys.map((m) => m[1])).size).toBe(8);
  });

  test("the killed worker's finished maps are marked lost at the kill, and their re-runs as re-runs", () => {
    expect(html.match(/class="bar map lost"/g)).toHaveLength(4);
    expect(html.match(/class="bar map rerun"/g)).toHaveLength(4);
    expect(html.match(/class="bar map"/g)).toHaveLength(4); // worker 1's, run once
    expect(html).toMatch(/class="bar map lost"[^>]*stroke-dasharray/);
    expect(html).toContain('its output was lost at +5.000s with worker 2&#39;s disk (killed by SIGKILL)');
    expect(html).toContain('re-run by worker 3 at +6.000s');
    expect(html).toContain('re-run after worker 2 was lost (killed by SIGKILL at +5.000s)');
    expect(html).toMatch(
      /<text class="lost-count"[^>]*>4 maps lost<title>the output of 4 finished map tasks went with worker 2&#39;s disk: &quot;pg-b.txt&quot;/,
    );
    expect(html).toContain('4 finished maps lost with a killed worker, 4 re-run');
    expect(html).toContain('map output lost with a killed worker</span>');
    expect(html).toContain('map re-run after the loss</span>');
  });

  test('a forged endpoint is shown as text, quoted and escaped', () => {
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('fetch from &quot;\\&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot;: 7 B in 0.010 s');
    expect(html.match(/<script>/g)).toHaveLength(2); // only the page's own two scripts
  });

  test("a page of the course's lab has none of it", () => {
    const course = timelinePage(synthetic());
    expect(course).not.toContain('class="fetch');
    expect(course).not.toContain('fetches between workers');
    expect(course).not.toContain('failed fetch');
    expect(course).not.toContain('lost');
    expect(course).not.toContain('class="server"');
  });
});

describe('what a worker served', () => {
  /** Worker 2 held map output and was killed at 5 s; worker 1 then asked it for a part 89 times, in vain. */
  function killedServer(): TimelineData {
    const asks = Array.from({ length: 89 }, (_, k) =>
      fetch(401, SOCK(2), 5100 + k * 10, 5105 + k * 10, { failed: true }),
    );
    return {
      title: 'lost map output',
      passed: false,
      notes: [],
      t0: T0,
      t1: T0 + 7000,
      processes: [
        proc({ role: 'worker 1', pid: 401, fetches: asks.flat() }),
        proc({ role: 'worker 2', pid: 402, exit: { at: T0 + 5000, code: null, signal: 'SIGKILL' } }),
      ],
      servers: new Map([[SOCK(2), 402]]),
    };
  }
  const tipOf = (data: TimelineData, pid: number): string =>
    layoutTimeline(data).lanes.find((lane) => lane.pid === pid)!.tip;

  test('a killed worker none of whose fetches were answered served none: they failed because it was killed', () => {
    const tip = tipOf(killedServer(), 402);
    expect(tip).not.toMatch(/served/);
    expect(tip).toContain('89 fetches from it failed: it was killed (SIGKILL at +5.000s)');
    expect(timelinePage(killedServer())).not.toContain('class="server"'); // no colour: no fetch is drawn in it
  });

  test('a worker served only the fetches it answered; those that failed while it ran are said apart', () => {
    const fetches = [
      ...fetch(401, SOCK(2), 100, 110, { bytes: 100 }),
      ...fetch(401, SOCK(2), 200, 210, { bytes: 200 }),
      ...fetch(401, SOCK(2), 300, 1300, { failed: true }),
      ...fetch(401, SOCK(2), 6000, 6001, { failed: true }), // after its death
    ];
    const data = killedServer();
    data.processes[0].fetches = fetches;
    const caller = { role: 'worker 3', pid: 403, exit: { at: T0 + 450, code: 1, signal: null } };
    data.processes.push(proc({ ...caller, fetches: fetch(403, SOCK(2), 400) })); // ends before any reply
    const tip = tipOf(data, 402).split('\n');
    expect(tip).toContain('served 2 fetches, 300 B');
    expect(tip).toContain('1 fetch from it failed while it ran: no answer, or not in time');
    expect(tip).toContain('1 fetch from it got no reply (the call threw, or the caller ended first)');
    expect(tip).toContain('1 fetch from it failed: it was killed (SIGKILL at +5.000s)');
  });
});

describe('timelineData', () => {
  let tmp: string;
  beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-'))));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test("reads fetches from the traces and names the worker serving each endpoint (the job's local disks)", () => {
    const trace = (n: number, lines: object[]): string => {
      const file = path.join(tmp, `trace-${n}.jsonl`);
      fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n{"torn":');
      return file;
    };
    const worker = (role: string, pid: number) => ({ role, pid, startedAt: T0, timedOut: false, signals: [] });
    const [w1, w2] = [worker('worker 1', 301), worker('worker 2', 302)];
    const evil = 'sock\u001b[2J<b>\u202e';
    const files = new Map([
      [
        w1,
        trace(1, [
          { pid: 301, time: T0 + 10, event: 'call', method: 'Fetch', to: SOCK(2) },
          { pid: 301, time: T0 + 15, event: 'call', method: 'Fetch', to: evil },
          { pid: 301, time: T0 + 20, event: 'call', method: 'GetTask' }, // the coordinator
          { pid: 301, time: T0 + 30, event: 'reply', method: 'Fetch', to: SOCK(2), bytes: 2048 },
          { pid: 301, time: T0 + 35, event: 'reply', method: 'Fetch', to: evil, bytes: 1e300 },
          { pid: 301, time: T0 + 40, event: 'start', phase: 'reduce', input: 'k' },
        ]),
      ],
      [w2, trace(2, [{ pid: 302, time: T0 + 1, event: 'start', phase: 'map', input: 'a' }])],
    ]);
    const job = {
      procs: [w1, w2],
      traceFiles: files,
      coordinator: undefined,
      restarts: { restartedBy: new Map() },
      startedAt: T0,
      disks: { workerAt: (address: string) => (address === SOCK(2) ? w2 : undefined) },
    } as unknown as Job;
    const data = timelineData(job, 'local shuffle', true, []);
    expect(data.servers).toEqual(new Map([[SOCK(2), 302]]));
    expect(data.processes[0].calls).toHaveLength(1);
    expect(data.processes[0].fetches).toHaveLength(4);
    expect(data.processes[0].fetches![1].to).toBe('sock\\u001b[2J<b>\\u202e'); // made printable by the reader
    expect(data.processes[0].fetches![3]).not.toHaveProperty('bytes'); // not a byte count
    const html = timelinePage({ ...data, t1: T0 + 1000 });
    expect(html).toContain('fetch from worker 2 (pid 302): 2.0 kB (2048 bytes) in 0.020 s');
    expect(html).toContain('fetch from &quot;sock\\\\u001b[2J&lt;b&gt;\\\\u202e&quot;: bytes not recorded in 0.020 s');
    expect(html).not.toContain('\u001b');
    expect(html).not.toContain('[2J<b>');
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

const CHROMIUM = chromiumFor('timeline.test.ts');
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

      const { body, dom, stderr } = await renderedPage(CHROMIUM!, page);
      if (!body.includes('data-rendered="ok"')) console.log(stderr.slice(-2000));
      expect(body).toContain('data-rendered="ok"');
      expect(body).not.toContain('data-errors');
      expect(body).toContain('data-worker-lanes="3"');
      expect(dom.match(/class="lane lane-worker"/g)).toHaveLength(3);
      expect(dom.match(/class="bar map"/g)!.length).toBeGreaterThanOrEqual(8); // one per input file
      expect(dom).toMatch(/class="bar reduce"/);
    },
    300_000,
  );
});
