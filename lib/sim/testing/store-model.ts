/**
 * A model of the simulator's store as clients see it through the Api: which objects exist (as the
 * writes that made them answered), the event log every watch must replay, and the outcome each
 * operation must have (201, 404, 409 AlreadyExists or Conflict, 422…). `runAgainstModel` plays a
 * sequence of operations, valid and invalid, on a live Api and throws at the first answer the
 * model disagrees with; the property test (lib/sim/api/store.fuzz.test.ts) feeds it sequences from
 * fast-check, and scripts/fuzz-injected.mjs shows it catches store bugs injected on purpose.
 *
 * What is predicted, and what is taken from the server: the model predicts outcomes (code and
 * reason), the content a client wrote (labels, data, finalizers, deletion marks), that uids stay
 * and resourceVersions only grow, and every get, list (current, Exact past version, paged) and
 * watch (from "0", from now, resumed from any version seen) from its own log. Defaults and
 * timestamps the server adds are taken from the write's own answer, then must be served unchanged.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Api, WatchHandle } from '../api/api.ts';
import type { ResourceType } from '../api/resource.ts';
import type { KObject, WatchEvent } from '../api/types.ts';

export type Kind = 'configmaps' | 'pods';
export type Name = 'a' | 'b' | 'c';
/** Which resourceVersion a conditional write carries. */
export type RvChoice = 'current' | 'stale' | 'future' | 'none';
/** A small label (and, for ConfigMaps, data) map; `null` in a patch removes the key. */
export type Content = Partial<Record<'k1' | 'k2', 'v1' | 'v2'>>;
export type PatchContent = Partial<Record<'k1' | 'k2', 'v1' | 'v2' | null>>;

export type Op =
  | {
      op: 'create';
      kind: Kind;
      name: Name;
      content: Content;
      finalizers: string[];
      /** Pods only: bound to a node, so their deletion is graceful. */
      bound: boolean;
      invalid?: 'badName' | 'wrongKind';
    }
  | { op: 'update'; kind: Kind; name: Name; rv: RvChoice; content: Content; finalizers: string[] }
  | { op: 'patch'; kind: Kind; name: Name; rv: RvChoice; content: PatchContent }
  | {
      op: 'delete';
      kind: Kind;
      name: Name;
      precondition: 'none' | 'currentRv' | 'staleRv' | 'otherUid';
      grace?: number;
      orphan: boolean;
    }
  | { op: 'get'; kind: Kind; name: Name }
  | { op: 'list'; kind: Kind; at: 'current' | number; pageSize?: number }
  | { op: 'watch'; kind: Kind; from: 'unset' | 'now' | number }
  | { op: 'stopWatch'; index: number };

interface ModelEvent {
  kind: Kind;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  rv: number;
  object: KObject;
}

interface ModelWatch {
  kind: Kind;
  what: string;
  /** Events the watch must have delivered: its initial ADDED, then every model event after `after`. */
  initial: ModelEvent[];
  after: number;
  received: WatchEvent[];
  handle: WatchHandle;
  stoppedAt?: number;
}

const RV_FUTURE = '999999999';

/** The divergence between the store and the model, with the operation that revealed it. */
export class ModelMismatch extends Error {
  constructor(step: number, op: Op, message: string) {
    super(`step ${step} ${JSON.stringify(op)}: ${message}`);
    this.name = 'ModelMismatch';
  }
}

function rvOf(obj: KObject): number {
  return Number(obj.metadata.resourceVersion);
}

function labelsOf(obj: KObject): Content {
  return { ...(obj.metadata.labels ?? {}) } as Content;
}

function sameContent(a: Content | undefined, b: Content | undefined): boolean {
  return isDeepStrictEqual({ ...(a ?? {}) }, { ...(b ?? {}) });
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 1500 ? `${text.slice(0, 1500)}…` : text;
}

