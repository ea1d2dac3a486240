// Reading and writing in folders the student's side can write (a test's
// folder): the student's processes may have planted a symbolic link where
// the grader reads or writes, or a file far larger than any honest output.
// So the grader never follows a link there, reads at most a cap, and only
// ever writes a file it has just created itself.

import * as fs from 'fs';

export interface Capped {
  data: Buffer; // the first `maxBytes` bytes
  text: string; // the first `maxBytes` bytes, decoded as UTF-8
  size: number; // the file's whole size
  truncated: boolean;
}

/**
 * Reads a regular file, without following a link, up to `maxBytes`.
 * Undefined when it is missing, a link, or not a regular file.
 */
export function readCapped(file: string, maxBytes: number): Capped | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return undefined;
    const want = Math.min(st.size, maxBytes);
    const buffer = Buffer.alloc(want);
    let got = 0;
    while (got < want) {
      const n = fs.readSync(fd, buffer, got, want - got, got);
      if (n === 0) break;
      got += n;
    }
    const data = buffer.subarray(0, got);
    return { data, text: data.toString('utf8'), size: st.size, truncated: st.size > got };
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** Opens a new file for writing: whatever stood at the path (a planted link included) is removed, never followed. */
export function openFresh(file: string): number {
  fs.rmSync(file, { recursive: true, force: true });
  return fs.openSync(
    file,
    fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW,
    0o644,
  );
}

/** Replaces a file all at once (a temporary file renamed over it): a reader never sees half of it. */
export function writeAtomic(file: string, data: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFresh(tmp, data);
  fs.renameSync(tmp, file);
}

/** Writes a new file (see openFresh). */
export function writeFresh(file: string, data: string | Buffer): void {
  const fd = openFresh(file);
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
  } finally {
    fs.closeSync(fd);
  }
}
