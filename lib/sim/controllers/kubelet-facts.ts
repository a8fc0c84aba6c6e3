/**
 * What the kubelet reports about containers that no API object decides: normalised image names,
 * image digests and sizes, QoS classes, Go-formatted durations in event messages.
 */
import { createHash } from 'node:crypto';
import { podQosClass, type QosClass } from '../resources/pod-qos.ts';
import type { Container, PodSpec } from './kube-types.ts';

/** `nginx` → `docker.io/library/nginx:latest`, as containerd reports the image it ran. */
export function normalizedImage(image: string): string {
  let name = image;
  const at = name.indexOf('@');
  const digest = at >= 0 ? name.slice(at) : '';
  if (at >= 0) name = name.slice(0, at);
  const lastSlash = name.lastIndexOf('/');
  const hasTag = name.lastIndexOf(':') > lastSlash;
  const first = name.split('/')[0]!;
  const hasRegistry =
    name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) name = name.includes('/') ? `docker.io/${name}` : `docker.io/library/${name}`;
  if (!hasTag && !digest) name += ':latest';
  return name + digest;
}

/** `docker.io/library/nginx@sha256:…`: the repository with a digest fixed by the image reference. */
export function imageIdOf(image: string): string {
  const normalized = normalizedImage(image);
  const at = normalized.indexOf('@');
  if (at >= 0) return normalized;
  const repo = normalized.slice(0, normalized.lastIndexOf(':'));
  return `${repo}@sha256:${createHash('sha256').update(normalized).digest('hex')}`;
}

/** A plausible compressed image size in bytes (20–200 MB), fixed per image. */
export function imageSizeOf(image: string): number {
  const h = createHash('sha256').update(image).digest();
  return 20_000_000 + (h.readUInt32BE(0) % 180_000_000);
}

/** The kubelet pulls when the policy says Always (explicitly, or by default for `:latest`/untagged images). */
export function pullPolicyOf(container: Container): 'Always' | 'IfNotPresent' | 'Never' {
  if (container.imagePullPolicy === 'Always' || container.imagePullPolicy === 'Never')
    return container.imagePullPolicy;
  if (container.imagePullPolicy === 'IfNotPresent') return 'IfNotPresent';
  const name = container.image.split('@')[0]!;
  const tagged = name.lastIndexOf(':') > name.lastIndexOf('/');
  return !tagged || name.endsWith(':latest') ? 'Always' : 'IfNotPresent';
}

/** Go's time.Duration String() for a duration already truncated to milliseconds. */
export function goDuration(ms: number): string {
  const whole = Math.max(0, Math.floor(ms));
  if (whole === 0) return '0s';
  if (whole < 1000) return `${whole}ms`;
  const totalSeconds = whole / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = Number.parseFloat((totalSeconds % 60).toFixed(3));
  let out = '';
  if (hours > 0) out += `${hours}h`;
  if (hours > 0 || minutes > 0) out += `${minutes}m`;
  return `${out}${seconds}s`;
}

/** Guaranteed, Burstable or BestEffort, as the API server computed it on create (GetPodQOS). */
export function qosClassOf(spec: PodSpec): QosClass {
  return podQosClass(spec);
}

/** The n-th address (from 2) of an IPv4 /24-or-wider CIDR such as 10.244.1.0/24. */
export function addressInCidr(cidr: string, n: number): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) return undefined;
  const base = ((+m[1]! << 24) | (+m[2]! << 16) | (+m[3]! << 8) | +m[4]!) >>> 0;
  const size = 2 ** (32 - +m[5]!);
  const offset = 2 + (n % Math.max(1, size - 3));
  const ip = (base + offset) >>> 0;
  return [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join('.');
}