/** Changes every nested value of an answer, so an answer that shares memory with the store shows in the next read. */
function scribble(obj: KObject | undefined): void {
  if (!obj || typeof obj !== 'object') return;
  const meta = obj.metadata as unknown as Record<string, unknown> | undefined;
  if (meta) {
    if (meta.labels && typeof meta.labels === 'object')
      (meta.labels as Record<string, string>).k1 = 'scribbled';
    if (Array.isArray(meta.finalizers)) meta.finalizers.push('example.com/scribbled');
    meta.resourceVersion = '1';
    meta.uid = 'scribbled';
  }
  const data = (obj as { data?: Record<string, string> }).data;
  if (data && typeof data === 'object') data.k2 = 'scribbled';
  const spec = obj.spec as { containers?: { image?: string }[] } | undefined;
  if (spec?.containers?.[0]) spec.containers[0].image = 'scribbled:1';
}

interface Outcome {
  code: number;
  reason?: string;
  value?: unknown;
}

function attempt(fn: () => unknown): Outcome {
  try {
    return { code: 200, value: fn() };
  } catch (err) {
    const e = err as { code?: unknown; reason?: unknown };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, reason: String(e.reason) };
  }
}

/**
 * Plays `ops` against `api` in `namespace` (which must exist and be empty of configmaps and pods)
 * and throws a ModelMismatch at the first answer the model did not predict. Watches opened by the
 * sequence are stopped before it returns.
 */
