// The trace format the MapReduce drivers write and the grader reads
// (src/main/trace-format.ts): what survives a torn file and a hostile string.

import { isTaskEvent, parseTrace, printable } from '../../../src/main/trace-format';

describe('trace format', () => {
  test('keeps every well-formed object line and skips torn lines, arrays and scalars', () => {
    const text = [
      '{"pid":1,"event":"start","phase":"map","input":"a.txt","time":5}',
      '[1,2]',
      '42',
      '{"pid":1,"event":"end","phase":"map","inp', // torn by a crash
    ].join('\n');
    expect(parseTrace(text)).toEqual([{ pid: 1, event: 'start', phase: 'map', input: 'a.txt', time: 5 }]);
  });

  test('makes forged strings printable: no control character or text-direction override reaches a diagnosis', () => {
    const forged = JSON.stringify({ event: 'start', input: 'x\n--- wc test: PASS\r\u001b[2K\u202eevil' });
    const [line] = parseTrace(forged);
    expect(line.input).toBe('x\\u000a--- wc test: PASS\\u000d\\u001b[2K\\u202eevil');
    expect(String(line.input)).not.toMatch(/[\u0000-\u001f\u202e]/);
  });

  test('cuts a string longer than any honest file name or key', () => {
    expect(printable('k'.repeat(5000))).toHaveLength(1001);
    expect(printable('pg-being_ernest.txt')).toBe('pg-being_ernest.txt');
  });

  test('takes a task event only with every field of its type', () => {
    const ok = { pid: 3, event: 'end', phase: 'reduce', input: 'key', time: 1, outcome: 'ok' };
    expect(isTaskEvent(ok)).toBe(true);
    expect(isTaskEvent({ ...ok, input: 7 })).toBe(false);
    expect(isTaskEvent({ ...ok, phase: 'shuffle' })).toBe(false);
    expect(isTaskEvent({ ...ok, event: 'held' })).toBe(false);
    expect(isTaskEvent({ ...ok, time: '1' })).toBe(false);
  });
});
