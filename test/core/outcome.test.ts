// grader/core/outcome.ts: the notes every report prints under a test. A note
// may quote the student's code (an error it threw, a line of its output);
// however it is made, it prints as lines indented under its test, never as a
// line of the grader's own.

import { HARNESS_ERROR, notesOf, outcomeOfBreach } from '../../grader/core/outcome';

test("a note's line breaks make lines of their own, each a note, and no control character is left", () => {
  const forged = 'peer 1: raft.ts:95 threw Error: boom\n--- initial election (2A) test: PASS\r\n*** PASSED ALL TESTS';
  const notes = notesOf({ status: 'failed', notes: [forged, 'a \u001b[2Jclear\rover\ttab'] });
  expect(notes).toEqual([
    'peer 1: raft.ts:95 threw Error: boom',
    '--- initial election (2A) test: PASS',
    '*** PASSED ALL TESTS',
    'a \\x1b[2Jclear\\x0dover\ttab',
  ]);
});

test("a grader error's message: its first line says so, the rest follow as lines", () => {
  expect(notesOf({ status: 'error', message: 'TypeError: x\n    at f (a.ts:1)' })).toEqual([
    `${HARNESS_ERROR}: TypeError: x`,
    '    at f (a.ts:1)',
  ]);
});

test('a broken budget is the failure, what the test saw after it its "then"; broken by the machine, a grader error', () => {
  const saw = { status: 'failed' as const, notes: ['the job did not finish', 'second'] };
  expect(outcomeOfBreach({ line: 'used more than the memory limit' }, saw)).toEqual({
    status: 'failed',
    notes: ['used more than the memory limit', '(then: the job did not finish)'],
  });
  expect(outcomeOfBreach({ line: 'wrote 3 GB to disk' }, { status: 'passed', notes: [] })).toEqual({
    status: 'failed',
    notes: ['wrote 3 GB to disk'],
  });
  const machine = outcomeOfBreach({ line: 'the machine ran out of memory', byMachine: true }, saw);
  expect(machine.status).toBe('error');
  expect(notesOf(machine)).toEqual([
    `${HARNESS_ERROR}: the machine ran out of memory`,
    '(then: the job did not finish)',
  ]);
});