export function runAgainstModel(api: Api, namespace: string, ops: readonly Op[]): Coverage {
  const coverage: Coverage = {};
  const count = (label: string, by = 1) => {
    coverage[label] = (coverage[label] ?? 0) + by;
  };
  const rts: Record<Kind, ResourceType> = {
    configmaps: api.resource('', 'configmaps'),
    pods: api.resource('', 'pods'),
  };
  /** The current object of each kind and name, as the store must serve it. */
  const current: Record<Kind, Map<Name, KObject>> = { configmaps: new Map(), pods: new Map() };
  /** Every version each name has had, for stale writes. */
  const history = new Map<string, number[]>();
  const events: ModelEvent[] = [];
  const watches: ModelWatch[] = [];
  const start = Number(api.list(rts.configmaps, namespace).metadata.resourceVersion);
  /** Versions the sequence has seen (answers, lists), which resumes and Exact lists pick from. */
  const seen: number[] = [start];
  let highest = start;
  let step = 0;
  let currentOp: Op = ops[0]!;
  const fail = (message: string): never => {
    throw new ModelMismatch(step, currentOp, message);
  };

  const stateAt = (kind: Kind, rv: number): KObject[] => {
    const state = new Map<string, KObject>();
    for (const e of events) {
      if (e.kind !== kind || e.rv > rv) continue;
      if (e.type === 'DELETED') state.delete(e.object.metadata.name!);
      else state.set(e.object.metadata.name!, e.object);
    }
    return [...state.keys()].sort().map((k) => state.get(k)!);
  };

  /** Records a stored version: it must be newer than anything seen before. */
  const stamp = (what: string, obj: KObject): number => {
    const rv = rvOf(obj);
    if (!Number.isInteger(rv) || rv <= highest) {
      fail(
        `${what} answered resourceVersion ${String(obj.metadata.resourceVersion)}, not newer than ${highest} already seen`,
      );
    }
    highest = rv;
    seen.push(rv);
    return rv;
  };

  const emit = (kind: Kind, type: ModelEvent['type'], object: KObject) => {
    events.push({ kind, type, rv: rvOf(object), object: structuredClone(object) });
    const key = `${kind}/${object.metadata.name}`;
    history.set(key, [...(history.get(key) ?? []), rvOf(object)]);
    if (type === 'DELETED') current[kind].delete(object.metadata.name as Name);
    else current[kind].set(object.metadata.name as Name, structuredClone(object));
  };

  const expectCode = (what: string, got: Outcome, code: number, reason?: string) => {
    count(`${currentOp.op} ${code}${reason ? ` ${reason}` : ''}`);
    if (got.code !== code || (reason !== undefined && got.reason !== reason)) {
      fail(
        `${what}: expected ${code}${reason ? ` ${reason}` : ''}, got ${got.code}${got.reason ? ` ${got.reason}` : ''}${got.code === 200 ? ` ${show(got.value)}` : ''}`,
      );
    }
  };

  const checkWrite = (
    what: string,
    kind: Kind,
    obj: KObject,
    expect: { content: Content; finalizers: string[] },
  ) => {
    if (!sameContent(labelsOf(obj), expect.content)) {
      fail(`${what}: labels ${show(obj.metadata.labels)}, expected ${show(expect.content)}`);
    }
    if (kind === 'configmaps' && !sameContent((obj as { data?: Content }).data, expect.content)) {
      fail(`${what}: data ${show((obj as { data?: unknown }).data)}, expected ${show(expect.content)}`);
    }
    if (!isDeepStrictEqual(obj.metadata.finalizers ?? [], expect.finalizers)) {
      fail(`${what}: finalizers ${show(obj.metadata.finalizers)}, expected ${show(expect.finalizers)}`);
    }
  };

  const staleRv = (kind: Kind, name: Name): string => {
    const versions = history.get(`${kind}/${name}`) ?? [];
    const now = current[kind].get(name);
    const older = versions.filter((v) => !now || v !== rvOf(now));
    return String(older.length > 0 ? older[older.length - 1] : start);
  };

  const rvFor = (kind: Kind, name: Name, choice: RvChoice): string | undefined => {
    const obj = current[kind].get(name);
    if (choice === 'none') return undefined;
    if (choice === 'future') return RV_FUTURE;
    if (choice === 'stale') return staleRv(kind, name);
    return obj ? obj.metadata.resourceVersion : staleRv(kind, name);
  };

  const bodyOf = (
    kind: Kind,
    name: string,
    content: Content,
    finalizers: string[],
    bound: boolean,
  ): KObject => {
    const metadata: KObject['metadata'] = { name, labels: { ...content } as Record<string, string> };
    if (finalizers.length > 0) metadata.finalizers = [...finalizers];
    if (kind === 'configmaps')
      return { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { ...content } } as KObject;
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata,
      spec: { ...(bound ? { nodeName: 'node-fuzz' } : {}), containers: [{ name: 'c', image: 'img:1' }] },
    } as KObject;
  };

  /** A write that leaves the object marked for deletion with no finalizers and no grace left removes it. */
  const settle = (kind: Kind, what: string, answer: KObject, before: KObject) => {
    const removed =
      !!answer.metadata.deletionTimestamp &&
      (answer.metadata.finalizers ?? []).length === 0 &&
      (answer.metadata.deletionGracePeriodSeconds ?? 0) === 0;
    if (rvOf(answer) === rvOf(before)) {
      if (!isDeepStrictEqual(answer, before))
        fail(`${what}: same resourceVersion but a different object ${show(answer)}`);
      count('no-op write (same resourceVersion)');
      return;
    }
    const rv = stamp(what, answer);
    if (removed) {
      // The last finalizer gone: the update is stored, then the object removed (MODIFIED, DELETED).
      if (api.find(rts[kind], namespace, answer.metadata.name!)) {
        fail(`${what}: the object is still stored with a deletionTimestamp and no finalizers`);
      }
      count('last finalizer removed (MODIFIED then DELETED)');
      emit(kind, 'MODIFIED', {
        ...answer,
        metadata: { ...answer.metadata, resourceVersion: String(rv - 1) },
      });
      emit(kind, 'DELETED', answer);
    } else emit(kind, 'MODIFIED', answer);
  };

  for (; step < ops.length; step++) {
    const op = ops[step]!;
    currentOp = op;
    const rt = 'kind' in op ? rts[op.kind] : undefined;
    switch (op.op) {
      case 'create': {
        const what = `create ${op.kind}/${op.name}`;
        const body = bodyOf(op.kind, op.name, op.content, op.finalizers, op.bound);
        if (op.invalid === 'badName') body.metadata.name = `Bad_${op.name}`;
        if (op.invalid === 'wrongKind') body.kind = op.kind === 'pods' ? 'ConfigMap' : 'Pod';
        const got = attempt(() => api.create(rt!, namespace, body, { fieldManager: 'fuzz' }));
        if (op.invalid === 'badName') expectCode(what, got, 422, 'Invalid');
        else if (op.invalid === 'wrongKind') expectCode(what, got, 400, 'BadRequest');
        else if (current[op.kind].has(op.name)) expectCode(what, got, 409, 'AlreadyExists');
        else {
          expectCode(what, got, 200);
          const obj = got.value as KObject;
          checkWrite(what, op.kind, obj, { content: op.content, finalizers: op.finalizers });
          const previous = history.get(`${op.kind}/${op.name}`);
          const lastUid = events.findLast((e) => e.kind === op.kind && e.object.metadata.name === op.name)
            ?.object.metadata.uid;
          if (previous && obj.metadata.uid === lastUid) fail(`${what}: a re-created object kept the old uid`);
          stamp(what, obj);
          emit(op.kind, 'ADDED', obj);
        }
        scribble(got.value as KObject);
        break;
      }
      case 'update': {
        const what = `update ${op.kind}/${op.name} (resourceVersion ${op.rv})`;
        const before = current[op.kind].get(op.name);
        const rv = rvFor(op.kind, op.name, op.rv);
        const base = before ? structuredClone(before) : bodyOf(op.kind, op.name, {}, [], false);
        base.metadata.labels = { ...op.content } as Record<string, string>;
        if (op.kind === 'configmaps') (base as { data?: Content }).data = { ...op.content };
        if (op.finalizers.length > 0) base.metadata.finalizers = [...op.finalizers];
        else delete base.metadata.finalizers;
        if (rv === undefined) delete base.metadata.resourceVersion;
        else base.metadata.resourceVersion = rv;
        const got = attempt(() => api.update(rt!, namespace, op.name, base, { fieldManager: 'fuzz' }));
        if (!before) expectCode(what, got, 404, 'NotFound');
        else if (rv !== undefined && rv !== before.metadata.resourceVersion)
          expectCode(what, got, 409, 'Conflict');
        else if (
          before.metadata.deletionTimestamp &&
          op.finalizers.some((f) => !(before.metadata.finalizers ?? []).includes(f))
        ) {
          expectCode(what, got, 422, 'Invalid');
        } else {
          expectCode(what, got, 200);
          const obj = got.value as KObject;
          checkWrite(what, op.kind, obj, { content: op.content, finalizers: op.finalizers });
          if (obj.metadata.uid !== before.metadata.uid) fail(`${what}: the uid changed`);
          const changed =
            !sameContent(labelsOf(before), op.content) ||
            !isDeepStrictEqual(before.metadata.finalizers ?? [], op.finalizers);
          if (changed && rvOf(obj) === rvOf(before))
            fail(`${what}: content changed but the resourceVersion did not`);
          settle(op.kind, what, obj, before);
        }
        scribble(got.value as KObject);
        break;
      }
      case 'patch': {
        const what = `merge-patch ${op.kind}/${op.name} (resourceVersion ${op.rv})`;
        const before = current[op.kind].get(op.name);
        const rv = rvFor(op.kind, op.name, op.rv);
        const patch: Record<string, unknown> = {
          metadata: { labels: op.content, ...(rv !== undefined ? { resourceVersion: rv } : {}) },
        };
        if (op.kind === 'configmaps') patch.data = op.content;
        const got = attempt(() =>
          api.patch(rt!, namespace, op.name, 'application/merge-patch+json', patch, { fieldManager: 'fuzz' }),
        );
        if (!before) expectCode(what, got, 404, 'NotFound');
        else if (rv !== undefined && rv !== before.metadata.resourceVersion)
          expectCode(what, got, 409, 'Conflict');
        else {
          expectCode(what, got, 200);
          const obj = (got.value as { object: KObject }).object;
          const labels: Record<string, string | null | undefined> = { ...labelsOf(before), ...op.content };
          for (const k of Object.keys(labels)) if (labels[k] === null) delete labels[k];
          checkWrite(what, op.kind, obj, {
            content: labels as Content,
            finalizers: before.metadata.finalizers ?? [],
          });
          if (!sameContent(labelsOf(before), labels as Content) && rvOf(obj) === rvOf(before)) {
            fail(`${what}: content changed but the resourceVersion did not`);
          }
          settle(op.kind, what, obj, before);
          scribble(obj);
        }
        break;
      }
      case 'delete': {
        const what = `delete ${op.kind}/${op.name}`;
        const before = current[op.kind].get(op.name);
        const preconditions =
          op.precondition === 'currentRv'
            ? { resourceVersion: before?.metadata.resourceVersion ?? String(start) }
            : op.precondition === 'staleRv'
              ? { resourceVersion: staleRv(op.kind, op.name) }
              : op.precondition === 'otherUid'
                ? { uid: '00000000-0000-4000-8000-000000000000' }
                : undefined;
        const got = attempt(() =>
          api.delete(rt!, namespace, op.name, {
            gracePeriodSeconds: op.grace,
            propagationPolicy: op.orphan ? 'Orphan' : undefined,
            preconditions,
          }),
        );
        if (!before) {
          expectCode(what, got, 404, 'NotFound');
          break;
        }
        if (
          op.precondition === 'otherUid' ||
          (preconditions?.resourceVersion !== undefined &&
            preconditions.resourceVersion !== before.metadata.resourceVersion)
        ) {
          expectCode(what, got, 409, 'Conflict');
          break;
        }
        expectCode(what, got, 200);
        const { object, removed } = got.value as { object: KObject; removed: boolean };
        const finalizers = [...(before.metadata.finalizers ?? [])];
        if (op.orphan && !finalizers.includes('orphan')) finalizers.push('orphan');
        const bound = op.kind === 'pods' && !!(before.spec as { nodeName?: string }).nodeName;
        const grace = bound ? (op.grace ?? 30) : 0;
        const goes = finalizers.length === 0 && grace === 0;
        count(
          goes
            ? 'delete removed'
            : bound && grace > 0
              ? 'delete marked (graceful)'
              : 'delete marked (finalizers)',
        );
        if (removed !== goes)
          fail(
            `${what}: removed=${removed}, expected ${goes} (finalizers ${show(finalizers)}, grace ${grace})`,
          );
        if (api.find(rt!, namespace, op.name) && goes)
          fail(`${what}: answered removed but the object is still stored`);
        if (goes) {
          if (object.metadata.uid !== before.metadata.uid) fail(`${what}: the last state has another uid`);
          stamp(what, object);
          emit(op.kind, 'DELETED', object);
        } else {
          checkWrite(what, op.kind, object, { content: labelsOf(before), finalizers });
          if (!object.metadata.deletionTimestamp) fail(`${what}: no deletionTimestamp on a marked object`);
          const currentGrace = before.metadata.deletionGracePeriodSeconds;
          const expectGrace =
            before.metadata.deletionTimestamp && currentGrace !== undefined && grace >= currentGrace
              ? currentGrace
              : grace;
          if (object.metadata.deletionGracePeriodSeconds !== expectGrace) {
            fail(
              `${what}: deletionGracePeriodSeconds ${String(object.metadata.deletionGracePeriodSeconds)}, expected ${expectGrace}`,
            );
          }
          settle(op.kind, what, object, before);
        }
        scribble(object);
        break;
      }
      case 'get': {
        const what = `get ${op.kind}/${op.name}`;
        const want = current[op.kind].get(op.name);
        const got = attempt(() => api.get(rt!, namespace, op.name));
        if (!want) expectCode(what, got, 404, 'NotFound');
        else {
          expectCode(what, got, 200);
          if (!isDeepStrictEqual(got.value, want))
            fail(`${what}: served ${show(got.value)}, the model holds ${show(want)}`);
        }
        scribble(got.value as KObject);
        break;
      }
      case 'list': {
        const at = op.at === 'current' ? undefined : seen[op.at % seen.length]!;
        const what = `list ${op.kind}${at !== undefined ? ` at ${at} (Exact)` : ''}${op.pageSize ? ` in pages of ${op.pageSize}` : ''}`;
        const items: KObject[] = [];
        let listRv: string | undefined;
        let token: string | undefined;
        let pages = 0;
        do {
          // Two names per kind: more pages than that means the continue tokens go round in circles.
          if (++pages > 5) fail(`${what}: still answering continue tokens after ${pages - 1} pages`);
          const got = attempt(() =>
            api.list(rt!, namespace, {
              resourceVersion: token ? undefined : at !== undefined ? String(at) : undefined,
              resourceVersionMatch: token || at === undefined ? undefined : 'Exact',
              limit: op.pageSize,
              continue: token,
            }),
          );
          expectCode(what, got, 200);
          const list = got.value as {
            metadata: { resourceVersion: string; continue?: string };
            items: KObject[];
          };
          listRv ??= list.metadata.resourceVersion;
          if (list.metadata.resourceVersion !== listRv)
            fail(
              `${what}: a later page answered version ${list.metadata.resourceVersion}, the first ${listRv}`,
            );
          items.push(...structuredClone(list.items));
          for (const item of list.items) scribble(item);
          token = list.metadata.continue;
          if (op.pageSize && list.items.length > op.pageSize)
            fail(`${what}: a page of ${list.items.length} items`);
        } while (token);
        const wantRv = at ?? highest;
        if (at !== undefined && Number(listRv) !== at) fail(`${what}: answered version ${listRv}`);
        if (at === undefined && Number(listRv) < highest)
          fail(`${what}: answered version ${listRv}, older than ${highest} already seen`);
        const want = stateAt(op.kind, wantRv);
        if (!isDeepStrictEqual(items, want))
          fail(`${what}: served ${show(items)}, the model holds ${show(want)}`);
        if (at === undefined) seen.push(Number(listRv));
        break;
      }
      case 'watch': {
        const from =
          op.from === 'unset' ? undefined : op.from === 'now' ? highest : seen[op.from % seen.length]!;
        const what = `watch ${op.kind} from ${from ?? 'unset'}`;
        const received: WatchEvent[] = [];
        const got = attempt(() =>
          api.watch(
            rt!,
            namespace,
            { resourceVersion: from === undefined ? undefined : String(from) },
            (e) => {
              received.push(structuredClone(e));
            },
          ),
        );
        expectCode(what, got, 200);
        const initial =
          from === undefined
            ? stateAt(op.kind, highest).map((object) => ({
                kind: op.kind,
                type: 'ADDED' as const,
                rv: rvOf(object),
                object,
              }))
            : [];
        watches.push({
          kind: op.kind,
          what,
          initial,
          after: from ?? highest,
          received,
          handle: got.value as WatchHandle,
        });
        break;
      }
      case 'stopWatch': {
        const w = watches.filter((x) => x.stoppedAt === undefined)[op.index % Math.max(1, watches.length)];
        if (!w) break;
        w.handle.stop();
        w.stoppedAt = highest;
        break;
      }
    }
    for (const w of watches) {
      const until = w.stoppedAt ?? Number.POSITIVE_INFINITY;
      const want = [
        ...w.initial,
        ...events.filter((e) => e.kind === w.kind && e.rv > w.after && e.rv <= until),
      ].map((e) => ({ type: e.type, object: e.object }));
      if (w.after < highest && w.initial.length === 0 && want.length > 0)
        count('resumed watch events checked', want.length);
      if (!isDeepStrictEqual(w.received, want)) {
        const brief = (e: WatchEvent) => {
          const meta = (e.object as KObject).metadata ?? {};
          return `${e.type} ${String(meta.name)}@${String(meta.resourceVersion)}`;
        };
        const differing =
          w.received.length === want.length
            ? `; first differing event: ${show(w.received.find((e, i) => !isDeepStrictEqual(e, want[i])))} vs ${show(want.find((e, i) => !isDeepStrictEqual(e, w.received[i])))}`
            : '';
        fail(
          `${w.what} delivered ${show(w.received.map(brief))}, the model's log says ${show(want.map(brief))}${differing}`,
        );
      }
    }
  }
  for (const w of watches) w.handle.stop();
  return coverage;
}

/** How often each outcome occurred in a sequence (e.g. `update 409 Conflict`), to show what a run reached. */
export type Coverage = Record<string, number>;

/** Adds a sequence's coverage into a total. */
export function addCoverage(total: Coverage, more: Coverage): Coverage {
  for (const [k, v] of Object.entries(more)) total[k] = (total[k] ?? 0) + v;
  return total;
}
