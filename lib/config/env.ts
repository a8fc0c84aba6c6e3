/**
 * The one place kubexpect reads environment variables. Everything else asks this module, so the
 * list of knobs a user can turn is here and nowhere else.
 */

/** The variables kubexpect understands, with what each one does (used in error messages and docs). */
export const ENV_VARS = {
  KUBEXPECT_TIMEOUTS: 'JSON object of named budget → duration (seconds as a number, or "90s", "2m")',
  KUBEXPECT_SLOW_FACTOR: 'a positive number every budget is multiplied by (e.g. 2 on a slow cluster)',
  KUBEXPECT_PROGRESS: '"on", "off", or a duration after which a long wait prints progress lines to stderr',
  KUBEXPECT_STORAGE_PROFILES:
    'path of a YAML or JSON file of storage profiles that take precedence over the built-in table',
  KUBECONFIG: 'path(s) of the kubeconfig file(s) connect() uses by default',
  CI: 'set by CI systems; progress output is off there unless KUBEXPECT_PROGRESS says otherwise',
  KUBEXPECT_LABEL_FILTER:
    'a Ginkgo label filter (e.g. "disruptive && !slow") selecting which kubexpect/dsl specs run',
  KUBEXPECT_STEPS:
    '"on" or "off": whether By() steps are printed live (default on, off under mocha --parallel; reports keep them either way)',
  KUBEXPECT_REPORT_DIR: 'directory for failure reports of kubexpect/dsl specs (default "reports")',
  KUBEXPECT_CLUSTER:
    '"embedded" (default: the sample specs start simulated clusters), "kubeconfig" (use KUBECONFIG, e.g. kind) or "controlplane" (a real control plane per preset, from kubexpect/controlplane; its binaries from KUBEXPECT_CONTROLPLANE_BIN, KUBEBUILDER_ASSETS or go/build.sh)',
  KUBEXPECT_ALLOW_DISRUPTION:
    'the name of a kubeconfig context that drain, cordon, taints, labels, evictions and deletes outside the namespaces of the run may disrupt although it is neither marked as a test cluster (ConfigMap kube-public/kubexpect-test-cluster) nor a kind context on loopback; it must equal the name of the current context',
  KUBEXPECT_SIM_TOKEN:
    'bearer token `kubexpect sim` requires of clients (written into its kubeconfig); kept out of the command line, where the process list would show it',
  MOCHA_WORKER_ID:
    'set by mocha --parallel in its workers; Serial specs then take a lock shared by the workers',
} as const;

export type EnvVarName = keyof typeof ENV_VARS;

/** Reads one known variable; empty strings count as unset. */
export function readEnv(name: EnvVarName, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * A variable a fixture template names (`${E2E_DEFAULT_STORAGE_CLASS}`), looked up like envsubst
 * does; empty strings count as unset, as in CNPG's strict envsubst.
 */
export function readTemplateVariable(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}
