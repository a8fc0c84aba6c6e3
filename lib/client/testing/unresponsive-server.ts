/**
 * Servers that misbehave at the TCP level, for tests of bounded waits: one that accepts every
 * connection and never answers (a SIGSTOPped API server looks like this to a client), and a
 * forwarder to a real API server that can be down (connection refused) and come back later on the
 * same port. Both listen on 127.0.0.1 only.
 */
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';

/** Accepts connections and never answers. `openSockets` says whether the client let go of them. */
export class UnresponsiveServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  /** Connections ever accepted. */
  accepted = 0;

  constructor() {
    this.server = createServer((socket) => {
      this.accepted++;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {});
      socket.resume(); // read and drop whatever is sent; answer nothing
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as { port: number };
    return `http://127.0.0.1:${port}`;
  }

  /** Connections the client still holds open. */
  get openSockets(): number {
    return this.sockets.size;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * A TCP forwarder to `target` (host:port of an API server) on a port chosen now but opened only
 * when `up()` is called: until then connections are refused, as with an API server not yet
 * started or restarting. `down()` closes it again and cuts every open connection.
 */
export class LateForwarder {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  /** Reserves a free port (listen, then close) and returns the URL that will serve on it. */
  async reserve(): Promise<string> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    this.port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return `http://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = netConnect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A kubeconfig for a plain-HTTP server at `url` (no credentials). */
export function kubeconfigFor(url: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: test',
    '  cluster:',
    `    server: ${url}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    '- name: test',
    '  user: {}',
    'contexts:',
    '- name: test',
    '  context: { cluster: test, user: test }',
    'current-context: test',
    '',
  ].join('\n');
}
