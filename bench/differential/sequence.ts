/**
 * Runs one sequence against one server: a fresh namespace, then each step rendered, sent and
 * normalised. On the real side every answer is also checked against what the corpus declares (the
 * status code class, the message pattern, a poll's condition), so the corpus is validated by the
 * judge it is measured against.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { CLIENTS, CONTENT_TYPES, type Condition, expected, type Sequence, type Step } from './corpus.ts';
import type { Answer, RequestSpec, Target, WatchAnswer } from './http.ts';
import { type Normalised, normalise } from './normalise.ts';
import { readPath } from './paths.ts';
import { encodeProtobuf } from './protobuf.ts';
import { render, renderString, type Scope } from './template.ts';

export type Role = 'real' | 'sim';

export interface StepOutcome {
  /** The normalised answer, or why there is none (transport error, unresolved template). */
  answer: Normalised | { error: string };
  /** On the real side: how the answer departs from what the corpus declares. */
  problems: string[];
  /** The raw answer's body (for the mismatch table). */
  raw?: unknown;
  /** A preparation step: not compared. */
  setup?: boolean;
}

export interface SequenceOutcome {
  steps: StepOutcome[];
  /** Problems outside a step (namespace setup). */
  problems: string[];
}

const REQUEST_TIMEOUT_MS = 30_000;
const POLL_TIMEOUT_MS = 60_000;
const SETTLE_WAIT_MS: Record<Role, number> = { real: 30_000, sim: 3_000 };

function satisfies(answer: Answer, until: Condition): boolean {
  if (until.status !== undefined && answer.status !== until.status) return false;
  if (until.path !== undefined) {
    const v = readPath(answer.body, until.path);
    if (until.exists !== undefined && (v !== undefined) !== until.exists) return false;
    if (until.equals !== undefined && JSON.stringify(v) !== JSON.stringify(until.equals)) return false;
  }
  return true;
}

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const bodyFiles = new Map<string, unknown>();

/** A body kept in a file of the repository (e.g. CloudNativePG's CRD): JSON, gunzipped when `.gz`. */
function readBodyFile(path: string): unknown {
  let body = bodyFiles.get(path);
  if (body === undefined) {
    const raw = readFileSync(join(REPO, path));
    body = JSON.parse((path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
    bodyFiles.set(path, body);
  }
  return body;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function requestOf(step: Step, seq: Sequence, scope: Scope): Promise<RequestSpec> {
  let path = renderString(step.path, scope);
  if (step.query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(step.query)) q.append(k, renderString(String(v), scope));
    path += (path.includes('?') ? '&' : '?') + q.toString();
  }
  const headers: Record<string, string> = {
    'user-agent': CLIENTS[seq.client],
    accept: 'application/json',
  };
  for (const [k, v] of Object.entries(step.headers ?? {})) headers[k.toLowerCase()] = renderString(v, scope);
  let body: Buffer | undefined;
  const source = step.bodyFile !== undefined ? readBodyFile(step.bodyFile) : step.body;
  if (source !== undefined) {
    const rendered = render(source, scope);
    if (step.protobuf) {
      body = await encodeProtobuf(step.protobuf, rendered);
      headers['content-type'] = 'application/vnd.kubernetes.protobuf';
    } else {
      body = Buffer.from(typeof rendered === 'string' ? rendered : JSON.stringify(rendered));
      const ct = step.contentType ?? 'json';
      headers['content-type'] = CONTENT_TYPES[ct] ?? ct;
    }
  }
  return { method: step.method, path, headers, body, timeoutMs: REQUEST_TIMEOUT_MS };
}

export async function runSequence(
  target: Target,
  role: Role,
  seq: Sequence,
  ns: string,
  run: string,
): Promise<SequenceOutcome> {
  const problems: string[] = [];
  const base = {
    headers: { 'user-agent': CLIENTS[seq.client], accept: 'application/json' },
    timeoutMs: REQUEST_TIMEOUT_MS,
  };
  const created = await target.request({
    ...base,
    method: 'POST',
    path: '/api/v1/namespaces',
    headers: { ...base.headers, 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })),
  });
  if (created.status !== 201)
    problems.push(`namespace ${ns}: ${created.status} ${JSON.stringify(created.body).slice(0, 200)}`);
  // What a namespace gets from the controllers (its default ServiceAccount, which pods need on a
  // real server, and kube-root-ca.crt), so no step races them.
  for (const path of [
    `/api/v1/namespaces/${ns}/serviceaccounts/default`,
    `/api/v1/namespaces/${ns}/configmaps/kube-root-ca.crt`,
  ]) {
    const deadline = Date.now() + SETTLE_WAIT_MS[role];
    for (;;) {
      const got = await target.request({ ...base, method: 'GET', path });
      if (got.status === 200) break;
      if (Date.now() > deadline) {
        if (role === 'real') problems.push(`${path}: not there after ${SETTLE_WAIT_MS[role] / 1000} s`);
        break;
      }
      await sleep(200);
    }
  }

  const scope: Scope = { ns, run, answers: new Map() };
  const watches = new Map<string, { done: Promise<WatchAnswer>; stop(): void; events: number }>();
  const steps: StepOutcome[] = [];
  for (const step of seq.steps) {
    const outcome = await runStep(target, role, seq, step, scope, watches);
    steps.push(step.setup ? { ...outcome, setup: true } : outcome);
  }
  for (const w of watches.values()) w.stop();
  return { steps, problems };
}

