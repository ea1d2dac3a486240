// A test's outcome, typed: passed (perhaps with notes), failed (with the
// diagnosis), skipped (this machine cannot run it, and says why), or a
// harness error: the grader itself broke. A harness error is never the
// student's failure: it earns no points (nothing was verified), every
// report says "grader error, not your fault", and the grader exits 2.

/** A failed check: what was expected, what was found. */
export class TestFailure extends Error {
  constructor(readonly notes: string[]) {
    super(notes[0] ?? 'failed');
  }
}

/** Fails the test with these lines of diagnosis. */
export function fail(...notes: string[]): never {
  throw new TestFailure(notes);
}

/** A test that cannot run on this machine (it says why): neither passed nor failed, and worth no points. */
export class TestSkipped extends Error {}

export type Outcome =
  | { readonly status: 'passed'; readonly notes: string[] }
  | { readonly status: 'failed'; readonly notes: string[] }
  | { readonly status: 'skipped'; readonly why: string }
  | { readonly status: 'error'; readonly message: string };

export const HARNESS_ERROR = 'grader error, not your fault';

export function passed(notes: string[] = []): Outcome {
  return { status: 'passed', notes };
}

export function failed(notes: string[]): Outcome {
  return { status: 'failed', notes: notes.length ? notes : ['failed'] };
}

/**
 * The outcome of a run that broke a budget: the breach is the cause, and the
 * first thing the test saw after it follows as "then". A budget the machine
 * broke (its OOM killer, with the test within its limit) is the grader's error.
 */
export function outcomeOfBreach(breach: { line: string; byMachine?: boolean }, after: Outcome): Outcome {
  const then = after.status === 'passed' || after.status === 'failed' ? after.notes.slice(0, 1) : [];
  const notes = [breach.line, ...then.map((n) => `(then: ${n})`)];
  return breach.byMachine ? { status: 'error', message: notes.join('\n') } : failed(notes);
}

/** What a test's body threw, as an outcome: anything but a failure or a skip is the grader's own error. */
export function outcomeOf(err: unknown): Outcome {
  if (err instanceof TestFailure) return failed(err.notes);
  if (err instanceof TestSkipped) return { status: 'skipped', why: err.message };
  return { status: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) };
}

/** The notes a report shows for an outcome. */
export function notesOf(outcome: Outcome): string[] {
  switch (outcome.status) {
    case 'passed':
    case 'failed':
      return outcome.notes.flatMap(noteLines);
    case 'skipped':
      return [outcome.why];
    case 'error': {
      const [first, ...rest] = noteLines(outcome.message);
      return [`${HARNESS_ERROR}: ${first}`, ...rest];
    }
  }
}

/**
 * A note as lines every report can print indented under its test: one per
 * line of the note, and no control character left (a terminal escape, a
 * carriage return). Notes quote what the student's code said (an error it
 * threw, a line of its output): a line break in it must not print a line of
 * the grader's own, such as a forged PASS.
 */
export function noteLines(note: string): string[] {
  return note.split(/\r?\n/).map(visibleControls);
}

/** One line with every control character but the tab written out (`\\x1b`): it can only print as itself. */
export function visibleControls(line: string): string {
  const visible = (c: string) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  return line.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, visible);
}
