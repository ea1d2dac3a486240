// What the crash and nocrash apps emit for a file: four keys, so that the
// output of a crash-riddled job can be checked against a calm one.

import type { KeyValue } from '../../mr/worker';

export function crashOutput(filename: string, contents: string): KeyValue[] {
  return [
    { key: 'a', value: filename },
    { key: 'b', value: String(Buffer.byteLength(filename)) }, // lengths in bytes, as Go's len()
    { key: 'c', value: String(Buffer.byteLength(contents)) },
    { key: 'd', value: 'xyzzy' },
  ];
}
