// A simple sequential MapReduce: the reference every distributed run is
// compared with. Please do not change this file.
//
//   npx ts-node src/main/mrsequential.ts src/mrapps/wc.ts inputs/*.txt
//
// Unlike real MapReduce, all intermediate data sits in one process, in
// memory, instead of being split into nMap x nReduce buckets on disk.

import * as fs from 'fs';
import { CommandLine } from '../kit/args';
import { checkInputFiles, parseDriverArgs, runMain, UsageError } from './cli';
import { guardApp, loadApp } from './load-app';
import { compareCodePoints } from '../kit/order';

const COMMAND_LINE = {
  usage: 'mrsequential APP inputfiles...',
  about: 'Runs a whole job in this one process and writes its output to mr-out-0.',
  options: {},
  positionals: {
    name: 'APP inputfiles...',
    help: "the app (a module's path, or a kit app's name such as wc), then the input files",
    min: 2,
  },
} satisfies CommandLine;

const OUTPUT = 'mr-out-0';
const TEMP = `.tmp-${OUTPUT}-${process.pid}`; // same folder, so the rename cannot cross file systems

runMain('mrsequential', async () => {
  const [appSpec, ...files] = parseDriverArgs(COMMAND_LINE).positionals;
  const app = guardApp(appSpec, loadApp(appSpec), (diagnosis) => {
    throw new UsageError(diagnosis);
  });
  checkInputFiles(files);

  // Map every input, in the order given, grouping values by key as they come.
  const groups = new Map<string, string[]>();
  for (const file of files) {
    const contents = fs.readFileSync(file, 'utf8');
    for (const { key, value } of app.map(file, contents)) {
      const values = groups.get(key);
      if (values) values.push(value);
      else groups.set(key, [value]);
    }
  }

  // Reduce each distinct key, in code-point order (Go's byte order of UTF-8),
  // into a temporary file renamed over mr-out-0 once complete: a reduce that
  // throws then leaves the previous mr-out-0 as it was, and no partial one.
  const out = fs.openSync(TEMP, 'w');
  try {
    const keys = [...groups.keys()].sort(compareCodePoints);
    let buffer = '';
    for (const key of keys) {
      const output = app.reduce(key, groups.get(key)!);
      buffer += `${key} ${output}\n`; // this is the correct format for each line of reduce output
      if (buffer.length > 1 << 16) {
        fs.writeSync(out, buffer);
        buffer = '';
      }
    }
    fs.writeSync(out, buffer);
  } catch (err) {
    fs.closeSync(out);
    fs.rmSync(TEMP);
    throw err;
  }
  fs.closeSync(out);
  fs.renameSync(TEMP, OUTPUT);
});
