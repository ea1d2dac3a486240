// A peer process (graded runs): one incarnation, driven through fd 3.
// Started ahead of need by the tester's process host, it prepares its
// context, says it is ready, then runs each request it is sent and answers
// with the effects. It ends when the tester closes the pipe or kills it.
//
// Usage: node process-main.js <build> <source root> <cpu budget ms>

import * as net from 'net';
import { Incarnation } from './incarnation';
import { FrameReader, writeFrame } from './framing';
import type { Request } from './protocol';

const [build, sourceRoot, budget] = process.argv.slice(2);
const channel = new net.Socket({ fd: 3, readable: true, writable: true });
const incarnation = new Incarnation({ build, sourceRoot, cpuBudgetMs: Number(budget) });

const reader = new FrameReader((message) => {
  void incarnation.step(message as Request).then((effects) => writeFrame(channel, effects));
});
channel.on('data', (chunk: Buffer) => reader.push(chunk));
channel.on('close', () => process.exit(0));
channel.on('error', () => process.exit(0));
writeFrame(channel, { kind: 'ready' });
