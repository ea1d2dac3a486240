// Bulk grading's report: OUT/grades.csv (a row per student: status, score,
// points per test, time, the kit's files they changed, a message) and
// OUT/grades.json (the same, with each test's notes, seed and replay).

import * as fs from 'fs';
import * as path from 'path';

export interface StudentTest {
  id: string;
  status: string;
  passed: boolean;
  points: number;
  maxPoints: number;
  durationMs: number;
  notes: string[];
  seed?: string;
  /** Re-runs this test of this student by hand, from the kit's folder. */
  replay?: string;
  /** Where the test's kept folder (logs, timeline) was copied, under OUT. */
  kept?: string;
}

export interface StudentGrade {
  student: string;
  status: 'graded' | 'no-folder' | 'build-failed' | 'grader-error';
  score: number;
  maxScore: number;
  tests: StudentTest[];
  durationMs: number;
  /** Files of the kit the submission changed (graded with the kit's copies). */
  changedKitFiles: string[];
  message: string;
  /** The student's folder of the lab in the submission, as graded. */
  folder?: string;
  /** The student's grader's peak memory. */
  graderPeakRssMb?: number;
}

export function writeBulkReport(out: string, tests: string[], grades: StudentGrade[]): void {
  fs.writeFileSync(path.join(out, 'grades.json'), JSON.stringify({ tests, students: grades }, null, 2) + '\n');
  fs.writeFileSync(path.join(out, 'grades.csv'), toCsv(grades, tests));
}

function toCsv(grades: StudentGrade[], tests: string[]): string {
  const header = ['student', 'status', 'score', 'max_score', ...tests, 'seconds', 'changed_kit_files', 'message'];
  const rows = grades.map((g) => [
    g.student,
    g.status,
    String(g.score),
    String(g.maxScore),
    ...tests.map((id) => String(g.tests.find((t) => t.id === id)?.points ?? 0)),
    (g.durationMs / 1000).toFixed(1),
    g.changedKitFiles.join(' '),
    g.message,
  ]);
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
