// A process alone (grader/sandbox/alone.ts): a simulated peer shares nothing
// with the other processes of its cell. The words a cell puts before such a
// process; and, as root, what two processes alone under one sandbox user id
// can see of each other: no files in the folders every user may write, no
// process, and nothing of a first one left for the next (a peer restarted
// after a crash).

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { aloneWords, canIsolate } from '../../grader/sandbox/alone';
import { Cell, CellHost } from '../../grader/sandbox/cell';
import { DEFAULT_BUDGETS } from '../../grader/sandbox/budgets';

const host: CellHost = { budgets: DEFAULT_BUDGETS, tell: () => undefined, forget: () => undefined };

test('a cell puts the namespaces and private folders before the drop to the sandbox user, only when asked', () => {
  const cell = new Cell(
    host,
    '1-1',
    61000,
    61000,
    [],
    '/usr/bin/setpriv',
    undefined,
    '/usr/bin/unshare',
    '/usr/bin/unshare',
  );
  const alone = cell.command('node', ['peer.js'], { alone: true }).args;
  const words = aloneWords('/usr/bin/unshare');
  const at = alone.indexOf(words[0]);
  expect(alone.slice(at, at + words.length)).toEqual(words);
  expect(alone.indexOf('/usr/bin/setpriv')).toBeGreaterThan(at); // mounts as root, then drops
  expect(words).toEqual(expect.arrayContaining(['--net', '--ipc', '--mount', '--pid', '--kill-child', '--mount-proc']));
  expect(words.join(' ')).toMatch(/mount -t tmpfs .* \/tmp /);
  const shared = cell.command('node', ['worker.js']).args;
  expect(shared).not.toContain('--pid'); // the others keep the network-only isolation
  expect(shared).toContain('--net');
});

const unshare = canIsolate();
(unshare ? describe : describe.skip)('as root', () => {
  const run = (code: string, visible: string[] = []) => {
    const words = [
      ...aloneWords(unshare!, [path.dirname(process.execPath), ...visible]),
      '/usr/bin/setpriv',
      '--reuid=61990',
      '--regid=61990',
      '--clear-groups',
      '--no-new-privs',
      '--',
    ];
    return spawnSync(words[0], [...words.slice(1), process.execPath, '-e', code], {
      encoding: 'utf8',
      timeout: 20_000,
    });
  };

  test('a file written where every user may write is gone for the next process, and never on the machine', () => {
    const first = run(
      "require('fs').writeFileSync('/tmp/peer-state', 'term 7'); require('fs').writeFileSync('/dev/shm/x', '1'); console.log('ok')",
    );
    expect(first.stdout.trim()).toBe('ok');
    const second = run(
      "const fs = require('fs'); console.log(JSON.stringify([fs.readdirSync('/tmp'), fs.readdirSync('/dev/shm')]))",
    );
    expect(JSON.parse(second.stdout)).toEqual([[], []]);
    expect(fs.existsSync('/tmp/peer-state')).toBe(false);
  });

  test('it sees no other process, and runs as the sandbox user with no privileges', () => {
    const seen = run(
      "console.log(JSON.stringify({ pids: require('fs').readdirSync('/proc').filter((n) => /^\\d+$/.test(n)), uid: process.getuid() }))",
    );
    expect(JSON.parse(seen.stdout)).toEqual({ pids: ['1'], uid: 61990 });
  });

  test('a folder it needs under /tmp (a kit cloned there) stays visible at its path, read-only, and nothing else', () => {
    const top = fs.mkdtempSync('/tmp/alone-kept-');
    try {
      fs.chmodSync(top, 0o755);
      const code = path.join(top, "the kit's build");
      fs.mkdirSync(code, { mode: 0o755 });
      fs.writeFileSync(path.join(code, 'peer.js'), 'compiled');
      fs.writeFileSync(path.join(top, 'secret'), 'not for peers', { mode: 0o644 });
      const seen = run(
        `const fs = require('fs'); const w = (f) => { try { fs.writeFileSync(f, 'x'); return 'written'; } catch (e) { return e.code; } };
         console.log(JSON.stringify({ read: fs.readFileSync(${JSON.stringify(path.join(code, 'peer.js'))}, 'utf8'),
           here: fs.readdirSync(${JSON.stringify(top)}), write: w(${JSON.stringify(path.join(code, 'x'))}), tmp: w('/tmp/mine') }))`,
        [code],
      );
      expect(JSON.parse(seen.stdout)).toEqual({
        read: 'compiled',
        here: ["the kit's build"],
        write: 'EROFS',
        tmp: 'written',
      });
      expect(fs.readdirSync(code)).toEqual(['peer.js']);
    } finally {
      fs.rmSync(top, { recursive: true, force: true });
    }
  });
});
