#!/usr/bin/env node
// The kubexpect command line. The library ships as TypeScript, so tsx is registered first.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
// Once the command is done nothing should keep the process alive; never linger if something does.
setTimeout(() => process.exit(), 2000).unref();
