#!/usr/bin/env python3
"""Captures the objects kube-apiserver bootstraps (RBAC's default roles and bindings, the system
PriorityClasses) from a fresh real control plane into lib/sim/data/bootstrap/objects.json.

    npx kubexpect controlplane --kubeconfig /tmp/cp.kubeconfig &   # wait for "kubeconfig written"
    python3 scripts/capture-bootstrap-objects.py /tmp/cp.kubeconfig [KUBECTL]

Server-set metadata (uid, resourceVersion, timestamps, managedFields) is dropped; the rest is kept
as the server stores it, the aggregated rules of admin/edit/view included.
"""
import json
import pathlib
import subprocess
import sys

kubeconfig = sys.argv[1]
kubectl = sys.argv[2] if len(sys.argv) > 2 else 'kubectl'
out_path = pathlib.Path(__file__).resolve().parent.parent / 'lib/sim/data/bootstrap/objects.json'

listing = subprocess.run(
    [kubectl, '--kubeconfig', kubeconfig, 'get',
     'clusterroles,clusterrolebindings,roles,rolebindings,priorityclasses', '-A', '-o', 'json'],
    check=True, capture_output=True, text=True).stdout
ORDER = {'ClusterRole': 0, 'ClusterRoleBinding': 1, 'Role': 2, 'RoleBinding': 3, 'PriorityClass': 4}
objects = []
for item in json.loads(listing)['items']:
    meta = item['metadata']
    if item['kind'] == 'PriorityClass' and not meta['name'].startswith('system-'):
        continue
    if item['kind'] != 'PriorityClass' and (meta.get('labels') or {}).get('kubernetes.io/bootstrapping') != 'rbac-defaults':
        continue
    kept = {'name': meta['name']}
    for key in ('namespace', 'labels', 'annotations'):
        if meta.get(key):
            kept[key] = meta[key]
    obj = {'apiVersion': item['apiVersion'], 'kind': item['kind'], 'metadata': kept}
    obj.update({k: v for k, v in item.items() if k not in ('apiVersion', 'kind', 'metadata')})
    objects.append(obj)
objects.sort(key=lambda o: (ORDER[o['kind']], o['metadata'].get('namespace', ''), o['metadata']['name']))
out_path.write_text('[\n' + ',\n'.join(json.dumps(o, separators=(',', ':')) for o in objects) + '\n]\n')
print(f'{len(objects)} objects written to {out_path}')
