/** Small network helpers for start-up: free loopback ports and health probes. */
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `n` distinct free ports. */
export async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

export interface TlsClient {
  ca?: string;
  cert?: string;
  key?: string;
}

/** GETs a URL; resolves with the status and body, or an error message (never rejects). */
export function probe(
  url: string,
  tls: TlsClient = {},
): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const options = {
      timeout: 5000,
      ...(url.startsWith('https:')
        ? tls.ca
          ? { ca: tls.ca, cert: tls.cert, key: tls.key }
          : // The scheduler's and controller-manager's self-signed serving certificates: only /healthz is read.
            { rejectUnauthorized: false }
        : {}),
    };
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const req = get(url, options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', (err) => resolve({ error: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', (err) => resolve({ error: err.message }));
  });
}
