// The coordinator: hands out map and reduce tasks and notices when the
// whole job is done. main/mrcoordinator.ts makes one with makeCoordinator()
// and polls done() until it returns true.
//
// Reference solution of the challenge track (the paper's MapReduce), which
// also passes the course's tests. As in the course's: every task moves
// idle -> running -> done, and a running task whose worker has not reported
// within TASK_TIMEOUT_MS goes back to idle. Beyond it:
// - a finished map task's output lives on the disk of the worker that ran it
//   (its address); a reduce task is told where each part is;
// - a reducer that cannot reach a worker reports it "lost": the map tasks
//   that worker finished go back to idle, as long as a reduce task still
//   needs them (finished reduce tasks are safe in the shared folder);
// - near the end of a phase (nothing left to hand out) a task running far
//   longer than its finished siblings gets one backup copy on an idle
//   worker; whichever copy reports first wins. Only in the challenge's mode:
//   in the course's (workers with no address) the course's rule 7 holds whole.

import type { Server } from '@grpc/grpc-js';
import type {
  ExampleArgs,
  ExampleReply,
  Handlers,
  ReportReply,
  TaskKind,
  TaskReply,
  TaskReport,
  TaskRequest,
} from './rpc';
import { serve, stopServing } from './transport';

/** How long a task may run before it is handed to another worker. */
const TASK_TIMEOUT_MS = 10_000;
/** How long a RequestTask call waits for a task before answering "wait". */
const LONG_POLL_MS = 2_000;
/** A backup copy starts once a task has run this many times longer than the median finished task of its phase... */
const BACKUP_FACTOR = 3;
/** ...and at least this long: a short job must never run a task twice. */
const BACKUP_MIN_MS = 5_000;

type TaskState = 'idle' | 'running' | 'done';

interface Task {
  kind: TaskKind;
  id: number;
  file: string; // map tasks only
  state: TaskState;
  attempt: number; // bumped on every hand-out, so a stale timer can tell it is stale
  startedAt: number; // of the latest hand-out
  backedUp: boolean; // a backup copy of the current run has been handed out
  doneBy: string; // map tasks: the address of the worker whose disk holds the output
  tookMs: number; // how long the run that finished took
}

