/** What the CLI's commands share: usage errors and the strict parsing of their flags. */
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A command-line mistake: the message says what to fix; the caller prints usage advice. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses a command's flags strictly (no positionals). Undefined means help was asked for; a
 * mistake is a UsageError naming the flag. Every command also requires `--kubeconfig FILE`.
 */
export function parseCommandArgs<O extends Options>(
  args: string[],
  options: O,
):
  | (ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>['values'] & { kubeconfig: string })
  | undefined {
  let parsed: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    const e = err as { code?: string; message: string };
    const flag = /'(-[^' ]+)/.exec(e.message)?.[1];
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new UsageError(`unknown option ${flag ?? e.message}`);
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new UsageError(flag ? `option ${flag} needs a value` : e.message);
    }
    throw new UsageError(e.message);
  }
  const values = parsed.values as Record<string, unknown>;
  if (values.help) return undefined;
  if (parsed.positionals.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[0])}`);
  }
  if (typeof values.kubeconfig !== 'string' || !values.kubeconfig) {
    throw new UsageError('--kubeconfig FILE is required (where to write the kubeconfig)');
  }
  return parsed.values as ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>['values'] & {
    kubeconfig: string;
  };
}
