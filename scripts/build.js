#!/usr/bin/env node
// npm run build: compiles lib/ to dist/ (ESM JavaScript, .d.ts, source maps with their sources
// inlined) with tsconfig.build.json, then copies what the compiled code loads at run time and tsc
// does not emit: every lib/**/data/** folder (OpenAPI JSON, proto files…), to the same place under
// dist/. It runs on prepare/prepack, so it must be quick and must work on a fresh clone.
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const lib = join(root, 'lib');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
// typescript's exports do not list bin/tsc; its package.json is listed, and bin/tsc sits beside it.
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
    cwd: root,
    stdio: 'inherit',
  });
} catch {
  console.error('build: tsc reported errors (above); dist/ is incomplete');
  process.exit(1);
}

/** Every folder named `data` under lib/, skipping node_modules and the folders tests own. */
function dataFolders(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name === 'testing') continue;
    const path = join(dir, entry.name);
    if (entry.name === 'data') found.push(path);
    else found.push(...dataFolders(path));
  }
  return found;
}

const copied = dataFolders(lib);
for (const folder of copied) cpSync(folder, join(dist, relative(lib, folder)), { recursive: true });
console.log(
  `build: dist/ compiled${copied.length ? `; copied ${copied.map((f) => relative(root, f)).join(', ')}` : ''}`,
);
