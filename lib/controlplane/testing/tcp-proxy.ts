/**
 * A TCP pass-through to the real API server that can cut every open connection, as a network
 * blip or a load balancer would: TLS stays end to end (the serving certificate names 127.0.0.1,
 * whatever the port), so watches drop and clients reconnect exactly as they would in production.
 */
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';

export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private refusing = false;

  /** Listens on a free loopback port in front of `target` (`https://127.0.0.1:PORT`); answers its own URL. */
  async start(target: string): Promise<string> {
    const { hostname, port } = new URL(target);
    this.server = createServer((client) => {
      if (this.refusing) {
        client.destroy();
        return;
      }
      const upstream = netConnect(Number(port), hostname);
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
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    return `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  /** Cuts every open connection (watches included); new ones are accepted as before. */
  dropAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  /** Cuts every connection and refuses new ones until resume(): the server looks unreachable. */
  pause(): void {
    this.refusing = true;
    this.dropAll();
  }

  resume(): void {
    this.refusing = false;
  }

  async stop(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The kubeconfig YAML with its server URL replaced (the one in front of the proxy). */
export function throughProxy(kubeconfigYaml: string, server: string, proxyUrl: string): string {
  return kubeconfigYaml.split(server).join(proxyUrl);
}
