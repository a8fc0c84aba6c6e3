/**
 * YAML parsing off the event loop. The `yaml` library takes seconds on a few MiB (and recurses
 * per nesting level), so a large YAML body is parsed in a worker thread with its own stack, and a
 * parse that overruns its budget is abandoned by terminating the worker: the server keeps
 * answering other requests (health checks included) whatever a client sends.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const YAML = require(workerData.yaml);
// Counted here, so a huge document is never copied back to the server's thread.
function tooMany(value) {
  const stack = [value];
  let count = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (++count > workerData.maxValues) return true;
    if (v !== null && typeof v === 'object') for (const child of Object.values(v)) stack.push(child);
  }
  return false;
}
parentPort.on('message', ({ id, text }) => {
  try {
    const value = YAML.parse(text, { uniqueKeys: false, maxAliasCount: 100 });
    if (tooMany(value)) parentPort.postMessage({ id, tooMany: true });
    else parentPort.postMessage({ id, value });
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.message) || err) });
  }
});`;

interface Job {
  text: string;
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** A YAML syntax error, with the parser's first line of explanation. */
export class YamlSyntaxError extends Error {
  override readonly name = 'YamlSyntaxError';
}

/** A parse that did not finish within its budget. */
export class YamlTimeoutError extends Error {
  override readonly name = 'YamlTimeoutError';
}

/** A document holding more values than the worker was told to pass back. */
export class YamlTooManyValuesError extends Error {
  override readonly name = 'YamlTooManyValuesError';
}

let worker: Worker | undefined;
let maxValues = Number.MAX_SAFE_INTEGER;
const jobs = new Map<number, Job>();
let nextId = 1;

function failAll(err: Error): void {
  for (const [id, job] of jobs) {
    clearTimeout(job.timer);
    jobs.delete(id);
    job.reject(err);
  }
}

function yamlWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { yaml: createRequire(import.meta.url).resolve('yaml'), maxValues },
    resourceLimits: { stackSizeMb: 64, maxOldGenerationSizeMb: 512 },
  });
  w.unref();
  w.on('message', (msg: { id: number; value?: unknown; error?: string; tooMany?: boolean }) => {
    const job = jobs.get(msg.id);
    if (!job) return;
    jobs.delete(msg.id);
    clearTimeout(job.timer);
    if (msg.tooMany) job.reject(new YamlTooManyValuesError(`more than ${maxValues} values`));
    else if (msg.error !== undefined) job.reject(new YamlSyntaxError(msg.error.split('\n')[0]));
    else job.resolve(msg.value);
  });
  const gone = (err: Error) => {
    if (worker === w) worker = undefined;
    failAll(err);
  };
  w.on('error', (err) => gone(new YamlSyntaxError(err.message)));
  w.on('exit', () => gone(new YamlSyntaxError('the YAML parser stopped')));
  worker = w;
  return w;
}

/**
 * Parses YAML in the worker; rejects with YamlSyntaxError, YamlTooManyValuesError past `valueLimit`
 * values (fixed by the first call), or YamlTimeoutError after `budgetMs`.
 */
export function parseYamlOffThread(text: string, budgetMs: number, valueLimit: number): Promise<unknown> {
  if (!worker) maxValues = valueLimit;
  const w = yamlWorker();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      jobs.delete(id);
      reject(new YamlTimeoutError(`the YAML body took longer than ${budgetMs} ms to parse`));
      // The worker is stuck on this body: a fresh one takes the bodies queued behind it.
      if (worker === w) worker = undefined;
      w.removeAllListeners();
      void w.terminate();
      const next = yamlWorker();
      for (const [queued, job] of jobs) next.postMessage({ id: queued, text: job.text });
    }, budgetMs);
    jobs.set(id, { text, resolve, reject, timer });
    w.postMessage({ id, text });
  });
}
