/**
 * Benchmark 3, scale: N nodes, P pods, A concurrent assertions. The embedded cluster runs in one
 * child process (scale-server.ts) and the assertions in another (scale-run.ts), so each side's
 * peak RSS and CPU are its own.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ScaleClientResult } from './scale-run.ts';

export interface ScaleOptions {
  nodes: number;
  pods: number;
  assertions: number;
}

export interface ScaleResult extends ScaleOptions {
  client: ScaleClientResult;
  server: { rssAfterSetupMB: number; peakRssMB: number; cpuMs: number };
}

export const SCALE_FULL: ScaleOptions = { nodes: 100, pods: 5000, assertions: 1000 };

const NODE_ARGS = ['--import', 'tsx', '--conditions', 'kubexpect-source'];
const script = (name: string) => fileURLToPath(new URL(name, import.meta.url));

export async function benchScale(options: ScaleOptions, timeoutMs = 180_000): Promise<ScaleResult> {
  const server = spawn(
    process.execPath,
    [...NODE_ARGS, script('./scale-server.ts'), String(options.nodes), String(options.pods)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const killTimer = setTimeout(() => server.kill(), timeoutMs);
  const lines = createInterface({ input: server.stdout });
  const iterator = lines[Symbol.asyncIterator]();
  const dir = mkdtempSync(join(tmpdir(), 'kubexpect-scale-'));
  try {
    const first = await iterator.next();
    if (first.done) throw new Error('the scale benchmark server exited before it was ready');
    const { kubeconfig } = JSON.parse(first.value) as { kubeconfig: string };
    const path = join(dir, 'kubeconfig');
    writeFileSync(path, kubeconfig, { mode: 0o600 });
    const client = await new Promise<ScaleClientResult>((resolve, reject) => {
      execFile(
        process.execPath,
        [...NODE_ARGS, script('./scale-run.ts'), path, String(options.assertions)],
        { timeout: timeoutMs, maxBuffer: 1 << 20 },
        (err, stdout, stderr) => {
          if (err) reject(new Error(`the scale benchmark client failed: ${err.message}\n${stderr}`));
          else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as ScaleClientResult);
        },
      );
    });
    server.stdin.end();
    const last = await iterator.next();
    if (last.done) throw new Error('the scale benchmark server exited without its figures');
    return { ...options, client, server: JSON.parse(last.value) as ScaleResult['server'] };
  } finally {
    clearTimeout(killTimer);
    lines.close();
    if (server.exitCode === null) server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
