// Frames on the pipe between the tester and a peer process: a 4-byte
// big-endian length, then that many bytes of JSON. Nothing else is ever on
// the pipe (the peer's console goes into its effects, never to stdout).

import type { Writable } from 'stream';

const MAX_FRAME_BYTES = 1 << 28;

export function writeFrame(stream: Writable, message: unknown): void {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length);
  stream.write(Buffer.concat([header, body]));
}

/** Collects chunks and hands over each complete frame's message, in order. */
export class FrameReader {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly onMessage: (message: unknown) => void) {}

  push(chunk: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    while (this.buffered.length >= 4) {
      const length = this.buffered.readUInt32BE(0);
      if (length > MAX_FRAME_BYTES) throw new Error(`a frame of ${length} bytes is over the limit`);
      if (this.buffered.length < 4 + length) return;
      const body = this.buffered.subarray(4, 4 + length).toString('utf8');
      this.buffered = this.buffered.subarray(4 + length);
      this.onMessage(JSON.parse(body));
    }
  }
}
