// The Persister: a peer's disk, as in the course. Raft saves its persistent
// state (and, from 2D, its snapshot) here, and reads them back when it is
// restarted after a crash: a restarted peer keeps nothing else.
//
// The tester owns the real copy: every save() is reported to it, and a
// crash keeps exactly what was last saved. Like the course's, save()
// replaces both parts at once and every read returns a fresh copy.

import { CodecError } from './codec';

export class Persister {
  private raftstate: Uint8Array;
  private snapshot: Uint8Array;

  /** Set by the kit's runtime: tells the tester of every save. */
  onSave?: (raftstate: Uint8Array, snapshot: Uint8Array) => void;

  constructor(raftstate: Uint8Array = new Uint8Array(0), snapshot: Uint8Array = new Uint8Array(0)) {
    this.raftstate = raftstate.slice();
    this.snapshot = snapshot.slice();
  }

  /**
   * Saves Raft's state and the snapshot, both at once, replacing what was
   * saved before (null leaves that part empty, as the course's
   * Save(nil, ...)). Make the bytes with encode().
   */
  save(raftstate: Uint8Array | null, snapshot: Uint8Array | null): void {
    this.raftstate = bytesOf('raftstate', raftstate);
    this.snapshot = bytesOf('snapshot', snapshot);
    this.onSave?.(this.raftstate.slice(), this.snapshot.slice());
  }

  readRaftState(): Uint8Array {
    return this.raftstate.slice();
  }

  readSnapshot(): Uint8Array {
    return this.snapshot.slice();
  }

  /** The size of the saved Raft state, in bytes. */
  raftStateSize(): number {
    return this.raftstate.length;
  }

  /** The size of the saved snapshot, in bytes. */
  snapshotSize(): number {
    return this.snapshot.length;
  }
}

function bytesOf(name: string, value: Uint8Array | null): Uint8Array {
  if (value === null) return new Uint8Array(0);
  if (ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint8Array]') {
    return Uint8Array.prototype.slice.call(value);
  }
  const what = value === undefined ? 'undefined' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  throw new CodecError(`Persister.save(): ${name} is ${what}, not bytes: make it with encode(), or pass null`);
}
