/** A minimal REST caller for the simulator's own tests: exact status codes and bodies, no client logic. */
import type { Cluster } from '../cluster.ts';

export interface RestAnswer {
  code: number;
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are read field by field
  body: any;
}

/** The Authorization header the cluster's kubeconfig implies: its bearer token, or none when it has none. */
export function authHeader(cluster: Cluster): Record<string, string> {
  const token = /token: (\S+)/.exec(cluster.kubeconfig)?.[1];
  return token ? { authorization: `Bearer ${token}` } : {};
}

export function restClient(cluster: Cluster) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<RestAnswer> => {
    const headers: Record<string, string> = { 'content-type': contentType, ...authHeader(cluster) };
    const res = await fetch(`${cluster.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    // kube-apiserver answers some paths in plain text (the mux's '404 page not found'): keep those as text.
    const json = res.headers.get('content-type')?.includes('json');
    return { code: res.status, body: !text ? undefined : json ? JSON.parse(text) : text };
  };
}
