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

/**
 * Collects chunks and hands over each complete frame's message, in order.
 * Chunks are joined only once a frame is whole, so a frame arriving in many
 * small chunks costs its size, not its size times the number of chunks.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private bytes = 0;

  constructor(private readonly onMessage: (message: unknown) => void) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.bytes >= 4) {
      const head = this.chunks[0].length >= 4 ? this.chunks[0] : this.join();
      const length = head.readUInt32BE(0);
      if (length > MAX_FRAME_BYTES) throw new Error(`a frame of ${length} bytes is over the limit`);
      if (this.bytes < 4 + length) return;
      const buffered = this.join();
      const body = buffered.subarray(4, 4 + length).toString('utf8');
      const rest = buffered.subarray(4 + length);
      this.chunks = rest.length ? [rest] : [];
      this.bytes = rest.length;
      this.onMessage(JSON.parse(body));
    }
  }

  /** Every chunk as one (kept as one). */
  private join(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.bytes)];
    return this.chunks[0];
  }
}
