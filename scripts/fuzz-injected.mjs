#!/usr/bin/env node
// Shows that the store fuzzer (lib/sim/api/store.fuzz.test.ts) catches store bugs: each bug below is
// applied as a temporary patch to a scratch copy of lib/ (never to the tree), the fuzzer runs there
// with a fresh seed, and the script reports which bugs it caught. The unpatched copy runs first
// and must pass.
//   node scripts/fuzz-injected.mjs [BUG-NAME...]     (default: every bug; exit 1 if one is missed)
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Each bug: the file, the exact text it replaces (found exactly once), and its replacement. */
const BUGS = [
  {
    name: 'create-overwrites-existing',
    what: 'create stores over an existing object instead of answering 409 AlreadyExists',
    file: 'lib/sim/api/api.ts',
    find: 'if (this.store.get(resourceKey(rt), meta.namespace, meta.name!))\n      throw alreadyExists(this.gr(rt), meta.name!);',
    replace: '',
  },
  {
    name: 'get-aliases-stored-object',
    what: 'get answers the stored object itself, so a caller changing the answer changes the store',
    file: 'lib/sim/api/store.ts',
    find: 'return obj ? clone(obj) : undefined;',
    replace: 'return obj;',
  },
  {
    name: 'insert-aliases-stored-object',
    what: 'create answers the stored object itself',
    file: 'lib/sim/api/store.ts',
    find: "this.record({ resource, type: 'ADDED', rv: this.revision, object: stored });\n    return clone(stored);",
    replace:
      "this.record({ resource, type: 'ADDED', rv: this.revision, object: stored });\n    return stored;",
  },
  {
    name: 'lost-deleted-event',
    what: 'live watchers never receive DELETED',
    file: 'lib/sim/api/store.ts',
    find: 'for (const listener of [...listeners]) listener(change);',
    replace: "for (const listener of [...listeners]) if (change.type !== 'DELETED') listener(change);",
  },
  {
    name: 'resume-skips-an-event',
    what: 'a watch resumed from a resourceVersion misses the first change after it',
    file: 'lib/sim/api/store.ts',
    find: 'return (this.logs.get(resource)?.changes ?? []).filter((c) => c.rv > rv);',
    replace: 'return (this.logs.get(resource)?.changes ?? []).filter((c) => c.rv > rv).slice(1);',
  },
  {
    name: 'resume-repeats-an-event',
    what: 'a watch resumed from a resourceVersion replays the change at that version',
    file: 'lib/sim/api/store.ts',
    find: 'return (this.logs.get(resource)?.changes ?? []).filter((c) => c.rv > rv);',
    replace: 'return (this.logs.get(resource)?.changes ?? []).filter((c) => c.rv >= rv);',
  },
  {
    name: 'stale-put-no-conflict',
    what: 'an update (PUT) with a stale resourceVersion is stored instead of answering 409 Conflict',
    file: 'lib/sim/api/api.ts',
    find: 'if (rv && rv !== old.metadata.resourceVersion) throw conflict(this.gr(rt), name, OPTIMISTIC_LOCK_MESSAGE);\n    return this.store_update(rt, old, incoming,',
    replace: 'return this.store_update(rt, old, incoming,',
  },
  {
    name: 'stale-patch-no-conflict',
    what: 'a patch carrying a stale resourceVersion is stored instead of answering 409 Conflict',
    file: 'lib/sim/api/api.ts',
    find: 'if (rv && rv !== old.metadata.resourceVersion) throw conflict(this.gr(rt), name, OPTIMISTIC_LOCK_MESSAGE);\n    return { object: this.store_update(rt, old, next,',
    replace: 'return { object: this.store_update(rt, old, next,',
  },
  {
    name: 'delete-ignores-rv-precondition',
    what: 'a delete with a stale resourceVersion precondition goes ahead',
    file: 'lib/sim/api/api.ts',
    find: 'if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {',
    replace: 'if (false && pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {',
  },
  {
    name: 'deleted-reuses-resource-version',
    what: 'the DELETED state carries no new resourceVersion',
    file: 'lib/sim/api/store.ts',
    find: 'last.metadata.resourceVersion = String(++this.revision);',
    replace: 'last.metadata.resourceVersion = String(this.revision);',
  },
  {
    name: 'last-finalizer-keeps-object',
    what: 'removing the last finalizer of an object marked for deletion leaves it stored',
    file: 'lib/sim/api/api.ts',
    find: 'if (graceLeft === 0) {',
    replace: 'if (graceLeft === 0 && Math.random() < 0) {',
  },
  {
    name: 'exact-list-serves-current',
    what: 'a list with resourceVersionMatch=Exact serves the current state',
    file: 'lib/sim/api/api.ts',
    find: 'if (exact) at = rv;',
    replace: '',
  },
  {
    name: 'continue-repeats-an-item',
    what: 'the next page of a paged list starts with the last item of the previous page',
    file: 'lib/sim/api/api.ts',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template literal
    find: 'meta.continue = encodeContinue(listRv, `${keyOf(items[items.length - 1]!)}\\u0000`);',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template literal
    replace: 'meta.continue = encodeContinue(listRv, `${keyOf(items[items.length - 1]!)}`);',
  },
  {
    name: 'modified-event-carries-old-state',
    what: 'MODIFIED events carry the object before the change',
    file: 'lib/sim/api/store.ts',
    find: "this.record({ resource, type: 'MODIFIED', rv: this.revision, object: stored, previous });",
    replace:
      "this.record({ resource, type: 'MODIFIED', rv: this.revision, object: previous ? { ...previous, metadata: { ...previous.metadata, resourceVersion: stored.metadata.resourceVersion } } : stored, previous });",
  },
];

