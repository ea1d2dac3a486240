// Cgroups for the benchmark: a group to measure the peak memory of a whole
// process tree (the course suite), optionally with Gradescope's limits of
// half a CPU and 768 MB. Current Linux mounts cgroup v2 (one unified tree);
// older systems mount v1 (a tree per controller), which we fall back to.
//
// Everything takes the cgroup root as a parameter, so that the tests can
// hand it a fake tree that looks like /sys/fs/cgroup.

import * as fs from 'fs';
import * as path from 'path';
import { reap, removeCgroups } from '../../grader/sandbox/reap';

export const CGROUP_ROOT = '/sys/fs/cgroup';

/** What the machine lets us use, decided from the file system layout alone. */
export type Hierarchy =
  | { version: 2; root: string }
  /** v1: our own folder in each controller's tree that is mounted. */
  | { version: 1; root: string; memory?: string; cpu?: string }
  | { version: 'none'; reason: string };

/**
 * v2 when the root is the unified tree (it has cgroup.controllers); else
 * v1's memory and cpu trees, at our own place in each as /proc/self/cgroup
 * names it. A hybrid machine (v1 trees and a v2 tree at unified/ holding no
 * controllers) is v1.
 */
export function detectHierarchy(root: string = CGROUP_ROOT, selfCgroup: string = readSelfCgroup()): Hierarchy {
  if (fs.existsSync(path.join(root, 'cgroup.controllers'))) return { version: 2, root };
  const own = (controller: string, marker: string): string | undefined => {
    const folder = path.join(root, controller, ...ownPath(selfCgroup, controller).split('/').filter(Boolean));
    return fs.existsSync(path.join(folder, marker)) ? folder : undefined;
  };
  const memory = own('memory', 'memory.max_usage_in_bytes');
  const cpu = own('cpu', 'cpu.cfs_quota_us');
  if (memory || cpu) return { version: 1, root, memory, cpu };
  return {
    version: 'none',
    reason: `no cgroup mounted at ${root} (neither v2's cgroup.controllers nor v1's memory or cpu tree)`,
  };
}

function readSelfCgroup(): string {
  try {
    return fs.readFileSync('/proc/self/cgroup', 'utf8');
  } catch {
    return '';
  }
}

/** Our path in a v1 controller's tree, from /proc/self/cgroup lines "4:memory:/a/b"; "/" when not listed. */
export function ownPath(selfCgroup: string, controller: string): string {
  for (const line of selfCgroup.split('\n')) {
    const [, controllers, at] = line.split(':');
    if (controllers !== undefined && controllers.split(',').includes(controller)) return at || '/';
  }
  return '/';
}

export interface Limits {
  /** Record the group's peak memory (without a limit, this alone asks for a memory group). */
  measureMemory?: boolean;
  memoryMaxBytes?: number;
  /** CPU bandwidth: `quotaUs` of CPU time in every `periodUs`. */
  cpu?: { quotaUs: number; periodUs: number };
}

/** A group the benchmark made: one folder (v2) or one per controller (v1). */
export class Group {
  private polledPeak = 0;
  private poller?: NodeJS.Timeout;

  constructor(
    readonly version: 1 | 2,
    /** Every folder, the memory one (if any) first. */
    readonly folders: string[],
    readonly memoryFolder: string | undefined,
  ) {
    // A v2 kernel older than 5.19 has no memory.peak: sample memory.current instead.
    if (version === 2 && memoryFolder && !fs.existsSync(path.join(memoryFolder, 'memory.peak'))) {
      this.poller = setInterval(() => this.samplePeak(), 100);
      this.poller.unref();
    }
  }

  /** A shell prefix (for `sh -c`) that moves the shell into the group, then execs "$@". */
  enterCommand(): string {
    return this.folders.map((d) => `echo $$ > '${d}/cgroup.procs' && `).join('') + 'exec "$@"';
  }

  /** The most memory the group has used (bytes, page cache included), when it measures memory. */
  peakMemory(): number | undefined {
    if (!this.memoryFolder) return undefined;
    if (this.version === 1) return readNumber(path.join(this.memoryFolder, 'memory.max_usage_in_bytes'));
    const peak = readNumber(path.join(this.memoryFolder, 'memory.peak'));
    if (peak !== undefined) return peak;
    this.samplePeak();
    return this.polledPeak || undefined;
  }

  /** How often the group hit its memory limit, and how many processes the OOM killer ended in it. */
  memoryPressure(): { limitHits?: number; oomKills?: number } {
    if (!this.memoryFolder) return {};
    if (this.version === 1) {
      const oom = /^oom_kill (\d+)/m.exec(readText(path.join(this.memoryFolder, 'memory.oom_control')));
      return {
        limitHits: readNumber(path.join(this.memoryFolder, 'memory.failcnt')) ?? 0,
        oomKills: oom ? Number(oom[1]) : undefined,
      };
    }
    const events = readText(path.join(this.memoryFolder, 'memory.events'));
    const count = (key: string): number | undefined => {
      const m = new RegExp(`^${key} (\\d+)`, 'm').exec(events);
      return m ? Number(m[1]) : undefined;
    };
    return { limitHits: count('max') ?? 0, oomKills: count('oom_kill') };
  }

