/** Creating a CloudNativePG cluster from a fixture and waiting until it is ready. */
import { readFile } from 'node:fs/promises';
import type { Connection } from '../client/index.ts';
import { readTemplateVariable } from '../config/env.ts';
import type { WaitOptions } from '../expect/index.ts';
import { applyFixture } from '../ops/index.ts';
import { detectStorage } from '../storage/index.ts';
import { eventuallyCluster } from './eventually-cluster.ts';
import type { CnpgCluster } from './types.ts';

export interface CreateClusterOptions {
  /** Values for the fixture's `${VAR}`s. E2E_DEFAULT_STORAGE_CLASS defaults to the cluster's default class. */
  readonly variables?: Readonly<Record<string, string | number | boolean>>;
  /** How long to wait for readiness. Default the `clusterIsReady` budget. */
  readonly timeout?: WaitOptions['timeout'];
  /** Resolve as soon as the Cluster is created, without waiting. Default false. */
  readonly noWait?: boolean;
}

/**
 * Applies a fixture holding one `postgresql.cnpg.io/v1` Cluster (and anything else it needs) into
 * `namespace`, then waits until the cluster is ready. Resolves to the ready Cluster.
 */
export async function createClusterFromFixture(
  conn: Connection,
  namespace: string,
  fixture: string,
  options: CreateClusterOptions = {},
): Promise<CnpgCluster> {
  const variables: Record<string, string | number | boolean> = { ...options.variables };
  const needsClass =
    !variables.E2E_DEFAULT_STORAGE_CLASS && !readTemplateVariable('E2E_DEFAULT_STORAGE_CLASS');
  if (
    needsClass &&
    /\$\{E2E_DEFAULT_STORAGE_CLASS\}/.test(fixture.includes('\n') ? fixture : await readText(fixture))
  ) {
    // Like CNPG's suite: detected from the cluster when the environment does not name it.
    try {
      variables.E2E_DEFAULT_STORAGE_CLASS = (await detectStorage(conn)).storageClass;
    } catch (err) {
      throw new Error(
        `createClusterFromFixture: the fixture uses \${E2E_DEFAULT_STORAGE_CLASS} and the cluster's default class cannot be detected (${(err as Error).message}); set E2E_DEFAULT_STORAGE_CLASS or pass it in { variables }`,
      );
    }
  }
  const applied = await applyFixture(conn, fixture, { namespace, variables });
  const clusters = applied.filter((o) => o.apiVersion === 'postgresql.cnpg.io/v1' && o.kind === 'Cluster');
  if (clusters.length !== 1) {
    throw new Error(
      `createClusterFromFixture: ${fixture.includes('\n') ? 'the fixture text' : fixture} must hold exactly one postgresql.cnpg.io/v1 Cluster, found ${clusters.length}`,
    );
  }
  const name = clusters[0]!.metadata!.name!;
  if (options.noWait) return clusters[0] as unknown as CnpgCluster;
  return eventuallyCluster(conn, namespace, name, {
    timeout: options.timeout ?? 'clusterIsReady',
  }).toBeReady();
}

/** The fixture's text, to see which variables it needs; applyFixture reports unreadable files. */
function readText(path: string): Promise<string> {
  return readFile(path, 'utf8').catch(() => '');
}
