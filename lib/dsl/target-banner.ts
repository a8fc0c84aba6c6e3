/**
 * The line a run prints before its first spec touches a cluster: which context and server it runs
 * against, and whether disruptive actions (drain, cordon, taints, evictions) are allowed there.
 */
import type { Connection } from '../client/index.ts';
import { targetVerdict } from '../ops/index.ts';

const announced = new Set<string>();

/**
 * Prints the target once per run (per `key`: the embedded clusters share one line, a kubeconfig
 * context has its own). Resolves to the line, or undefined when it was printed already.
 */
export async function announceTarget(
  conn: Connection,
  key: string,
  write: (line: string) => void = (line) => process.stderr.write(line),
): Promise<string | undefined> {
  if (announced.has(key)) return undefined;
  announced.add(key);
  const verdict = await targetVerdict(conn);
  const what = key === 'embedded' ? 'the embedded clusters, e.g. context' : 'context';
  const line = `kubexpect: running against ${what} "${verdict.context}" (server ${verdict.server}); disruptive actions ${verdict.disruptionAllowed ? 'allowed' : 'refused'}: ${verdict.reason}\n`;
  write(line);
  return line;
}