  /**
   * Kills whatever is still inside (only the benchmark's processes: the
   * group was empty when made) and removes the folders, the ones the grader
   * made inside first. Synchronous, so that exit handlers can call it too.
   */
  remove(): void {
    if (this.poller) clearInterval(this.poller);
    const all = this.folders.flatMap((f) => [...subfolders(f), f]);
    reap({ cgroups: all }, 3000);
    removeCgroups(all);
  }

  private samplePeak(): void {
    if (!this.memoryFolder) return;
    this.polledPeak = Math.max(this.polledPeak, readNumber(path.join(this.memoryFolder, 'memory.current')) ?? 0);
  }
}

/**
 * Makes a group named `name` with `limits`. Throws an Error whose message
 * says why not (nothing mounted, a controller missing, not permitted, v2's
 * rules), for the report to show as the reason a part was skipped.
 */
export function makeGroup(hierarchy: Hierarchy, name: string, limits: Limits): Group {
  if (hierarchy.version === 'none') throw new Error(hierarchy.reason);
  try {
    return hierarchy.version === 2 ? makeV2(hierarchy.root, name, limits) : makeV1(hierarchy, name, limits);
  } catch (err) {
    throw new Error(explain(err));
  }
}

/**
 * v2: a child of the root, which is exempt from the rule that a group with
 * processes of its own may not hand controllers to its children (our own
 * group has us in it). The controllers must be enabled in the root's
 * cgroup.subtree_control for the child to have their files.
 */
function makeV2(root: string, name: string, limits: Limits): Group {
  const wanted = [...(limits.cpu ? ['cpu'] : []), ...(limits.measureMemory || limits.memoryMaxBytes ? ['memory'] : [])];
  const available = words(readText(path.join(root, 'cgroup.controllers')));
  const missing = wanted.filter((c) => !available.includes(c));
  if (missing.length) throw new Error(`cgroup v2 at ${root} offers no ${missing.join(' or ')} controller`);
  const subtree = path.join(root, 'cgroup.subtree_control');
  const toEnable = wanted.filter((c) => !words(readText(subtree)).includes(c));
  if (toEnable.length) fs.writeFileSync(subtree, toEnable.map((c) => `+${c}`).join(' '));

  const folder = path.join(root, name);
  fs.mkdirSync(folder);
  const group = new Group(2, [folder], wanted.includes('memory') ? folder : undefined);
  try {
    if (limits.memoryMaxBytes) {
      fs.writeFileSync(path.join(folder, 'memory.max'), String(limits.memoryMaxBytes));
      // Like v1's memsw limit: the limit is on memory, not on memory plus swap.
      writeIfThere(path.join(folder, 'memory.swap.max'), '0');
    }
    if (limits.cpu) fs.writeFileSync(path.join(folder, 'cpu.max'), `${limits.cpu.quotaUs} ${limits.cpu.periodUs}`);
    return group;
  } catch (err) {
    group.remove();
    throw err;
  }
}

/** v1: a folder in each controller's tree, under our own, so it stays inside whatever limits the benchmark has. */
function makeV1(hierarchy: { root: string; memory?: string; cpu?: string }, name: string, limits: Limits): Group {
  const wantMemory = !!(limits.measureMemory || limits.memoryMaxBytes);
  if (wantMemory && !hierarchy.memory) throw new Error(`no cgroup v1 memory controller under ${hierarchy.root}`);
  if (limits.cpu && !hierarchy.cpu) throw new Error(`no cgroup v1 cpu controller under ${hierarchy.root}`);
  const made: string[] = [];
  const memory = wantMemory ? path.join(hierarchy.memory!, name) : undefined;
  const cpu = limits.cpu ? path.join(hierarchy.cpu!, name) : undefined;
  try {
    if (memory) {
      fs.mkdirSync(memory);
      made.push(memory);
      if (limits.memoryMaxBytes) {
        fs.writeFileSync(path.join(memory, 'memory.limit_in_bytes'), String(limits.memoryMaxBytes));
        // The limit covers swap too, where the kernel accounts it.
        writeIfThere(path.join(memory, 'memory.memsw.limit_in_bytes'), String(limits.memoryMaxBytes));
      }
    }
    if (cpu && limits.cpu) {
      fs.mkdirSync(cpu);
      made.push(cpu);
      fs.writeFileSync(path.join(cpu, 'cpu.cfs_period_us'), String(limits.cpu.periodUs));
      fs.writeFileSync(path.join(cpu, 'cpu.cfs_quota_us'), String(limits.cpu.quotaUs));
    }
    return new Group(1, made, memory);
  } catch (err) {
    new Group(1, made, undefined).remove();
    throw err;
  }
}

/** One line: the file and what the kernel said, and what usually causes it. */
function explain(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (!e.code) return e.message;
  const where = e.path ?? 'a cgroup file';
  if ((e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS') && process.getuid?.() !== 0) {
    return `${e.code} on ${where} (needs root)`;
  }
  if (e.code === 'EBUSY' && where.endsWith('cgroup.subtree_control')) {
    return `EBUSY on ${where} (cgroup v2 gives no controllers to children of a group that holds processes)`;
  }
  return `${e.code} on ${where}`;
}

/** Folders below `folder`, deepest first. */
function subfolders(folder: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory())
    .flatMap((e) => [...subfolders(path.join(folder, e.name)), path.join(folder, e.name)]);
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function readNumber(file: string): number | undefined {
  const text = readText(file).trim();
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

function words(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

function writeIfThere(file: string, value: string): void {
  if (fs.existsSync(file)) fs.writeFileSync(file, value);
}