let child;
function run(cwd, env) {
  return new Promise((done) => {
    const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
    // The sequence tests only: the coverage and message tests do not change with a bug.
    child = execFile(
      process.execPath,
      [
        mocha,
        '--no-parallel',
        '--timeout',
        '300000',
        '--grep',
        'agrees with the model',
        'lib/sim/api/store.fuzz.test.ts',
      ],
      // Its own process group, so the mocha it starts (with tsx) ends with it.
      { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, detached: true },
      (err, stdout, stderr) => {
        clearTimeout(timer);
        done({ code: err ? (err.code ?? 1) : 0, output: `${stdout}${stderr}` });
      },
    );
    const timer = setTimeout(stopChild, 600_000);
  });
}

function stopChild() {
  try {
    if (child?.pid) process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!BUGS.some((b) => b.name === name)) {
    console.error(`unknown bug "${name}"; known: ${BUGS.map((b) => b.name).join(', ')}`);
    process.exit(2);
  }
}
const bugs = wanted.length > 0 ? BUGS.filter((b) => wanted.includes(b.name)) : BUGS;

const scratch = mkdtempSync(join(tmpdir(), 'kubexpect-fuzz-injected-'));
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopChild();
    rmSync(scratch, { recursive: true, force: true });
    process.exit(130);
  });
}
let missed = 0;
try {
  for (const entry of ['lib', 'package.json', 'tsconfig.json', '.mocharc.json']) {
    cpSync(join(root, entry), join(scratch, entry), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'), 'dir');
  const originals = new Map();
  for (const bug of BUGS) originals.set(bug.file, readFileSync(join(root, bug.file), 'utf8'));

  const started = Date.now();
  const baseline = await run(scratch, {});
  console.log(
    `unpatched copy: ${baseline.code === 0 ? 'passes' : 'FAILS'} (${Math.round((Date.now() - started) / 1000)} s)`,
  );
  if (baseline.code !== 0) {
    console.log(baseline.output);
    process.exitCode = 1;
  } else {
    for (const bug of bugs) {
      const text = originals.get(bug.file);
      const count = text.split(bug.find).length - 1;
      if (count !== 1) {
        console.log(
          `- ${bug.name}: cannot apply (the text to replace occurs ${count} times in ${bug.file}; update this script)`,
        );
        missed++;
        continue;
      }
      const seed = Math.floor(Math.random() * 2 ** 31);
      writeFileSync(
        join(scratch, bug.file),
        text.replace(bug.find, () => bug.replace),
      );
      const t0 = Date.now();
      const result = await run(scratch, { KUBEXPECT_FUZZ_SEED: String(seed) });
      writeFileSync(join(scratch, bug.file), text);
      const caught = result.code !== 0 && result.output.includes('diverged from its model');
      const first = result.output.match(/step \d+ \{[^\n]*?\}: ([^\n]{0,160})/);
      console.log(
        `- ${bug.name} (${bug.what}): ${caught ? 'CAUGHT' : 'MISSED'} with seed ${seed} in ${Math.round((Date.now() - t0) / 1000)} s${first ? ` — ${first[1]}` : ''}`,
      );
      if (!caught) {
        missed++;
        if (result.code !== 0) console.log(result.output.slice(-3000));
      }
    }
    console.log(`${bugs.length - missed} of ${bugs.length} injected bugs caught`);
    if (missed > 0) process.exitCode = 1;
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
