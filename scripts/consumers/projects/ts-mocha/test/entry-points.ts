// Every entry point's declarations, type-checked by the consumer's strict tsc (skipLibCheck off).
export * as core from 'kubexpect';
export * as chai from 'kubexpect/chai';
export * as cnpg from 'kubexpect/cnpg';
export * as controlplane from 'kubexpect/controlplane';
export * as dsl from 'kubexpect/dsl';
export * as sim from 'kubexpect/sim';
