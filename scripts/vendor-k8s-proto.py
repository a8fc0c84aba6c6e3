#!/usr/bin/env python3
"""Vendors the Kubernetes protobuf definitions the embedded cluster reads into lib/sim/data/proto/.

Copies the generated.proto files of k8s.io/api, k8s.io/apimachinery and apiextensions-apiserver
(VERSION below) from the Go module cache, and derives fields.json from their Go types: per message,
the fields whose JSON differs from a plain proto-to-JSON mapping (another JSON name, an inline
struct flattened into its parent, a non-pointer `omitempty` scalar whose zero value JSON leaves out).
Run it after changing VERSION: python3 scripts/vendor-k8s-proto.py (needs `go mod download` done).
"""
import json, os, re, shutil, sys

VERSION = 'v0.36.3'
MOD = os.path.expanduser('~/go/pkg/mod')
OUT = os.path.join(os.path.dirname(__file__), '..', 'lib', 'sim', 'data', 'proto')
SOURCES = [
    (f'k8s.io/api@{VERSION}', 'k8s.io/api', ''),
    (f'k8s.io/apimachinery@{VERSION}', 'k8s.io/apimachinery', 'pkg'),
    (f'k8s.io/apiextensions-apiserver@{VERSION}', 'k8s.io/apiextensions-apiserver', 'pkg/apis/apiextensions/v1'),
]
FIELD = re.compile(r'^\s*(?:(\w+)\s+)?(\*?[\w.\[\]*]+(?:\[[\w.*]+\][\w.*]+)?)\s+`([^`]*)`')

def tag(tags, key):
    m = re.search(key + r':"([^"]*)"', tags)
    return m.group(1) if m else None

fields = {}
count = 0
for mod, prefix, sub in SOURCES:
    root = os.path.join(MOD, mod, sub)
    for dirpath, _, files in os.walk(root):
        if 'generated.proto' not in files or 'testapigroup' in dirpath:
            continue
        rel = os.path.relpath(dirpath, os.path.join(MOD, mod))
        dest = os.path.join(OUT, prefix, rel)
        os.makedirs(dest, exist_ok=True)
        shutil.copyfile(os.path.join(dirpath, 'generated.proto'), os.path.join(dest, 'generated.proto'))
        count += 1
        package = re.search(r'^package ([\w.]+);', open(os.path.join(dirpath, 'generated.proto')).read(), re.M).group(1)
        for name in sorted(files):
            if not name.endswith('.go') or name.endswith('_test.go') or 'generated' in name or 'zz_' in name:
                continue
            struct = None
            for line in open(os.path.join(dirpath, name)):
                m = re.match(r'^type (\w+) struct \{', line)
                if m:
                    struct = m.group(1)
                    continue
                if struct and line.startswith('}'):
                    struct = None
                    continue
                if not struct:
                    continue
                m = FIELD.match(line)
                if not m:
                    continue
                gotype, tags = m.group(2), m.group(3)
                proto = tag(tags, 'protobuf')
                js = tag(tags, 'json')
                if not proto or js is None:
                    continue
                pname = re.search(r'name=(\w+)', proto)
                if not pname:
                    continue
                pname = pname.group(1)
                parts = js.split(',')
                entry = {}
                if 'inline' in parts[1:]:
                    entry['inline'] = True
                elif parts[0] and parts[0] != pname:
                    entry['json'] = parts[0]
                if ('omitempty' in parts[1:] or 'omitzero' in parts[1:]) and not gotype.startswith('*'):
                    entry['omitZero'] = True
                if entry:
                    fields.setdefault(f'{package}.{struct}', {})[pname] = entry

with open(os.path.join(OUT, 'fields.json'), 'w') as f:
    json.dump(fields, f, indent=0, sort_keys=True, separators=(',', ':'))
    f.write('\n')
print(f'{count} proto files, {len(fields)} messages with JSON differences', file=sys.stderr)
