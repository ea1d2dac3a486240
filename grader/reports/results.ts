// Results, and the files they can be written to: our own JSON, a
// Gradescope results.json, and JUnit XML.

import * as fs from 'fs';
import * as path from 'path';
import { DISPLAY_NAMES, TEST_IDS, TestId } from '../labs/mr/catalog';
import { writeAtomic } from '../sandbox/files';
import { UsageError } from '../core/options';
import { escapeMarkup } from '../../src/kit/escape';

export interface TestResult {
  id: TestId;
  name: string; // the course's name: "map parallelism"
  run: number; // 1-based
  passed: boolean;
  durationMs: number;
  notes: string[]; // the diagnosis of a failure
  dir?: string; // the kept test directory
  seed?: string; // the crash test's seed
  skipped?: string; // why the test could not run here (it counts as passed, and earns no points)
}

export interface RunResult {
  run: number;
  seed: string;
  durationMs: number;
  tests: TestResult[];
}

export interface Summary {
  kit: string;
  impl: string;
  inputs: string[];
  seed: string;
  startedAt: string;
  durationMs: number;
  build: { ok: boolean; message: string; changedProvided?: string[] };
  runs: RunResult[];
  pids: number[]; // every process the grader started
  passed: boolean;
  /** What separates the grader from the student's processes (sandbox/wall.ts), in one line. */
  wall?: string;
  /** The grader's own peak resident memory. */
  graderPeakRssMb?: number;
}

export type Points = Record<TestId, number>;

/** Reads grader/points.json: {"wc": 10, ...}; a missing test is worth 0. */
export function readPoints(kit: string): Points {
  const file = path.join(kit, 'grader', 'labs', 'mr', 'points.json');
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`${file} must hold an object such as {"wc": 10, ...}`);
  }
  const points = {} as Points;
  for (const id of TEST_IDS) points[id] = 0;
  for (const [key, value] of Object.entries(data)) {
    if (!(TEST_IDS as readonly string[]).includes(key)) {
      throw new UsageError(`${file}: unknown test "${key}" (tests: ${TEST_IDS.join(', ')})`);
    }
    if (typeof value !== 'number' || !(value >= 0)) throw new UsageError(`${file}: "${key}" must be a number >= 0`);
    points[key as TestId] = value;
  }
  return points;
}

/** Per test, over all runs: passed only if every run passed. */
function byTest(summary: Summary): { id: TestId; results: TestResult[] }[] {
  const ids = TEST_IDS.filter((id) => summary.runs.some((r) => r.tests.some((t) => t.id === id)));
  return ids.map((id) => ({ id, results: summary.runs.flatMap((r) => r.tests.filter((t) => t.id === id)) }));
}

function describe(t: TestResult, many: boolean): string {
  const verdict = t.skipped ? 'SKIP' : t.passed ? 'PASS' : 'FAIL';
  const head = `${many ? `run ${t.run}: ` : ''}${verdict} (${(t.durationMs / 1000).toFixed(1)} s)`;
  return [
    head,
    ...(t.skipped ? [`  ${t.skipped}`] : []),
    ...t.notes.map((n) => `  ${n}`),
    ...(t.dir ? [`  artifacts: ${t.dir}`] : []),
  ].join('\n');
}

export function writeJson(file: string, summary: Summary): void {
  writeAtomic(file, JSON.stringify(summary, null, 2) + '\n');
}

/**
 * A Gradescope results.json. `selected`: every test of the run, so that a
 * report written before the end (after each test) lists those not run yet,
 * at 0 points, should the grader never finish.
 */
export function writeGradescope(file: string, summary: Summary, points: Points, selected: TestId[] = []): void {
  const many = summary.runs.length > 1;
  const ran = byTest(summary);
  const notRun = selected.filter((id) => !ran.some((t) => t.id === id));
  const tests = ran.map(({ id, results }) => {
    const passed = results.every((t) => t.passed);
    const skipped = results.some((t) => t.skipped);
    const failures = results.filter((t) => !t.passed).length;
    return {
      name: `${DISPLAY_NAMES[id]} test`,
      score: passed && !skipped ? points[id] : 0,
      max_score: points[id],
      status: passed ? 'passed' : 'failed',
      output: [
        ...(many ? [`${failures}/${results.length} runs failed`] : []),
        ...results.filter((t) => (many ? !t.passed : true)).map((t) => describe(t, many)),
      ].join('\n'),
    };
  });
  for (const id of notRun) {
    tests.push({
      name: `${DISPLAY_NAMES[id]} test`,
      score: 0,
      max_score: points[id],
      status: 'failed',
      output: 'not run: the grader stopped before it',
    });
  }
  const result = {
    score: tests.reduce((sum, t) => sum + t.score, 0),
    execution_time: Math.round(summary.durationMs / 1000),
    output: summary.build.ok ? '' : `The implementation did not compile:\n${summary.build.message}`,
    tests,
  };
  writeAtomic(file, JSON.stringify(result, null, 2) + '\n');
}

export function writeJunit(file: string, summary: Summary): void {
  const xml: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const all = summary.runs.flatMap((r) => r.tests);
  xml.push(
    `<testsuites name="test-mr" tests="${all.length}" failures="${all.filter((t) => !t.passed).length}" ` +
      `time="${secs(summary.durationMs)}">`,
  );
  for (const run of summary.runs) {
    const failures = run.tests.filter((t) => !t.passed).length;
    const skipped = run.tests.filter((t) => t.skipped).length;
    const name = summary.runs.length > 1 ? `test-mr run ${run.run}` : 'test-mr';
    xml.push(
      `  <testsuite name="${escapeMarkup(name)}" tests="${run.tests.length}" failures="${failures}" errors="0" skipped="${skipped}" ` +
        `time="${secs(run.durationMs)}">`,
    );
    for (const t of run.tests) {
      const open = `    <testcase classname="mr" name="${escapeMarkup(t.name)}" time="${secs(t.durationMs)}"`;
      if (t.skipped) {
        xml.push(`${open}>`, `      <skipped message="${escapeMarkup(t.skipped)}"/>`, '    </testcase>');
        continue;
      }
      if (t.passed) {
        xml.push(`${open}/>`);
        continue;
      }
      const body = [...t.notes, ...(t.dir ? [`artifacts: ${t.dir}`] : [])].join('\n');
      xml.push(`${open}>`);
      xml.push(
        `      <failure message="${escapeMarkup(t.notes[0] ?? 'failed')}" type="TestFailure">${escapeMarkup(body)}</failure>`,
      );
      xml.push('    </testcase>');
    }
    xml.push('  </testsuite>');
  }
  xml.push('</testsuites>');
  writeAtomic(file, xml.join('\n') + '\n');
}

function secs(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** The --many table: per test, failures/runs and mean time. */
export function manyTable(summary: Summary): string[] {
  const rows = byTest(summary).map(({ id, results }) => {
    const failed = results.filter((t) => !t.passed).length;
    const mean = results.reduce((s, t) => s + t.durationMs, 0) / results.length / 1000;
    return [DISPLAY_NAMES[id], `${failed}/${results.length}`, `${mean.toFixed(1)} s`];
  });
  const header = ['test', 'failed', 'mean time'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)];
}
