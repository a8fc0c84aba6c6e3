/**
 * The manifests kubexpect ships in its `fixtures/` folder (CloudNativePG clusters, storage classes,
 * a kind config, a storage-profile example), addressed the same way from the sources and from an
 * installed package: `fixturePath('cnpg/cluster-three-instances.yaml')`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// lib/fixture-path.ts and dist/fixture-path.js both sit one level below the package root.
const FIXTURES = new URL('../fixtures/', import.meta.url);

/** The absolute path of a shipped fixture; throws a TypeError listing the fixtures when there is none. */
export function fixturePath(name: string): string {
  if (typeof name !== 'string' || name === '' || name.startsWith('/') || name.split(/[\\/]/).includes('..')) {
    throw new TypeError(
      `fixturePath: expected a path inside kubexpect's fixtures folder, like 'cnpg/cluster-three-instances.yaml', got ${JSON.stringify(name)}`,
    );
  }
  const url = new URL(name, FIXTURES);
  if (!existsSync(url)) {
    throw new TypeError(
      `fixturePath: kubexpect ships no fixture ${JSON.stringify(name)}; it has ${listFixtures().join(', ')}`,
    );
  }
  return fileURLToPath(url);
}

function listFixtures(dir = FIXTURES, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? listFixtures(new URL(`${e.name}/`, dir), `${prefix}${e.name}/`)
      : [`${prefix}${e.name}`],
  );
}