export class Coordinator {
  private server?: Server;
  private readonly mapTasks: Task[];
  private readonly reduceTasks: Task[];
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Wake-up calls of RequestTask calls waiting for something to change. */
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly endpoint: string,
    files: string[] = [],
    readonly nReduce = 0,
  ) {
    const task = (kind: TaskKind, id: number, file = ''): Task => ({
      kind,
      id,
      file,
      state: 'idle',
      attempt: 0,
      startedAt: 0,
      backedUp: false,
      doneBy: '',
      tookMs: 0,
    });
    this.mapTasks = files.map((file, id) => task('map', id, file));
    this.reduceTasks = Array.from({ length: nReduce }, (_, id) => task('reduce', id));
  }

  /** An example RPC handler: the reply's y is the request's x plus one. */
  example(args: ExampleArgs): ExampleReply {
    return { y: args.x + 1 };
  }

  /** RequestTask: a task to run, or "wait", or "exit" once the job is done. */
  async requestTask(args: TaskRequest): Promise<TaskReply> {
    const giveUpAt = Date.now() + LONG_POLL_MS;
    for (;;) {
      if (this.done()) return this.reply('exit');
      const task = this.nextIdleTask();
      if (task) return this.assign(task);
      // Backups are the challenge's: a worker in the course's mode (no address: it serves nobody) gets none.
      const backup = args.address ? this.nextBackup() : undefined;
      if (backup) return this.reply(backup.kind, backup); // the first run keeps its timer
      const left = giveUpAt - Date.now();
      if (left <= 0) return this.reply('wait');
      await this.changeOrTimeout(Math.min(left, 500)); // also to see a straggler grow late
    }
  }

  /** ReportTask: a task's output is in place (the first report wins), or a worker could not be reached. */
  reportTask(args: TaskReport): ReportReply {
    if (args.kind === 'lost') {
      this.lose(args.address);
      return {};
    }
    const tasks = args.kind === 'map' ? this.mapTasks : this.reduceTasks;
    const task = tasks[args.task];
    if (task && task.state !== 'done') {
      task.state = 'done';
      task.doneBy = args.address;
      task.tookMs = Date.now() - task.startedAt;
      this.notifyWaiters();
    }
    return {};
  }

  /** main/mrcoordinator.ts calls done() periodically: true once the entire job has finished. */
  done(): boolean {
    return this.reduceTasks.every((t) => t.state === 'done');
  }

  /** Starts serving RPCs on the endpoint: one handler per rpc of mr.proto (see Rpcs in rpc.ts). */
  async startServer(): Promise<void> {
    const handlers: Handlers = {
      Example: (args: ExampleArgs) => this.example(args),
      RequestTask: (args: TaskRequest) => this.requestTask(args),
      ReportTask: (args: TaskReport) => this.reportTask(args),
    };
    this.server = await serve(this.endpoint, handlers);
  }

  /** Stops serving; main/mrcoordinator.ts calls this just before it exits. */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.notifyWaiters();
    if (this.server) stopServing(this.server, this.endpoint);
  }

  /**
   * The worker at `address` is gone, and its disk with it: the map tasks it
   * finished run again, if a reduce task still needs them. (In the course's
   * mode there are no addresses, and nothing is ever lost.)
   */
  private lose(address: string): void {
    if (!address || this.done()) return;
    let lost = 0;
    for (const task of this.mapTasks) {
      if (task.state === 'done' && task.doneBy === address) {
        task.state = 'idle';
        task.doneBy = '';
        lost++;
      }
    }
    if (lost > 0) {
      console.log(`coordinator: the worker at ${address} is gone: its ${lost} finished map tasks run again`);
      this.notifyWaiters();
    }
  }

  /** Map tasks first; reduce tasks only once every map task is done. */
  private nextIdleTask(): Task | undefined {
    return this.phase().find((t) => t.state === 'idle');
  }

  private phase(): Task[] {
    return this.mapTasks.every((t) => t.state === 'done') ? this.reduceTasks : this.mapTasks;
  }

  /** Near the end of a phase, a running task far slower than its finished siblings: give it a second copy, once. */
  private nextBackup(): Task | undefined {
    const tasks = this.phase();
    const took = tasks
      .filter((t) => t.state === 'done')
      .map((t) => t.tookMs)
      .sort((a, b) => a - b);
    if (took.length === 0) return undefined;
    const median = took[Math.floor(took.length / 2)];
    const slowAfter = Math.max(BACKUP_MIN_MS, BACKUP_FACTOR * median);
    const now = Date.now();
    const task = tasks.find((t) => t.state === 'running' && !t.backedUp && now - t.startedAt > slowAfter);
    if (task) task.backedUp = true;
    return task;
  }

  private assign(task: Task): TaskReply {
    task.state = 'running';
    task.startedAt = Date.now();
    task.backedUp = false;
    const attempt = ++task.attempt;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (task.state === 'running' && task.attempt === attempt) {
        task.state = 'idle'; // presumed dead: someone else may have it
        this.notifyWaiters();
      }
    }, TASK_TIMEOUT_MS);
    this.timers.add(timer);
    return this.reply(task.kind, task);
  }

  private reply(kind: TaskReply['kind'], task?: Task): TaskReply {
    return {
      kind,
      task: task?.id ?? 0,
      file: task?.file ?? '',
      n_map: this.mapTasks.length,
      n_reduce: this.nReduce,
      locations: kind === 'reduce' ? this.mapTasks.map((t) => t.doneBy) : [],
    };
  }

  /** Resolves when a task changes state, or after `ms`, whichever comes first. */
  private changeOrTimeout(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waiters.add(wake);
    });
  }

  private notifyWaiters(): void {
    for (const wake of [...this.waiters]) wake();
  }
}

/**
 * Makes a coordinator for a job over `files` (one map task per file) with
 * nReduce reduce tasks. main/mrcoordinator.ts calls this function.
 */
export async function makeCoordinator(endpoint: string, files: string[], nReduce: number): Promise<Coordinator> {
  const c = new Coordinator(endpoint, files, nReduce);
  await c.startServer();
  return c;
}
