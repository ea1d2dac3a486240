// Reading tsc's source maps (no dependency): from a line and column of a
// compiled .js file to the line of the .ts file it came from, so that every
// message names the student's own file.

import * as fs from 'fs';
import * as path from 'path';

export interface SourcePosition {
  /** Absolute path of the source file. */
  source: string;
  line: number;
}

interface Mapping {
  sources: string[];
  /** Per generated line: [generated column, source index, source line, source column], all from 0. */
  lines: number[][][];
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export class SourceMaps {
  private readonly maps = new Map<string, Mapping | null>();

  /** The source position of a 1-based line and column in `file`, or null when it has no map. */
  lookup(file: string, line: number, column: number): SourcePosition | null {
    const mapping = this.mappingOf(file);
    const segments = mapping?.lines[line - 1];
    if (!mapping || !segments || segments.length === 0) return null;
    let best = segments[0];
    for (const segment of segments) if (segment[0] <= column - 1) best = segment;
    return { source: mapping.sources[best[1]], line: best[2] + 1 };
  }

  private mappingOf(file: string): Mapping | null {
    let mapping = this.maps.get(file);
    if (mapping === undefined) {
      mapping = readMap(`${file}.map`);
      this.maps.set(file, mapping);
    }
    return mapping;
  }
}

function readMap(mapFile: string): Mapping | null {
  let raw: { sources?: string[]; sourceRoot?: string; mappings?: string };
  try {
    raw = JSON.parse(fs.readFileSync(mapFile, 'utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(raw.sources) || typeof raw.mappings !== 'string') return null;
  const root = path.resolve(path.dirname(mapFile), raw.sourceRoot ?? '');
  return { sources: raw.sources.map((source) => path.resolve(root, source)), lines: decodeMappings(raw.mappings) };
}

/** The mappings string: lines split by ';', segments by ',', each a run of base64 VLQs relative to the last. */
export function decodeMappings(mappings: string): number[][][] {
  const lines: number[][][] = [];
  let source = 0;
  let sourceLine = 0;
  let sourceColumn = 0;
  for (const line of mappings.split(';')) {
    const segments: number[][] = [];
    let column = 0;
    for (const text of line.split(',')) {
      if (!text) continue;
      const fields = decodeVlq(text);
      column += fields[0];
      if (fields.length >= 4) {
        source += fields[1];
        sourceLine += fields[2];
        sourceColumn += fields[3];
        segments.push([column, source, sourceLine, sourceColumn]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

function decodeVlq(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}
