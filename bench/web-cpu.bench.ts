import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, rmdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPacks } from '../harness/config/load.ts';

// CPU time per web conversation, side by side: the harness (`harness run
// --channel web` on the demo bank) and bench/web/minimal.ts, the least a
// Playwright script can do for the same conversation on the same page (new
// context, open, type, wait for the reply). Each runs as a child process
// under /usr/bin/time, so the figure is the process's user + system time with
// its Chromium's included; the cost per conversation is the slope between a
// small and a larger run, so start-up (node, the browser launch) cancels
// out. Target: harness ≤ 1.3× the minimal script.
// `time` credits a process only with the children it reaps, and most of
// Chromium's processes are not among them: the machine's own busy time
// (/proc/stat, all cores) is printed beside it, the true cost when nothing
// else runs on the machine, and where a cpuacct cgroup can be made (root,
// cgroup v1) the CPU of every process the child started, whatever else runs.
// WEB_CPU_N=8,24 sets the two sizes; WEB_CPU_J the concurrency (default 4).

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const [small, large] = (process.env.WEB_CPU_N ?? '8,24').split(',').map(Number);
const j = Number(process.env.WEB_CPU_J ?? 4);
const { packs } = loadPacks();
const singleTurn = packs.filter((p) => p.channels.includes('online')).flatMap((p) => p.cases.filter((c) => c.turns.length === 1).map((c) => `${p.id}/${c.id}`));

/** CPU-seconds the whole machine has been busy since boot (all cores; idle and I/O wait left out). */
function machineBusy(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return (total - f[3] - f[4]) / 100;
}

// Where the kernel lets us make a cpuacct cgroup (cgroup v1, as root), each
// child runs in one of its own: it counts every process the child starts,
// Chromium's reparented renderers included, whatever else the machine does.
const cgroupRoot = '/sys/fs/cgroup/cpuacct';
function makeCgroup(name: string): string | undefined {
  const dir = join(cgroupRoot, name);
  try {
    mkdirSync(dir);
    return dir;
  } catch {
    return undefined;
  }
}

function cpuOf(args: string[]): Promise<{ cpu: number; machine: number; group: number | null; wall: number; code: number }> {
  return new Promise((resolve, reject) => {
    const group = makeCgroup(`harness-bench-webcpu-${process.pid}-${Date.now()}`);
    const t0 = performance.now();
    const busy0 = machineBusy();
    const cmd = ['/usr/bin/time', '-f', 'CPU %U %S', process.execPath, ...args];
    const child = group
      ? spawn('/bin/sh', ['-c', `echo $$ > ${group}/cgroup.procs && exec "$@"`, 'sh', ...cmd], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn(cmd[0], cmd.slice(1), { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /CPU ([\d.]+) ([\d.]+)/.exec(err);
      let used: number | null = null;
      if (group) {
        used = Number(readFileSync(join(group, 'cpuacct.usage'), 'utf8')) / 1e9;
        try {
          rmdirSync(group);
        } catch {
          // a straggler still in it: left for the system to clean
        }
      }
      if (!m) return reject(new Error(`no CPU figure:\n${err.slice(-2000)}`));
      resolve({ cpu: Number(m[1]) + Number(m[2]), machine: machineBusy() - busy0, group: used, wall: (performance.now() - t0) / 1000, code: code ?? -1 });
    });
  });
}

const harness = (n: number) => {
  const out = join(tmpdir(), `harness-bench-webcpu-${process.pid}-${n}`);
  const args = ['bin/harness.mjs', 'run', '--bank', 'demo', '--channel', 'web', '--case', singleTurn.slice(0, n).join(','), '--concurrency', String(j), '--progress', 'none', '--no-preflight', '--out', out, '--set', 'embeddedOptions.latencyMs=0'];
  return cpuOf(args).finally(() => rmSync(out, { recursive: true, force: true }));
};
const minimal = (n: number) => cpuOf(['--import', 'tsx', 'bench/web/minimal.ts', String(n), String(j)]);

console.log(`machine: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at start; ${small} and ${large} single-turn web conversations at --concurrency ${j}`);
if (singleTurn.length < large) throw new Error(`only ${singleTurn.length} single-turn online cases`);
const rows: Record<string, { small: number; large: number }> = {};
const machine: Record<string, { small: number; large: number }> = {};
const grouped: Record<string, { small: number; large: number }> = {};
let haveGroups = true;
// Interleaved, so a change in the machine's load hits both alike.
for (const name of ['harness', 'minimal']) {
  rows[name] = { small: 0, large: 0 };
  machine[name] = { small: 0, large: 0 };
  grouped[name] = { small: 0, large: 0 };
}
for (const size of ['small', 'large'] as const) {
  for (const [name, run] of [['harness', harness], ['minimal', minimal]] as const) {
    const r = await run(size === 'small' ? small : large);
    rows[name][size] = r.cpu;
    machine[name][size] = r.machine;
    if (r.group === null) haveGroups = false;
    else grouped[name][size] = r.group;
    console.log(`  ${name.padEnd(8)} ${size === 'small' ? small : large} conversations: ${r.cpu.toFixed(2)} CPU s by time, ${r.group === null ? '' : `${r.group.toFixed(2)} s in its cgroup, `}machine busy ${r.machine.toFixed(2)} s, ${r.wall.toFixed(1)} s wall, exit ${r.code}`);
  }
}
const slope = (t: typeof rows) => (name: string) => (t[name].large - t[name].small) / (large - small);
for (const [what, per] of [['by time', slope(rows)], ['machine busy', slope(machine)], ...(haveGroups ? [['every process it started, by cgroup', slope(grouped)] as const] : [])] as const) {
  console.log(`CPU per web conversation (${what}): harness ${(per('harness') * 1000).toFixed(0)} ms, minimal Playwright script ${(per('minimal') * 1000).toFixed(0)} ms → ${(per('harness') / per('minimal')).toFixed(2)}× (target ≤1.3×)`);
}
