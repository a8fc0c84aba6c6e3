/**
 * Checks of CloudNativePG's validating webhook (vcluster.cnpg.io) with its messages, from
 * internal/webhook/v1/cluster_webhook.go at v1.30.0: the cluster name (a DNS-1035 label of at most 50
 * characters, as the instance names add a serial), the synchronous replica bounds, and the
 * PostgreSQL parameters the operator owns (pkg/postgres/configuration.go FixedConfigurationParameters).
 */
import type { FieldError } from '../../api/errors.ts';
import type { ClusterSpec } from './types.ts';

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Parameters the operator sets itself; a user value is refused unless it is the operator's own. */
const FIXED_PARAMETERS = new Set([
  'allow_system_table_mods',
  'archive_mode',
  'bonjour',
  'bonjour_name',
  'cluster_name',
  'config_file',
  'data_directory',
  'data_sync_retry',
  'event_source',
  'external_pid_file',
  'hba_file',
  'hot_standby',
  'ident_file',
  'jit_provider',
  'listen_addresses',
  'logging_collector',
  'port',
  'primary_conninfo',
  'primary_slot_name',
  'recovery_target',
  'recovery_target_action',
  'recovery_target_inclusive',
  'recovery_target_lsn',
  'recovery_target_name',
  'recovery_target_time',
  'recovery_target_timeline',
  'recovery_target_xid',
  'restore_command',
  'shared_preload_libraries',
  'temp_tablespaces',
  'unix_socket_directories',
  'unix_socket_group',
  'unix_socket_permissions',
  'archive_cleanup_command',
  'archive_command',
  'log_destination',
  'log_directory',
  'log_file_mode',
  'log_filename',
  'log_rotation_age',
  'log_rotation_size',
  'log_truncate_on_rotation',
  'pg_failover_slots.primary_dsn',
  'pg_failover_slots.standby_slot_names',
  'promote_trigger_file',
  'recovery_end_command',
  'recovery_min_apply_delay',
  'restart_after_crash',
  'ssl',
  'ssl_ca_file',
  'ssl_cert_file',
  'ssl_crl_file',
  'ssl_dh_params_file',
  'ssl_ecdh_curve',
  'ssl_key_file',
  'ssl_passphrase_command',
  'ssl_passphrase_command_supports_reload',
  'ssl_prefer_server_ciphers',
  'stats_temp_directory',
  'synchronous_standby_names',
  'synchronized_standby_slots',
  'syslog_facility',
  'syslog_ident',
  'syslog_sequence_numbers',
  'syslog_split_messages',
]);

/** The values the operator's own configuration gives the fixed parameters users commonly repeat. */
const OPERATOR_VALUES: Readonly<Record<string, string>> = {
  port: '5432',
  archive_mode: 'on',
  shared_preload_libraries: '',
};

const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/;

/** validateMinSyncReplicas and validateMaxSyncReplicas. */
export function syncReplicaChecks(spec: ClusterSpec): FieldError[] {
  const errors: FieldError[] = [];
  const instances = spec.instances ?? 1;
  const maxSync = spec.maxSyncReplicas ?? 0;
  const minSync = spec.minSyncReplicas ?? 0;
  if (minSync < 0) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.minSyncReplicas',
      value: minSync,
      detail: 'minSyncReplicas must be a non negative integer',
    });
  }
  if (minSync > maxSync) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.minSyncReplicas',
      value: minSync,
      detail: 'minSyncReplicas cannot be greater than maxSyncReplicas',
    });
  }
  if (maxSync < 0) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.maxSyncReplicas',
      value: maxSync,
      detail: 'maxSyncReplicas must be a non negative integer',
    });
  }
  if (maxSync >= instances) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.maxSyncReplicas',
      value: maxSync,
      detail: 'maxSyncReplicas must be lower than the number of instances',
    });
  }
  return errors;
}

/** validateName. */
export function nameChecks(name: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!(name.length <= 63 && DNS1035_LABEL.test(name))) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'metadata.name',
      value: name,
      detail: 'cluster name must be a valid DNS label',
    });
  }
  if (name.length > 50) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'metadata.name',
      value: name,
      detail: 'the maximum length of a cluster name is 50 characters',
    });
  }
  return errors;
}

/** validateConfiguration's parameter checks. */
export function parameterChecks(spec: ClusterSpec): FieldError[] {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(spec.postgresql?.parameters ?? {})) {
    const field = `spec.postgresql.parameters.${key}`;
    if (!PARAMETER_NAME.test(key)) {
      errors.push({
        type: 'FieldValueInvalid',
        field,
        value: key,
        detail:
          'must be a valid PostgreSQL configuration parameter name (a GUC name, optionally namespaced with a single dot)',
      });
    } else if (FIXED_PARAMETERS.has(key) && OPERATOR_VALUES[key] !== value) {
      errors.push({
        type: 'FieldValueInvalid',
        field,
        value,
        detail: "Can't set fixed configuration parameter",
      });
    }
  }
  return errors;
}
