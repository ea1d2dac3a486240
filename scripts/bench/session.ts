// What one benchmark run holds and must give back however it ends (done,
// Ctrl-C, SIGTERM, an exception): the processes it started (the grader's
// Registry), the cgroups it made and its folders. One Session per run,
// passed to whoever starts or makes something.

import * as fs from 'fs';
import { Registry } from '../../grader/core/processes';
import { pause } from '../../grader/sandbox/reap';
import { Group, Hierarchy, Limits, makeGroup } from './cgroup';

/** A running grader, as far as the session is concerned. */
export interface Signallable {
  signal(signal: NodeJS.Signals): void;
}

export class Session {
  readonly registry = new Registry();
  private readonly graders = new Set<Signallable>();
  private readonly groups = new Set<Group>();
  private readonly folders: string[] = [];

  /** A folder removed at the end. */
  removeAtEnd(folder: string): string {
    this.folders.push(folder);
    return folder;
  }

  /**
   * Marks a running grader: at the end it gets SIGTERM first, so that it
   * ends its own processes (which are in process groups of their own).
   */
  async whileGrading<T>(grader: Signallable, until: Promise<T>): Promise<T> {
    this.graders.add(grader);
    try {
      return await until;
    } finally {
      this.graders.delete(grader);
    }
  }

  /**
   * Runs `body` with a group made for it, removed afterwards; when no group
   * can be made, `body` gets undefined and the reason, and decides what that means.
   */
  async inGroup<T>(
    hierarchy: Hierarchy,
    name: string,
    limits: Limits,
    body: (group: Group | undefined, why?: string) => Promise<T>,
  ): Promise<T> {
    let group: Group | undefined;
    let why: string | undefined;
    try {
      group = makeGroup(hierarchy, `${name}-${process.pid}`, limits);
      this.groups.add(group);
    } catch (err) {
      const kind = hierarchy.version === 'none' ? 'no cgroups' : `cgroup v${hierarchy.version}`;
      why = `${kind}: ${(err as Error).message}`;
    }
    try {
      return await body(group, why);
    } finally {
      if (group) {
        group.remove();
        this.groups.delete(group);
      }
    }
  }

  /** Ends everything. Synchronous: it also runs from exit and signal handlers. */
  close(): void {
    for (const grader of this.graders) grader.signal('SIGTERM');
    if (this.graders.size > 0) pause(1500);
    this.registry.close();
    for (const group of this.groups) group.remove();
    this.groups.clear();
    for (const folder of this.folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
  }
}
