// The virtual clock's queue, the seeded streams and the source maps: the
// deterministic plumbing under the simulator.

import * as ts from 'typescript';
import { Clock } from '../../grader/sim/clock';
import { Random, streamSeed } from '../../grader/sim';
import { decodeMappings } from '../../src/labrpc/runtime/source-map';

describe('the clock', () => {
  test('events run by time, ties in the order they were scheduled; cancelled ones never', () => {
    const clock = new Clock();
    const ran: string[] = [];
    clock.at(20, () => void ran.push('b@20'));
    clock.at(10, () => void ran.push('a@10'));
    const dropped = clock.at(20, () => void ran.push('dropped'));
    clock.at(20, () => void ran.push('c@20'));
    clock.at(5, () => void ran.push('first'));
    dropped.cancelled = true;
    for (let event = clock.next(); event; event = clock.next()) void event.run();
    expect(ran).toEqual(['first', 'a@10', 'b@20', 'c@20']);
    expect(clock.now()).toBe(20);
  });

  test('an event is never scheduled in the past', () => {
    const clock = new Clock();
    clock.at(100, () => undefined);
    clock.next();
    expect(clock.at(50, () => undefined).at).toBe(100);
  });
});

describe('seeded streams', () => {
  test('one seed gives the same draws; streams of one seed are independent', () => {
    const draws = (seed: string) =>
      Array.from(
        { length: 5 },
        (
          (r) => () =>
            r.int(1000)
        )(new Random(seed)),
      );
    expect(draws(streamSeed('s', 'network'))).toEqual(draws(streamSeed('s', 'network')));
    expect(draws(streamSeed('s', 'network'))).not.toEqual(draws(streamSeed('s', 'tester')));
    expect(draws(streamSeed('s', 'network'))).not.toEqual(draws(streamSeed('t', 'network')));
  });
});

describe('source maps', () => {
  test('decoded mappings send a compiled line back to the TypeScript line it came from', () => {
    const source = [
      'interface A { x: number }',
      '',
      'export function f(a: A): number {',
      '  return a.x + 1;',
      '}',
      '',
    ].join('\n');
    const out = ts.transpileModule(source, {
      fileName: 'f.ts',
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: true },
    });
    const js = out.outputText.split('\n');
    const jsLine = js.findIndex((line) => line.includes('return a.x + 1'));
    const lines = decodeMappings(JSON.parse(out.sourceMapText!).mappings);
    expect(lines[jsLine][0][2] + 1).toBe(4); // the return statement is line 4 of f.ts
  });
});
