/** What a figure was measured on: Node version, CPUs, memory and load, for BENCHMARKS.md. */
import { cpus, freemem, loadavg, totalmem } from 'node:os';

export interface Machine {
  node: string;
  platform: string;
  cpuModel: string;
  cpuCount: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  /** 1-minute load average when the run started: the machine is shared, so figures move with it. */
  loadAverage1m: number;
}

export function machine(): Machine {
  const list = cpus();
  const gib = (bytes: number) => Math.round((bytes / 2 ** 30) * 10) / 10;
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpuCount: list.length,
    memoryGiB: gib(totalmem()),
    freeMemoryGiB: gib(freemem()),
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}
