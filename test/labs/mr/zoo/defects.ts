// The zoo: students' real mistakes, each made as one small edit of a
// reference solution, and the grader tests that must catch it.
//
// A defect is a list of exact text replacements in labs/mr/solution (the
// course's lab) or labs/mr/solution-challenge (the challenge track). Each
// `find` must occur exactly once, so when the solution changes under a
// defect, its test fails loudly instead of grading the solution itself.

/** The reference solution a defect is made from: a folder of labs/mr. */
export type Base = 'solution' | 'solution-challenge';

export interface Edit {
  file: 'coordinator.ts' | 'worker.ts';
  find: string;
  replace: string;
}

export interface Defect {
  name: string;
  /** What the student got wrong, for the instructors' table. */
  description: string;
  /** The reference solution the edits apply to: the course's unless said. */
  base?: Base;
  /** None: the base solution itself, shown failing a test of another track. */
  edits: Edit[];
  /** Grader test ids run on this defect (--only). */
  run: string[];
  /** Every one of these tests must fail. */
  mustFail: string[];
  /**
   * Why: the grader's notes on each failed test (its --json summary) must
   * match this, or, by test id, the pattern given for that test. A defect
   * that fails for another reason is not caught, it is lucky.
   */
  reason?: RegExp | Record<string, RegExp>;
  /** Tests that must pass all the same: the course's tests cannot see this defect. */
  mustPass?: string[];
  /** Extra grader options, e.g. a shorter time limit where the defect hangs. */
  options?: string[];
  /**
   * Run on the kit's inputs plus one big input (about 13 MB) that is mapped
   * first: the other maps finish while it runs, so a defect in what happens
   * while a map is still running shows every time, not by chance.
   */
  bigFirstInput?: boolean;
}

/**
 * A crash-app seed under which worker 1 (MR_CRASH_SEED "zoo0-1") exits in its
 * very first map call: without it, a crash test may draw no crash at all
 * (about 1 run in 100) and a defect in handling crashes would go unseen.
 */
export const CRASHING_SEED = ['--seed', 'zoo0'];

