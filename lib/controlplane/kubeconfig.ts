/** Kubeconfig files for the control plane: certificates inline, written mode 0600 by rename. */
import { randomBytes } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import type { Issued } from './certs.ts';

const b64 = (pem: string) => Buffer.from(pem).toString('base64');

export function kubeconfigYaml(server: string, caPem: string, user: Issued, name: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'certificate-authority-data': b64(caPem) } }],
    users: [
      {
        name,
        user: { 'client-certificate-data': b64(user.cert), 'client-key-data': b64(user.key) },
      },
    ],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    'current-context': name,
  });
}

/** Writes a file readable by its owner only; a reader never sees half of it (temp file, then rename). */
export async function writePrivateFile(path: string, text: string): Promise<void> {
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, text, { mode: 0o600 });
  await rename(temp, path);
}
