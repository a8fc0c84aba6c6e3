/**
 * Secrets the operator creates (internal/controller/cluster_create.go, pkg/specs/secrets.go): the
 * application user `<cluster>-app`, `<cluster>-superuser` only while enableSuperuserAccess is true,
 * and the PKI secrets `-ca`, `-server`, `-replication` (placeholders: no TLS runs in the simulator).
 */
import type { KObject } from '../../api/types.ts';
import { stableStream } from '../stable-random.ts';
import { LABEL, secretNames, serviceNames } from './naming.ts';
import type { Pass } from './pass.ts';
import { controllerRef } from './state.ts';

const PASSWORD_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function b64(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64');
}

/** A 64-character password determined by the cluster's seed and the secret's identity. */
function password(pass: Pass, secret: string): string {
  const next = stableStream(pass.runtime, 'cnpg-password', pass.namespace, secret);
  let out = '';
  for (let i = 0; i < 64; i++) out += PASSWORD_ALPHABET[Math.floor(next() * PASSWORD_ALPHABET.length)];
  return out;
}

function metadata(pass: Pass, name: string, labels: Record<string, string> = {}): KObject['metadata'] {
  return {
    name,
    namespace: pass.namespace,
    labels: { [LABEL.cluster]: pass.name, ...labels },
    ownerReferences: [controllerRef(pass.cluster, true)],
  };
}

function userSecret(pass: Pass, name: string, user: string, dbname: string, userType: string): KObject {
  const pw = password(pass, name);
  const host = serviceNames(pass.name).rw;
  const fqdn = `${host}.${pass.namespace}.svc.cluster.local`;
  const db = dbname === '*' ? '' : dbname;
  const data: Record<string, string> = {
    username: user,
    user,
    password: pw,
    dbname,
    host,
    port: '5432',
    pgpass: `${host}:5432:${dbname}:${user}:${pw}\n`,
    uri: `postgresql://${user}:${pw}@${host}.${pass.namespace}:5432/${db}`,
    'jdbc-uri': `jdbc:postgresql://${host}.${pass.namespace}:5432/${db}?password=${pw}&user=${user}`,
    'fqdn-uri': `postgresql://${user}:${pw}@${fqdn}:5432/${db}`,
    'fqdn-jdbc-uri': `jdbc:postgresql://${fqdn}:5432/${db}?password=${pw}&user=${user}`,
  };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: metadata(pass, name, { [LABEL.userType]: userType, [LABEL.reload]: 'true' }),
    type: 'kubernetes.io/basic-auth',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  };
}

function pkiSecret(pass: Pass, name: string, type: string, keys: string[]): KObject {
  const placeholder = (what: string) =>
    b64(`simulated ${what} for ${name}: no TLS runs in the kubexpect simulator\n`);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: metadata(pass, name),
    type,
    data: Object.fromEntries(keys.map((k) => [k, placeholder(k)])),
  };
}

export function reconcileSecrets(pass: Pass): void {
  const rt = pass.kinds.secrets;
  if (!rt) return;
  const names = secretNames(pass.name);
  const exists = (name: string) => !!pass.api.find(rt, pass.namespace, name);
  if (!exists(names.ca)) pass.create(rt, pkiSecret(pass, names.ca, 'Opaque', ['ca.crt', 'ca.key']));
  if (!exists(names.server))
    pass.create(rt, pkiSecret(pass, names.server, 'kubernetes.io/tls', ['tls.crt', 'tls.key']));
  if (!exists(names.replication)) {
    pass.create(rt, pkiSecret(pass, names.replication, 'kubernetes.io/tls', ['tls.crt', 'tls.key']));
  }
  const initdb = pass.spec.bootstrap?.initdb;
  if (initdb && !exists(names.app)) {
    pass.create(rt, userSecret(pass, names.app, initdb.owner ?? 'app', initdb.database ?? 'app', 'app'));
  }
  const superuser = pass.api.find(rt, pass.namespace, names.superuser);
  if (pass.spec.enableSuperuserAccess) {
    if (!superuser) pass.create(rt, userSecret(pass, names.superuser, 'postgres', '*', 'superuser'));
  } else if (
    superuser &&
    (superuser.metadata.ownerReferences ?? []).some((r) => r.uid === pass.cluster.metadata.uid)
  ) {
    pass.delete(rt, names.superuser);
  }
}
