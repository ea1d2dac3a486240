// Finding the student's line in a stack: the first frame in the build that
// is not the kit's own code, mapped back to its .ts file and line. (Where
// something like source-map-support already mapped a frame to its .ts
// file, that file is taken if the build holds its compiled twin.)

import * as fs from 'fs';
import * as path from 'path';
import { SourceMaps } from './source-map';

export interface Frame {
  file: string;
  line: number;
  column: number;
}

export class Locator {
  private readonly maps = new SourceMaps();
  private readonly kitDirs = ['src/labrpc', 'src/kit'].map((dir) => dir + path.sep);

  /** `build` holds the compiled files; names are shown relative to `sourceRoot`. */
  constructor(private readonly build: string, private readonly sourceRoot: string) {}

  /** "src/raft/raft.ts:120" for the first student frame, or null. */
  where(frames: Frame[]): string | null {
    for (const frame of frames) {
      const file = frame.file.startsWith('file://') ? decodeURIComponent(frame.file.slice(7)) : frame.file;
      const inBuild = path.relative(this.build, file);
      if (!inBuild.startsWith('..') && !path.isAbsolute(inBuild)) {
        if (this.isKit(inBuild)) continue;
        const position = this.maps.lookup(file, frame.line, frame.column);
        if (position) return `${path.relative(this.sourceRoot, position.source)}:${position.line}`;
        return `${inBuild}:${frame.line}`;
      }
      const source = path.relative(this.sourceRoot, file);
      const compiled = path.join(this.build, source.replace(/\.ts$/, '.js'));
      if (file.endsWith('.ts') && !source.startsWith('..') && !this.isKit(source) && fs.existsSync(compiled)) {
        return `${source}:${frame.line}`;
      }
    }
    return null;
  }

  private isKit(relative: string): boolean {
    return this.kitDirs.some((dir) => relative.startsWith(dir));
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
