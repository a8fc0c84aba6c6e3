#!/usr/bin/env node
// The kubexpect command line. An installed package runs the compiled dist/. A checkout of the
// repository (lib/ beside bin/) runs its sources through tsx, a devDependency there, so the
// repository's own tests never run a stale build.
import { existsSync } from 'node:fs';

const fromSources = existsSync(new URL('../lib/cli/main.ts', import.meta.url));
let main;
if (fromSources) {
  // Registers tsx's loader, as `node --import tsx` does. The specifier is a variable because the
  // dependency check's resolver cannot resolve tsx's exports (it is a devDependency, used only here).
  const loader = 'tsx';
  await import(loader);
  ({ main } = await import('../lib/cli/main.ts'));
} else {
  ({ main } = await import('../dist/cli/main.js'));
}
process.exitCode = await main(process.argv.slice(2));
// Once the command is done nothing should keep the process alive; never linger if something does.
setTimeout(() => process.exit(), 2000).unref();
