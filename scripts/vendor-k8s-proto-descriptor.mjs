// Compiles lib/sim/data/proto/**/*.proto into lib/sim/data/proto/descriptor.json (protobufjs JSON,
// field names kept as declared), which the embedded cluster loads at run time faster than parsing
// the .proto text. Run after scripts/vendor-k8s-proto.py: node scripts/vendor-k8s-proto-descriptor.mjs
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const dir = fileURLToPath(new URL('../lib/sim/data/proto/', import.meta.url));

export function protoFiles() {
  const files = [];
  const walk = (d) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.proto')) files.push(relative(dir, p));
    }
  };
  walk(dir);
  return files;
}

export function compile() {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(dir, target);
  root.loadSync(protoFiles(), { keepCase: true });
  return root.toJSON({ keepComments: false });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(join(dir, 'descriptor.json'), `${JSON.stringify(compile())}\n`);
}
