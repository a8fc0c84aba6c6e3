/**
 * The RBAC authorizer's evaluation (plugin/pkg/auth/authorizer/rbac, pkg/registry/rbac/validation
 * rule.go), for the access reviews: the bindings that apply to a user (by name, group or service
 * account), visited cluster-wide first and then in the namespace, and the rules of their roles.
 * The simulator serves every request as its one admin identity; these answer reviews about anyone.
 */
import type { StrategyContext } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { RBAC_GROUP } from './rbac.ts';

/** Who the simulator's clients are: the admin, as the real control plane's admin certificate says. */
export const ADMIN_USER: UserInfo = {
  username: 'kubexpect-admin',
  groups: ['system:masters', 'system:authenticated'],
};

export interface UserInfo {
  username: string;
  groups: string[];
}

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

export interface NonResourceAttributes {
  path?: string;
  verb?: string;
}

interface Subject {
  kind?: string;
  name?: string;
  namespace?: string;
}

interface Binding extends KObject {
  roleRef?: { kind?: string; name?: string };
  subjects?: Subject[];
}

/** A rule with where it came from, worded as the real authorizer's reasons word it. */
interface SourcedRule {
  rule: PolicyRule;
  source: string;
}

function appliesToUser(user: UserInfo, subject: Subject, namespace: string): boolean {
  if (subject.kind === 'User') return subject.name === user.username;
  if (subject.kind === 'Group') return user.groups.includes(subject.name ?? '');
  if (subject.kind === 'ServiceAccount') {
    const ns = subject.namespace || namespace;
    return ns !== '' && user.username === `system:serviceaccount:${ns}:${subject.name}`;
  }
  return false;
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} "${s.name}/${s.namespace || bindingNamespace}"`;
  return `${s.kind} "${s.name}"`;
}

/** VisitRulesFor: cluster role bindings, then role bindings in the namespace, each in name order. */
export function rulesFor(ctx: StrategyContext, user: UserInfo, namespace: string): SourcedRule[] {
  const out: SourcedRule[] = [];
  const visit = (bindings: Binding[], bindingNamespace: string) => {
    for (const b of bindings) {
      const subject = (b.subjects ?? []).find((s) => appliesToUser(user, s, bindingNamespace));
      if (!subject) continue;
      const ref = b.roleRef ?? {};
      const role =
        ref.kind === 'ClusterRole'
          ? ctx.lookup(RBAC_GROUP, 'clusterroles', undefined, ref.name ?? '')
          : ref.kind === 'Role' && bindingNamespace
            ? ctx.lookup(RBAC_GROUP, 'roles', bindingNamespace, ref.name ?? '')
            : undefined;
      const name = bindingNamespace ? `${b.metadata.name}/${bindingNamespace}` : b.metadata.name;
      const source = `${bindingNamespace ? 'RoleBinding' : 'ClusterRoleBinding'} "${name}" of ${ref.kind} "${ref.name}" to ${describeSubject(subject, bindingNamespace)}`;
      for (const rule of (role?.rules as PolicyRule[] | undefined) ?? []) out.push({ rule, source });
    }
  };
  visit(ctx.list(RBAC_GROUP, 'clusterrolebindings') as Binding[], '');
  if (namespace) visit(ctx.list(RBAC_GROUP, 'rolebindings', namespace) as Binding[], namespace);
  return out;
}

const has = (list: string[] | undefined, value: string) => (list ?? []).some((v) => v === '*' || v === value);

function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (rule.resources ?? []).some(
    (r) => r === '*' || r === combined || (subresource !== '' && r === `*/${subresource}`),
  );
}

function ruleAllows(
  rule: PolicyRule,
  attrs: { resource?: ResourceAttributes; path?: NonResourceAttributes },
): boolean {
  if (attrs.resource) {
    const a = attrs.resource;
    const names = rule.resourceNames ?? [];
    return (
      has(rule.verbs, a.verb ?? '') &&
      has(rule.apiGroups, a.group ?? '') &&
      resourceMatches(rule, a.resource ?? '', a.subresource ?? '') &&
      (names.length === 0 || names.includes(a.name ?? ''))
    );
  }
  const path = attrs.path?.path ?? '';
  return (
    has(rule.verbs, attrs.path?.verb ?? '') &&
    (rule.nonResourceURLs ?? []).some(
      (u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))),
    )
  );
}

/**
 * The decision of kube-apiserver's authorizer chain: system:masters is allowed everything (without a
 * reason), anyone else as RBAC allows, with RBAC's reason; a denial carries no reason.
 */
export function authorize(
  ctx: StrategyContext,
  user: UserInfo,
  attrs: { resource?: ResourceAttributes; path?: NonResourceAttributes },
): { allowed: boolean; reason?: string } {
  if (user.groups.includes('system:masters')) return { allowed: true };
  const namespace = attrs.resource?.namespace ?? '';
  for (const { rule, source } of rulesFor(ctx, user, namespace)) {
    if (ruleAllows(rule, attrs)) return { allowed: true, reason: `RBAC: allowed by ${source}` };
  }
  return { allowed: false };
}
