// Finding the student's line in a stack: the first frame in the build that
// is not the kit's own code, mapped back to its .ts file and line.

import * as path from 'path';
import { SourceMaps } from './source-map';

export interface Frame {
  file: string;
  line: number;
  column: number;
}

export class Locator {
  private readonly maps = new SourceMaps();
  private readonly kitDirs: string[];

  /** `build` holds the compiled files; names are shown relative to `sourceRoot`. */
  constructor(private readonly build: string, private readonly sourceRoot: string) {
    this.kitDirs = ['src/labrpc', 'src/kit'].map((dir) => path.join(build, dir) + path.sep);
  }

  /** "src/raft/raft.ts:120" for the first student frame, or null. */
  where(frames: Frame[]): string | null {
    for (const frame of frames) {
      const file = frame.file.startsWith('file://') ? decodeURIComponent(frame.file.slice(7)) : frame.file;
      if (!file.startsWith(this.build + path.sep) || this.kitDirs.some((dir) => file.startsWith(dir))) continue;
      const position = this.maps.lookup(file, frame.line, frame.column);
      if (position) return `${path.relative(this.sourceRoot, position.source)}:${position.line}`;
      return `${path.relative(this.sourceRoot, file)}:${frame.line}`;
    }
    return null;
  }
}

/** Frames of a formatted stack ("    at fn (/abs/file.js:12:5)"). */
export function parseStack(stack: string): Frame[] {
  const frames: Frame[] = [];
  for (const line of stack.split('\n')) {
    const match = /\(?((?:file:\/\/)?\/[^():]*):(\d+):(\d+)\)?\s*$/.exec(line);
    if (match && /^\s*at /.test(line)) frames.push({ file: match[1], line: Number(match[2]), column: Number(match[3]) });
  }
  return frames;
}

/** Frames of the current stack, read as structured call sites (whatever formats stacks in this realm). */
export function currentFrames(): Frame[] {
  const saved = { prepare: Error.prepareStackTrace, limit: Error.stackTraceLimit };
  Error.prepareStackTrace = (_error, sites) => sites;
  Error.stackTraceLimit = 64;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  Error.captureStackTrace(holder, currentFrames);
  const sites = holder.stack ?? [];
  Error.prepareStackTrace = saved.prepare;
  Error.stackTraceLimit = saved.limit;
  return sites.map((site) => ({ file: site.getFileName() ?? '', line: site.getLineNumber() ?? 0, column: site.getColumnNumber() ?? 0 }));
}
