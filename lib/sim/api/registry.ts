/**
 * The set of served resources: built-in kinds registered at start and kinds added by
 * CustomResourceDefinitions at run time. Discovery, routing and the Api all read from here.
 */
import type { ResourceType } from './resource.ts';

export class Registry {
  private readonly byKey = new Map<string, ResourceType>();
  private readonly listeners = new Set<() => void>();

  add(rt: ResourceType): void {
    this.byKey.set(`${rt.group}/${rt.version}/${rt.plural}`, rt);
    for (const l of this.listeners) l();
  }

  remove(group: string, version: string, plural: string): ResourceType | undefined {
    const key = `${group}/${version}/${plural}`;
    const rt = this.byKey.get(key);
    this.byKey.delete(key);
    if (rt) for (const l of this.listeners) l();
    return rt;
  }

  /** A resource by group, version and plural name. */
  lookup(group: string, version: string, plural: string): ResourceType | undefined {
    return this.byKey.get(`${group}/${version}/${plural}`);
  }

  /** The preferred (first registered) version of a group's resource. */
  find(group: string, plural: string): ResourceType | undefined {
    for (const rt of this.byKey.values()) if (rt.group === group && rt.plural === plural) return rt;
    return undefined;
  }

  /** A resource by its kind within a group (any version). */
  findKind(group: string, kind: string): ResourceType | undefined {
    for (const rt of this.byKey.values()) if (rt.group === group && rt.kind === kind) return rt;
    return undefined;
  }

  all(): ResourceType[] {
    return [...this.byKey.values()];
  }

  /** Served group/versions, core first, in registration order. */
  groupVersions(): { group: string; version: string }[] {
    const seen = new Set<string>();
    const out: { group: string; version: string }[] = [];
    for (const rt of this.byKey.values()) {
      const key = `${rt.group}/${rt.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ group: rt.group, version: rt.version });
    }
    return out;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
