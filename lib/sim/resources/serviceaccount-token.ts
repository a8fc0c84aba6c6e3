/**
 * POST serviceaccounts/{name}/token (authentication.k8s.io/v1 TokenRequest), what `kubectl create
 * token` sends (pkg/registry/core/serviceaccount/storage/token.go): a JWT with the real claims (the
 * cluster's issuer and default audience, the account's name and uid), signed RS256 with a key made
 * once per process. The embedded cluster does not authenticate with these tokens: every client is
 * its admin (README, "what the embedded cluster does not do").
 */
import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import type { SubresourceHandler } from '../api/api.ts';
import { invalid } from '../api/errors.ts';
import { isPlainObject, timestamp } from '../api/types.ts';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const MIN_SECONDS = 600;
const MAX_SECONDS = 2 ** 32;

let signingKey: KeyObject | undefined;

function jwt(claims: Record<string, unknown>): string {
  signingKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const head = `${part({ alg: 'RS256', kid: 'kubexpect-sim' })}.${part(claims)}`;
  return `${head}.${sign('sha256', Buffer.from(head), signingKey).toString('base64url')}`;
}

interface TokenRequestSpec {
  audiences?: string[];
  expirationSeconds?: number;
  boundObjectRef?: unknown;
}

export const serviceAccountToken: SubresourceHandler = {
  create(api, rt, namespace, name, body) {
    const account = api.get(rt, namespace, name);
    const asked = (isPlainObject(body.spec) ? body.spec : {}) as TokenRequestSpec;
    const expirationSeconds = asked.expirationSeconds ?? 3600;
    if (expirationSeconds < MIN_SECONDS || expirationSeconds > MAX_SECONDS) {
      throw invalid('TokenRequest', 'authentication.k8s.io', '', [
        {
          type: 'FieldValueInvalid',
          field: 'spec.expirationSeconds',
          value: expirationSeconds,
          detail:
            expirationSeconds < MIN_SECONDS
              ? 'may not specify a duration less than 10 minutes'
              : 'may not specify a duration larger than 2^32 seconds',
        },
      ]);
    }
    const audiences = asked.audiences?.length ? asked.audiences : [ISSUER];
    const now = api.now();
    const iat = Math.floor(now.getTime() / 1000);
    const token = jwt({
      aud: audiences,
      exp: iat + expirationSeconds,
      iat,
      iss: ISSUER,
      jti: randomUUID(),
      'kubernetes.io': {
        namespace,
        serviceaccount: { name, uid: account.metadata.uid },
      },
      nbf: iat,
      sub: `system:serviceaccount:${namespace}:${name}`,
    });
    return {
      code: 201,
      body: {
        kind: 'TokenRequest',
        apiVersion: 'authentication.k8s.io/v1',
        metadata: { name, namespace, uid: account.metadata.uid, creationTimestamp: timestamp(now) },
        spec: { audiences, expirationSeconds, boundObjectRef: asked.boundObjectRef ?? null },
        status: { token, expirationTimestamp: timestamp(new Date(now.getTime() + expirationSeconds * 1000)) },
      },
    };
  },
};