export const DEFECTS: Defect[] = [
  {
    name: 'reduce-output-in-place',
    description:
      'Writes mr-out-Y in place, a line at a time as keys are reduced, instead of to a temporary file renamed into place: a partial output file is visible while the reduce runs.',
    edits: [
      {
        file: 'worker.ts',
        find: `  const lines: string[] = [];
  for (const key of [...groups.keys()].sort(compareCodePoints)) {
    lines.push(\`\${key} \${reducef(key, groups.get(key)!)}\\n\`);
  }
  writeAtomically(\`mr-out-\${task.task}\`, lines.join(''));`,
        replace: `  const out = fs.openSync(\`mr-out-\${task.task}\`, 'w');
  for (const key of [...groups.keys()].sort(compareCodePoints)) {
    fs.writeSync(out, \`\${key} \${reducef(key, groups.get(key)!)}\\n\`);
  }
  fs.closeSync(out);`,
      },
    ],
    run: ['atomic-output'],
    mustFail: ['atomic-output'],
  },
  {
    name: 'no-reassignment',
    description: "Never hands a running task to another worker: a crashed worker's task is never finished.",
    edits: [{ file: 'coordinator.ts', find: "task.state = 'idle'; // presumed dead", replace: '// presumed dead' }],
    run: ['crash'],
    mustFail: ['crash'],
    // Said once no correct coordinator could still be waiting (within 30 s of the death), not at the 120 s limit.
    reason:
      /^the map task of \S+ was handed to worker \d+ \(pid \d+\), which died at [\d.]+ s while running it .*never handed out again \((2[5-9]|30) s later\)/,
    options: CRASHING_SEED,
  },
  {
    name: 'early-reassignment',
    description: 'Hands a task to another worker after 1 s instead of 10 s, so slow map tasks run twice.',
    edits: [
      { file: 'coordinator.ts', find: 'const TASK_TIMEOUT_MS = 10_000;', replace: 'const TASK_TIMEOUT_MS = 1_000;' },
    ],
    run: ['job-count'],
    mustFail: ['job-count'],
  },
  {
    name: 'reduce-before-maps-finish',
    description:
      'Hands out reduce tasks as soon as no map task is idle, while maps are still running; reducers skip the intermediate files that are not there yet.',
    edits: [
      {
        file: 'coordinator.ts',
        find: "const mapsDone = this.mapTasks.every((t) => t.state === 'done');",
        replace: "const mapsDone = this.mapTasks.every((t) => t.state !== 'idle');",
      },
      {
        file: 'worker.ts',
        find: '  for (let m = 0; m < task.n_map; m++) {\n',
        replace:
          '  for (let m = 0; m < task.n_map; m++) {\n    if (!fs.existsSync(intermediateFile(m, task.task))) continue;\n',
      },
    ],
    run: ['wc'],
    mustFail: ['wc'],
    bigFirstInput: true,
  },
  {
    name: 'exit-when-no-task-now',
    description: 'The worker exits when the coordinator has no task for it right now, though the job is not over.',
    edits: [
      {
        file: 'worker.ts',
        find: "if (task.kind === 'wait') continue;",
        replace: "if (task.kind === 'wait') return;",
      },
    ],
    run: ['early-exit'],
    mustFail: ['early-exit'],
  },
  {
    name: 'done-before-output',
    description:
      'done() turns true once every reduce task has been handed out, before their output is renamed into place.',
    edits: [
      {
        file: 'coordinator.ts',
        find: "return this.reduceTasks.every((t) => t.state === 'done');",
        replace: "return this.reduceTasks.every((t) => t.state !== 'idle');",
      },
    ],
    run: ['early-exit'],
    mustFail: ['early-exit'],
  },
  {
    name: 'partition-not-by-key',
    description:
      'Chooses the reduce task from the key and the input file name, so one key lands in several mr-out files.',
    edits: [
      {
        file: 'worker.ts',
        find: 'buckets[ihash(key) % task.n_reduce]',
        replace: 'buckets[ihash(key + task.file) % task.n_reduce]',
      },
    ],
    run: ['wc'],
    mustFail: ['wc'],
  },
  {
    name: 'maps-one-at-a-time',
    description: 'Hands out a map task only when no other map task is running.',
    edits: [
      {
        file: 'coordinator.ts',
        find: '    const tasks = mapsDone ? this.reduceTasks : this.mapTasks;\n',
        replace:
          "    const tasks = mapsDone ? this.reduceTasks : this.mapTasks;\n    if (!mapsDone && this.mapTasks.some((t) => t.state === 'running')) return undefined;\n",
      },
    ],
    run: ['map-parallelism'],
    mustFail: ['map-parallelism'],
  },
  {
    name: 'reduces-one-at-a-time',
    description: 'Hands out a reduce task only when no other reduce task is running.',
    edits: [
      {
        file: 'coordinator.ts',
        find: '    const tasks = mapsDone ? this.reduceTasks : this.mapTasks;\n',
        replace:
          "    const tasks = mapsDone ? this.reduceTasks : this.mapTasks;\n    if (mapsDone && this.reduceTasks.some((t) => t.state === 'running')) return undefined;\n",
      },
    ],
    run: ['reduce-parallelism'],
    mustFail: ['reduce-parallelism'],
  },
  {
    name: 'worker-never-exits',
    description:
      'The worker ignores "exit" and keeps asking for work, and keeps retrying when the coordinator is gone.',
    edits: [
      {
        file: 'worker.ts',
        find: "      if (!task || task.kind === 'exit') return; // job done, or coordinator gone: either way, stop\n",
        replace:
          "      if (!task || task.kind === 'exit') {\n        await new Promise((resolve) => setTimeout(resolve, 500));\n        continue;\n      }\n",
      },
    ],
    run: ['worker-exit'],
    mustFail: ['worker-exit'],
  },
  {
    name: 'forgets-crashed-task',
    description:
      'When a task times out, the coordinator drops it instead of handing it out again: the job never finishes after a crash.',
    edits: [
      {
        file: 'coordinator.ts',
        find: "task.state = 'idle'; // presumed dead",
        replace: "(task as { state: string }).state = 'lost'; // presumed dead",
      },
    ],
    run: ['crash'],
    mustFail: ['crash'],
    reason:
      /^the map task of \S+ was handed to worker \d+ \(pid \d+\), which died at [\d.]+ s while running it .*never handed out again \((2[5-9]|30) s later\)/,
    options: CRASHING_SEED,
  },
  {
    name: 'reads-some-map-outputs',
    description: 'A reduce task reads the intermediate files of all map tasks but the last (an off-by-one).',
    edits: [
      {
        file: 'worker.ts',
        find: '  for (let m = 0; m < task.n_map; m++) {\n',
        replace: '  for (let m = 0; m < task.n_map - 1; m++) {\n',
      },
    ],
    run: ['wc'],
    mustFail: ['wc'],
  },
  {
    name: 'partition-by-length',
    description:
      'Partitions keys by their length instead of ihash: the output is right, but each key is in the wrong mr-out file, which only the layout test sees.',
    edits: [
      {
        file: 'worker.ts',
        find: 'buckets[ihash(key) % task.n_reduce]',
        replace: 'buckets[key.length % task.n_reduce]',
      },
    ],
    run: ['wc', 'layout'],
    mustFail: ['layout'],
    mustPass: ['wc'],
  },
  // The data defects: each is caught only on the extended tier's generated
  // inputs (or with its other nReduce); the course's wc passes them all.
  {
    name: 'plain-object-grouping',
    description:
      "Groups a reduce task's values in a plain object guarded by Object.hasOwn: for the key __proto__ the assignment sets the object's prototype instead, and the key vanishes from the output.",
    edits: [
      {
        file: 'worker.ts',
        find: '  const groups = new Map<string, string[]>();\n',
        replace: '  const groups: Record<string, string[]> = {};\n',
      },
      {
        file: 'worker.ts',
        find: `      const seen = groups.get(key);
      if (seen) for (const value of values) seen.push(value); // no spread: a key may have millions
      else groups.set(key, values);`,
        replace: `      if (Object.hasOwn(groups, key)) for (const value of values) groups[key].push(value);
      else groups[key] = values;`,
      },
      {
        file: 'worker.ts',
        find: `  for (const key of [...groups.keys()].sort(compareCodePoints)) {
    lines.push(\`\${key} \${reducef(key, groups.get(key)!)}\\n\`);`,
        replace: `  for (const key of Object.keys(groups).sort(compareCodePoints)) {
    lines.push(\`\${key} \${reducef(key, groups[key])}\\n\`);`,
      },
    ],
    run: ['wc', 'adversarial-input'],
    mustFail: ['adversarial-input'],
    reason: /missing keys \(1\): __proto__/,
    mustPass: ['wc'],
  },
  {
    name: 'spread-push',
    description:
      "Merges a key's values from several map tasks with push(...values): a key with 400,000 values in one file exceeds the call stack, and every worker that tries that reduce task dies.",
    edits: [
      {
        file: 'worker.ts',
        find: 'if (seen) for (const value of values) seen.push(value); // no spread: a key may have millions',
        replace: 'if (seen) seen.push(...values);',
      },
    ],
    // wc runs too, to show the course's inputs never make such a key; its verdict is not asserted (one CI run saw
    // it fail under heavy load, for a reason that run did not keep: the zoo now prints the grader's words).
    run: ['wc', 'adversarial-input'],
    mustFail: ['adversarial-input'],
    reason: /Maximum call stack size exceeded/,
  },
  {
    name: 'chunked-decoding',
    description:
      'Reads an input file in 64 KiB chunks and decodes each chunk on its own: a multi-byte character cut by a chunk boundary becomes two U+FFFD.',
    edits: [
      {
        file: 'worker.ts',
        find: "  const contents = fs.readFileSync(task.file, 'utf8');\n",
        replace: `  const fd = fs.openSync(task.file, 'r');
  const chunk = Buffer.alloc(1 << 16);
  let contents = '';
  for (let n: number; (n = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0; ) contents += chunk.toString('utf8', 0, n);
  fs.closeSync(fd);
`,
      },
    ],
    run: ['adversarial-input'],
    mustFail: ['adversarial-input'],
  },
  {
    name: 'worker-assumes-10-reduce-tasks',
    description: 'The worker splits map output into 10 buckets, whatever nReduce the coordinator was given.',
    edits: [
      {
        file: 'worker.ts',
        find: 'let coordinator: Connection | undefined;\n',
        replace: 'const N_REDUCE = 10; // as mrcoordinator passes\n\nlet coordinator: Connection | undefined;\n',
      },
      { file: 'worker.ts', find: 'Array.from({ length: task.n_reduce }', replace: 'Array.from({ length: N_REDUCE }' },
      { file: 'worker.ts', find: 'buckets[ihash(key) % task.n_reduce]', replace: 'buckets[ihash(key) % N_REDUCE]' },
    ],
    run: ['wc', 'n-reduce'],
    mustFail: ['n-reduce'],
    mustPass: ['wc'],
  },
  {
    name: 'coordinator-assumes-10-reduce-tasks',
    description: 'makeCoordinator makes 10 reduce tasks, whatever nReduce it is given.',
    edits: [
      {
        file: 'coordinator.ts',
        find: 'const c = new Coordinator(endpoint, files, nReduce);',
        replace: 'const c = new Coordinator(endpoint, files, 10);',
      },
    ],
    run: ['n-reduce'],
    mustFail: ['n-reduce'],
    reason: /unexpected: mr-out-7, mr-out-8, mr-out-9/,
  },
  {
    name: 'no-output-for-empty-bucket',
    description: 'A reduce task that got no keys writes no mr-out file.',
    edits: [
      {
        file: 'worker.ts',
        find: "  writeAtomically(`mr-out-${task.task}`, lines.join(''));",
        replace: "  if (lines.length) writeAtomically(`mr-out-${task.task}`, lines.join(''));",
      },
    ],
    run: ['wc', 'few-keys'],
    mustFail: ['few-keys'],
    mustPass: ['wc'],
  },
  {
    name: 'utf16-key-sort',
    description:
      "Sorts each reduce task's keys with the default sort(), which compares UTF-16 code units: letters outside the BMP come before U+E000..U+FFFF, unlike mrsequential's code-point order. The merged output is still right.",
    edits: [
      {
        file: 'worker.ts',
        find: '[...groups.keys()].sort(compareCodePoints)',
        replace: '[...groups.keys()].sort()',
      },
    ],
    run: ['wc', 'adversarial-input', 'key-order'],
    // The key-order invariant is checked after every test: any extended test fails it; the course's wc only notes it.
    mustFail: ['key-order', 'adversarial-input'],
    reason: { 'key-order': /compares UTF-16 code units/, 'adversarial-input': /keys go in code-point order/ },
    mustPass: ['wc'],
  },
  // The forced schedules (grader/labs/mr/tiers/schedules.ts): defects that only a task run twice, a late report,
  // or a crowd of simultaneous requests shows, and that pass every other test.
  {
    name: 'intermediate-per-attempt',
    description:
      'Names each intermediate file after the worker that wrote it (mr-X-Y-<pid>) to avoid clashes, and reduce reads every mr-*-Y-* file: a map task that runs twice (a straggler comes back) is counted twice.',
    edits: [
      {
        file: 'worker.ts',
        find: "    writeAtomically(intermediateFile(task.task, r), lines.join(''));",
        replace: "    writeAtomically(`${intermediateFile(task.task, r)}-${process.pid}`, lines.join(''));",
      },
      {
        file: 'worker.ts',
        find: `  for (let m = 0; m < task.n_map; m++) {
    for (const line of fs.readFileSync(intermediateFile(m, task.task), 'utf8').split('\\n')) {`,
        replace: `  const mine = new RegExp(\`^mr-\\\\d+-\${task.task}-\\\\d+$\`);
  for (const file of fs.readdirSync('.').filter((name) => mine.test(name))) {
    for (const line of fs.readFileSync(file, 'utf8').split('\\n')) {`,
      },
    ],
    run: ['wc', 'straggler-map'],
    mustFail: ['straggler-map'],
    mustPass: ['wc'],
  },
  {
    name: 'late-report-counted',
    description:
      'Counts finished map tasks with a counter bumped on every report, so a late report of a task that was re-run counts it twice and the reduce phase starts while a map task is unfinished.',
    edits: [
      {
        file: 'coordinator.ts',
        find: "    const tasks = args.kind === 'map' ? this.mapTasks : this.reduceTasks;",
        replace:
          "    if (args.kind === 'map') this.mapsReported++;\n    const tasks = args.kind === 'map' ? this.mapTasks : this.reduceTasks;",
      },
      {
        file: 'coordinator.ts',
        find: "    const mapsDone = this.mapTasks.every((t) => t.state === 'done');",
        replace: '    const mapsDone = this.mapsReported >= this.mapTasks.length;',
      },
      {
        file: 'coordinator.ts',
        find: '  private server?: Server;',
        replace: '  private server?: Server;\n  private mapsReported = 0;',
      },
    ],
    run: ['wc', 'late-report'],
    mustFail: ['late-report'],
    mustPass: ['wc'],
  },
  {
    name: 'reduce-cleans-up-early',
    description:
      'A reduce worker deletes the intermediate files of its task once its output is written, before reporting: when the task is re-run (the report came late), they are gone.',
    edits: [
      {
        file: 'worker.ts',
        find: "  writeAtomically(`mr-out-${task.task}`, lines.join(''));",
        replace:
          "  writeAtomically(`mr-out-${task.task}`, lines.join(''));\n  for (let m = 0; m < task.n_map; m++) fs.rmSync(intermediateFile(m, task.task), { force: true });",
      },
    ],
    run: ['wc', 'late-report'],
    mustFail: ['late-report'],
    mustPass: ['wc'],
  },
  {
    name: 'await-before-marking',
    description:
      'Logs each assignment to a file (with await) between finding an idle task and marking it running: requests that arrive together all get the same task.',
    edits: [
      {
        file: 'coordinator.ts',
        find: '      if (task) return this.assign(task);',
        replace:
          "      if (task) {\n        await fs.promises.appendFile('assignments.log', `${task.kind} ${task.id} -> ${args.worker}\\n`);\n        return this.assign(task);\n      }",
      },
      {
        file: 'coordinator.ts',
        find: "import type { Server } from '@grpc/grpc-js';",
        replace: "import * as fs from 'fs';\nimport type { Server } from '@grpc/grpc-js';",
      },
    ],
    run: ['herd'],
    mustFail: ['herd'],
    reason: /went to \d+ workers of the herd at once/,
  },
  {
    name: 'busy-polling',
    description:
      'The coordinator answers "wait" at once when it has no task, and the worker asks again at once: idle workers spin, each taking a CPU core from everyone else.',
    edits: [{ file: 'coordinator.ts', find: 'const LONG_POLL_MS = 2_000;', replace: 'const LONG_POLL_MS = 0;' }],
    run: ['wc', 'straggler-map'],
    mustFail: ['straggler-map'],
    mustPass: ['wc'],
  },
  {
    name: 'temp-file-in-tmpdir',
    description:
      "Writes each temporary file in os.tmpdir() and renames it into the job's folder: on a machine whose temporary folder is on another file system, rename fails (EXDEV).",
    edits: [
      {
        file: 'worker.ts',
        find: '  const temp = path.join(path.dirname(file), `.tmp-${path.basename(file)}-${process.pid}`);',
        replace: '  const temp = path.join(os.tmpdir(), `.tmp-${path.basename(file)}-${process.pid}`);',
      },
      {
        file: 'worker.ts',
        find: "import * as path from 'path';",
        replace: "import * as os from 'os';\nimport * as path from 'path';",
      },
    ],
    run: ['wc', 'layout'],
    mustFail: ['layout'],
    reason: /EXDEV/,
    mustPass: ['wc'],
  },
  {
    name: 'output-written-directly',
    description:
      'Writes each mr-out file with one fs.writeFileSync under its final name: a reader can see it half written, though a poll of the folder rarely catches that.',
    edits: [
      {
        file: 'worker.ts',
        find: "  writeAtomically(`mr-out-${task.task}`, lines.join(''));",
        replace: "  fs.writeFileSync(`mr-out-${task.task}`, lines.join(''));",
      },
    ],
    run: ['wc', 'atomic-output'],
    // The write-under-final-name invariant, from the worker's own record of its file calls: every time, not by luck.
    mustFail: ['atomic-output'],
    mustPass: ['wc'],
  },
  // Job shapes the course never uses (grader/labs/mr/tiers/shapes.ts): more than ten map and reduce tasks in
  // one job, and temporary files named like the output. Each passes every test of a job with 8 maps and 10 (or 7)
  // reduce tasks.
  {
    name: 'intermediate-names-run-together',
    description:
      'Names intermediate files mr-<X><Y>, the two task numbers run together (a dash left out of the format): unique while both have one digit, but map 1 and map 11 both write mr-111 (for reduce tasks 11 and 1), and one overwrites the other.',
    edits: [
      {
        file: 'worker.ts',
        find: '  return `mr-${mapTask}-${reduceTask}`;',
        replace: '  return `mr-${mapTask}${reduceTask}`;',
      },
    ],
    run: ['many-tasks'],
    mustFail: ['many-tasks'],
    reason: /output is not the same as mrsequential's/,
  },
  {
    name: 'reduce-parses-one-digit',
    description:
      'A reduce task lists the folder and takes the intermediate files mr-X-Y whose last character is its number (Y read as one digit): reduce task 1 also reads mr-X-11, and reduce task 11 reads nothing. The merged output is still right; each key of buckets 10 and 11 is in the wrong file.',
    edits: [
      {
        file: 'worker.ts',
        find: `  for (let m = 0; m < task.n_map; m++) {
    for (const line of fs.readFileSync(intermediateFile(m, task.task), 'utf8').split('\\n')) {`,
        replace: `  const mine = fs.readdirSync('.').filter((name) => /^mr-\\d+-\\d+$/.test(name) && Number(name[name.length - 1]) === task.task);
  for (const file of mine) {
    for (const line of fs.readFileSync(file, 'utf8').split('\\n')) {`,
      },
    ],
    run: ['many-tasks'],
    mustFail: ['many-tasks'],
    reason: /in the wrong output file/,
  },
  {
    name: 'temp-output-named-mr-out',
    description:
      "Writes each file under its final name plus a suffix (mr-out-3.tmp-<pid>), then renames it: while it is written, anyone who reads the output as the course's script does (sort mr-out*) reads the temporary file too.",
    edits: [
      {
        file: 'worker.ts',
        find: '  const temp = path.join(path.dirname(file), `.tmp-${path.basename(file)}-${process.pid}`);',
        replace: '  const temp = `${file}.tmp-${process.pid}`;',
      },
    ],
    run: ['temp-names'],
    mustFail: ['temp-names'],
    reason: /under the temporary name mr-out-\d+\.tmp-\d+/,
  },
  // The protocol under late and repeated events (grader/labs/mr/tiers/protocol.ts): a report that comes late or
  // twice, a task that times out twice. The other schedules pass them: another worker always finishes the job.
  {
    name: 'report-of-done-task-throws',
    description:
      'The report handler throws when a task is reported that is already done (a duplicate report): the worker whose report failed takes the coordinator for gone and exits, though the job still has work for it.',
    edits: [
      {
        file: 'coordinator.ts',
        find: '      this.notifyWaiters();\n    }\n    return {};',
        replace:
          '      this.notifyWaiters();\n    } else if (task) {\n      throw new Error(`${args.kind} task ${args.task} is already done`);\n    }\n    return {};',
      },
    ],
    run: ['stale-report'],
    mustFail: ['stale-report'],
    reason: /report of the map of \S+, which worker \d+ \(pid \d+\) had reported already, was answered with an error/,
  },
  {
    name: 'report-from-replaced-worker-throws',
    description:
      'The coordinator remembers which worker it last handed each task to, and answers a report from any other worker with an error: a worker whose task was given to another (it was slow, not dead) exits when it reports.',
    edits: [
      {
        file: 'coordinator.ts',
        find: '  attempt: number; // bumped on every hand-out, so a stale timer can tell it is stale\n',
        replace:
          '  attempt: number; // bumped on every hand-out, so a stale timer can tell it is stale\n  worker?: number; // the worker it was last handed to\n',
      },
      {
        file: 'coordinator.ts',
        find: 'if (task) return this.assign(task);',
        replace: 'if (task) return this.assign(task, args.worker);',
      },
      {
        file: 'coordinator.ts',
        find: "  private assign(task: Task): TaskReply {\n    task.state = 'running';\n",
        replace:
          "  private assign(task: Task, worker: number): TaskReply {\n    task.state = 'running';\n    task.worker = worker;\n",
      },
      {
        file: 'coordinator.ts',
        find: '    const task = tasks[args.task];\n',
        replace:
          '    const task = tasks[args.task];\n    if (task && task.worker !== args.worker) throw new Error(`${args.kind} task ${args.task} is not yours`);\n',
      },
    ],
    run: ['stale-report'],
    mustFail: ['stale-report'],
    reason:
      /report of the map of \S+, which the coordinator had handed to worker \d+ \(pid \d+\) since, was answered with an error/,
  },
  {
    name: 'timeout-clock-kept',
    description:
      'Re-issues tasks from a sweep that runs every second, judging each running task by when it was first handed out: after the first timeout the copy handed out again is already 10 s old, and the next sweep takes it from its worker and hands it to the next idle one.',
    edits: [
      {
        file: 'coordinator.ts',
        find: '  attempt: number; // bumped on every hand-out, so a stale timer can tell it is stale\n',
        replace:
          '  attempt: number; // bumped on every hand-out, so a stale timer can tell it is stale\n  handedOutAt?: number; // when it was (first) handed out\n',
      },
      {
        file: 'coordinator.ts',
        find: `    const attempt = ++task.attempt;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (task.state === 'running' && task.attempt === attempt) {
`,
        replace: '    ++task.attempt;\n    task.handedOutAt ??= Date.now();\n',
      },
      {
        file: 'coordinator.ts',
        find: `        task.state = 'idle'; // presumed dead: someone else may have it
        this.notifyWaiters();
      }
    }, TASK_TIMEOUT_MS);
    this.timers.add(timer);
`,
        replace: '',
      },
      {
        file: 'coordinator.ts',
        find: '    this.server = await serve(this.endpoint, handlers);\n',
        replace: `    this.server = await serve(this.endpoint, handlers);
    // Once a second: a running task not reported 10 s after it was handed out goes back to idle.
    const sweep = setInterval(() => {
      for (const task of [...this.mapTasks, ...this.reduceTasks]) {
        if (task.state === 'running' && Date.now() - task.handedOutAt! > TASK_TIMEOUT_MS) {
          task.state = 'idle'; // presumed dead
          this.notifyWaiters();
        }
      }
    }, 1_000);
    this.timers.add(sweep);
`,
      },
    ],
    run: ['timeout-twice'],
    mustFail: ['timeout-twice'],
    reason: /only \d+\.\d s after it was handed to worker \d+ \(pid \d+\)/,
  },
  // The challenge track (grader/labs/mr/tiers/challenge-*.ts, --challenge): the paper's MapReduce, each worker on a local
  // disk of its own. These defects are edits of labs/mr/solution-challenge.
  {
    name: 'course-solution-on-local-disks',
    description:
      "The course's reference solution, unchanged, run as the challenge track runs workers: each on a local disk of its own, it looks for the inputs in its current folder and finds none.",
    base: 'solution',
    edits: [],
    // straggler too: every challenge test hints where the track's files are (it once gave no hint)
    run: ['shuffle-wc', 'straggler'],
    mustFail: ['shuffle-wc', 'straggler'],
    reason: /challenge\(\)\.shared/,
  },
  {
    name: 'reducer-reads-shared',
    description:
      "Writes map output to the shared folder and has each reducer read its parts there: the course's design, which needs a shared file system, and no fetch from the worker that ran the map.",
    base: 'solution-challenge',
    edits: [
      {
        file: 'worker.ts',
        find: "    writeAtomically(intermediateFile(task.task, r), lines.join(''));",
        replace:
          "    writeAtomically(path.join(shared, intermediateFile(task.task, r)), lines.join('')); // for every reducer",
      },
      {
        file: 'worker.ts',
        find: '    const text = where && where !== me ? await fetchFrom(where, m, task.task) : readPart(m, task.task);',
        replace: "    const text = fs.readFileSync(path.join(shared, intermediateFile(m, task.task)), 'utf8');",
      },
    ],
    run: ['shuffle-wc'],
    mustFail: ['shuffle-wc'],
    reason: /in the job's shared folder/,
  },
  {
    name: 'forgets-lost-maps',
    description:
      'When a reducer reports a worker lost, the coordinator leaves the map tasks that worker finished done: their output went with its disk, and no reduce task that needs it can ever finish.',
    base: 'solution-challenge',
    edits: [
      {
        file: 'coordinator.ts',
        find: `      if (task.state === 'done' && task.doneBy === address) {
        task.state = 'idle';
        task.doneBy = '';
        lost++;
      }`,
        replace:
          "      if (task.state === 'done' && task.doneBy === address) lost++; // finished: nothing to run again",
      },
    ],
    run: ['lost-map'],
    mustFail: ['lost-map'],
    reason:
      /^the map tasks of .* were never run again after worker \d+ \(pid \d+\), which had finished them, was killed/, // 40 s after the kill
  },
  {
    name: 'backups-from-start',
    description:
      'Hands a backup copy of a running task to any idle worker as soon as nothing is left to hand out, with no wait and no comparison with finished tasks: a job with no straggler runs tasks twice.',
    base: 'solution-challenge',
    edits: [
      {
        file: 'coordinator.ts',
        find: '    const slowAfter = Math.max(BACKUP_MIN_MS, BACKUP_FACTOR * median);',
        replace: '    const slowAfter = 0; // why wait: an idle worker costs nothing',
      },
    ],
    run: ['shuffle-wc'],
    mustFail: ['shuffle-wc'],
    // On a heavily loaded machine a late worker may get only backup copies and lose every race, so no reducer
    // fetches from it (seen once under load average 13): shuffle-wc checks for tasks run twice first, and asks
    // reducers to have fetched only from workers that alone finished some map task.
    reason: /ran on 2 workers/,
  },
  {
    name: 'no-backups',
    description:
      "Never starts a backup copy: a straggler's task goes to another worker only with the 10 s reassignment, so one slow worker holds up the end of the job.",
    base: 'solution-challenge',
    edits: [
      {
        file: 'coordinator.ts',
        find: '      const backup = args.address ? this.nextBackup() : undefined;',
        replace: '      const backup = undefined as Task | undefined; // the 10 s reassignment will do',
      },
    ],
    run: ['straggler'],
    mustFail: ['straggler'],
    reason: /no backup copy of the map task/,
  },
  {
    name: 'fetch-forever',
    description:
      'A reducer whose fetch from another worker fails waits a second and tries again, for ever, instead of telling the coordinator the worker is lost: when a map worker dies, its map tasks are never run again.',
    base: 'solution-challenge',
    edits: [
      {
        file: 'worker.ts',
        find: `failed: \${result.error}\`);
      return undefined;`,
        replace: `failed: \${result.error}; trying again\`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      continue; // it may be back`,
      },
    ],
    run: ['lost-map'],
    mustFail: ['lost-map'],
    reason:
      /^the map tasks of .* were never run again after worker \d+ \(pid \d+\), which had finished them, was killed/, // 40 s after the kill
  },
  // The challenge track's edges (grader/labs/mr/tiers/challenge-edges.ts): a long phase with no straggler, a part
  // larger than one fetch chunk, a lost worker that had finished a reduce task.
  {
    name: 'backup-by-phase-age',
    description:
      'Judges lateness by how long the phase has run, not by how long the task has: once the phase is older than three times a typical task (and 5 s), a running task gets a backup copy, so a long phase with no straggler runs its last tasks twice.',
    base: 'solution-challenge',
    edits: [
      {
        file: 'coordinator.ts',
        find: "    const task = tasks.find((t) => t.state === 'running' && !t.backedUp && now - t.startedAt > slowAfter);",
        replace: `    const phaseStart = Math.min(...tasks.map((t) => t.startedAt)); // the phase is late: back up what still runs
    const task = tasks.find((t) => t.state === 'running' && !t.backedUp && now - phaseStart > slowAfter);`,
      },
    ],
    run: ['late-phase'],
    mustFail: ['late-phase'],
    reason: /ran on 2 workers, .* in a job with no straggler/,
  },
  {
    name: 'chunks-decoded-one-by-one',
    description:
      'Decodes each chunk of a fetched part as it comes and joins the strings: a multi-byte character cut by a chunk boundary becomes U+FFFD.',
    base: 'solution-challenge',
    edits: [
      { file: 'worker.ts', find: '  const chunks: Buffer[] = [];', replace: '  const chunks: string[] = [];' },
      {
        file: 'worker.ts',
        find: '    chunks.push(result.reply.data);',
        replace: "    chunks.push(result.reply.data.toString('utf8'));",
      },
      {
        file: 'worker.ts',
        find: "    if (!result.reply.more) return Buffer.concat(chunks).toString('utf8');",
        replace: "    if (!result.reply.more) return chunks.join('');",
      },
    ],
    run: ['chunked-fetch'],
    mustFail: ['chunked-fetch'],
    reason: /U\+FFFD/,
  },
  {
    name: 'lost-worker-reduces-rerun',
    description:
      'When a worker is lost, every task it finished runs again, reduce tasks too: their output was already safe in the shared folder.',
    base: 'solution-challenge',
    edits: [
      {
        file: 'coordinator.ts',
        find: '    for (const task of this.mapTasks) {',
        replace: '    for (const task of [...this.mapTasks, ...this.reduceTasks]) {',
      },
    ],
    run: ['lost-after-reduce'],
    mustFail: ['lost-after-reduce'],
    reason: /which worker \d+ \(pid \d+\) had finished .* ran again/,
  },
];
