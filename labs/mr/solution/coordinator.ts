// The coordinator: hands out map and reduce tasks and notices when the
// whole job is done. main/mrcoordinator.ts makes one with makeCoordinator()
// and polls done() until it returns true.
//
// Reference solution. Every task moves idle -> running -> done. A running
// task whose worker has not reported within TASK_TIMEOUT_MS goes back to
// idle, so another worker gets it: the coordinator cannot tell a crashed
// worker from a slow one, and does not need to.

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

type TaskState = 'idle' | 'running' | 'done';

interface Task {
  kind: TaskKind;
  id: number;
  file: string; // map tasks only
  state: TaskState;
  attempt: number; // bumped on every hand-out, so a stale timer can tell it is stale
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
    this.mapTasks = files.map((file, id) => ({ kind: 'map', id, file, state: 'idle', attempt: 0 }));
    this.reduceTasks = Array.from({ length: nReduce }, (_, id) => ({
      kind: 'reduce' as const,
      id,
      file: '',
      state: 'idle' as const,
      attempt: 0,
    }));
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
      const left = giveUpAt - Date.now();
      if (left <= 0) return this.reply('wait');
      await this.changeOrTimeout(left);
    }
  }

  /** ReportTask: a task's output is in place. The first report wins; later ones are ignored. */
  reportTask(args: TaskReport): ReportReply {
    const tasks = args.kind === 'map' ? this.mapTasks : this.reduceTasks;
    const task = tasks[args.task];
    if (task && task.state !== 'done') {
      task.state = 'done';
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

  /** Map tasks first; reduce tasks only once every map task is done. */
  private nextIdleTask(): Task | undefined {
    const mapsDone = this.mapTasks.every((t) => t.state === 'done');
    const tasks = mapsDone ? this.reduceTasks : this.mapTasks;
    return tasks.find((t) => t.state === 'idle');
  }

  private assign(task: Task): TaskReply {
    task.state = 'running';
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