async function runStep(
  target: Target,
  role: Role,
  seq: Sequence,
  step: Step,
  scope: Scope,
  watches: Map<string, { done: Promise<WatchAnswer>; stop(): void; events: number }>,
): Promise<StepOutcome> {
  const problems: string[] = [];
  const check = (answer: Answer) => {
    if (role !== 'real') return;
    if (!expected(step, answer.status)) {
      problems.push(
        `status ${answer.status}, the corpus expects ${JSON.stringify(step.expect)}: ${String(JSON.stringify(answer.body)).slice(0, 300)}`,
      );
    }
    if (step.message !== undefined) {
      const msg =
        typeof answer.body === 'object' && answer.body !== null
          ? (answer.body as { message?: unknown }).message
          : undefined;
      if (!new RegExp(step.message).test(String(msg ?? ''))) {
        problems.push(`message ${JSON.stringify(msg)} does not match /${step.message}/`);
      }
    }
  };
  try {
    if (step.sleepMs) await sleep(step.sleepMs);
    if (step.collect !== undefined) {
      const w = watches.get(step.collect);
      if (!w)
        return {
          answer: { error: `no open watch ${step.collect}` },
          problems: role === 'real' ? ['watch not open'] : [],
        };
      watches.delete(step.collect);
      const answer = await w.done;
      check(answer);
      if (role === 'real' && answer.status === 200) {
        const n = answer.events.filter((e) => e.type !== 'BOOKMARK').length;
        if (n < w.events) problems.push(`the watch saw ${n} events, the corpus waits for ${w.events}`);
      }
      return watchOutcome(answer, step, role, problems);
    }
    const spec = await requestOf(step, seq, step.repeat ? { ...scope, i: 1 } : scope);
    if (step.watch) {
      const events = step.watch.events ?? Number.POSITIVE_INFINITY;
      const handle = target.watch(spec, events, step.watch.timeoutMs ?? 3_000);
      if (step.background) {
        handle.done.catch(() => undefined); // collected (and reported) by its collect step
        if (step.name) watches.set(step.name, { ...handle, events: Number.isFinite(events) ? events : 0 });
        // The next step writes only once the server answered the watch (it is registered by then).
        await Promise.race([handle.opened, sleep(REQUEST_TIMEOUT_MS)]);
        await sleep(100);
        return { answer: { status: 'open' }, problems };
      }
      const answer = await handle.done;
      check(answer);
      if (role === 'real' && Number.isFinite(events) && answer.status === 200) {
        const n = answer.events.filter((e) => e.type !== 'BOOKMARK').length;
        if (n < events) problems.push(`the watch saw ${n} events, the corpus waits for ${events}`);
      }
      return watchOutcome(answer, step, role, problems);
    }
    let answer = await target.request(spec);
    for (let i = 2; i <= (step.repeat ?? 1); i++) {
      answer = await target.request(await requestOf(step, seq, { ...scope, i }));
      if (role === 'real' && !expected(step, answer.status)) break;
    }
    if (step.poll) {
      const deadline = Date.now() + (step.poll.timeoutMs ?? POLL_TIMEOUT_MS);
      while (!satisfies(answer, step.poll.until) && Date.now() < deadline) {
        await sleep(step.poll.intervalMs ?? 500);
        answer = await target.request(await requestOf(step, seq, scope));
      }
      if (role === 'real' && !satisfies(answer, step.poll.until)) {
        problems.push(
          `poll: ${JSON.stringify(step.poll.until)} not met within ${step.poll.timeoutMs ?? POLL_TIMEOUT_MS} ms`,
        );
      }
    }
    check(answer);
    if (step.name) scope.answers.set(step.name, answer.body);
    return { answer: normalise(answer, step), problems, raw: answer.body };
  } catch (e) {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    // On the simulator an unresolved template follows from an earlier disagreement (recorded as its
    // answer); on the real side any failure is the corpus's.
    return { answer: { error: message }, problems: role === 'real' ? [message] : [] };
  }
}

function watchOutcome(answer: WatchAnswer, step: Step, role: Role, problems: string[]): StepOutcome {
  const normalised = normalise(answer, step);
  if (
    role === 'real' &&
    step.expectEvents &&
    JSON.stringify(normalised.events) !== JSON.stringify(step.expectEvents)
  ) {
    problems.push(
      `watch events ${JSON.stringify(normalised.events)}, the corpus expects ${JSON.stringify(step.expectEvents)}`,
    );
  }
  return { answer: normalised, problems, raw: answer.events.map((e) => e.type) };
}

/** Deletes the namespace and the sequence's cluster-scoped objects, without waiting. */
export async function cleanUp(target: Target, seq: Sequence, ns: string, run: string): Promise<void> {
  const scope: Scope = { ns, run, answers: new Map() };
  const paths = [...(seq.cleanup ?? []).map((p) => renderString(p, scope)), `/api/v1/namespaces/${ns}`];
  await Promise.all(
    paths.map((path) =>
      target
        .request({
          method: 'DELETE',
          path,
          headers: { accept: 'application/json' },
          timeoutMs: REQUEST_TIMEOUT_MS,
        })
        .catch(() => undefined),
    ),
  );
}
