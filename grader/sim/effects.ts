// Effects arrive from a peer's process, which the tester does not trust:
// each is checked for shape before the simulator acts on it.

import type { Effect } from '../../src/labrpc/runtime/protocol';

type Shape = Record<string, 'string' | 'number' | 'string?'>;

const SHAPES: Record<Effect['kind'], Shape> = {
  send: { call: 'number', end: 'number', method: 'string', args: 'string' },
  'timer-set': { timer: 'number', at: 'number' },
  'timer-clear': { timer: 'number' },
  reply: { rpc: 'number', reply: 'string' },
  apply: { msg: 'string' },
  save: { raftstate: 'string', snapshot: 'string' },
  log: { text: 'string' },
  result: { value: 'string?' },
  fault: { message: 'string' },
};

/** The effects, or a string saying what is wrong with them. */
export function checkEffects(value: unknown): Effect[] | string {
  if (!Array.isArray(value)) return 'its answer is not a list of effects';
  for (const [i, effect] of value.entries()) {
    const shape = effect && typeof effect === 'object' ? SHAPES[(effect as Effect).kind] : undefined;
    if (!shape) return `effect ${i} is not one the simulator knows`;
    for (const [field, type] of Object.entries(shape)) {
      const actual = (effect as Record<string, unknown>)[field];
      const ok = type === 'string?' ? actual === null || typeof actual === 'string' : typeof actual === type;
      if (!ok || (type === 'number' && !Number.isSafeInteger(actual)))
        return `effect ${i} (${(effect as Effect).kind}) has a bad ${field}`;
    }
  }
  return value as Effect[];
}
