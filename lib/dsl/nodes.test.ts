import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { DSL_PATH, runNestedSpecs } from './run-nested.ts';

chai.use(chaiAsPromised);
const { expect } = chai;

const header = `import { AfterAll, AfterEach, BeforeAll, BeforeEach, By, Context, ContinueOnFailure, DeferCleanup, Describe, It, Label, Ordered, Skip, SpecTimeout, When } from '${DSL_PATH}';\n`;

describe('kubexpect/dsl nodes', () => {
  it('skips the rest of an Ordered container after a failure and says why', async () => {
    const result = await runNestedSpecs(`${header}
      Describe('drain', Ordered, () => {
        It('creates the cluster', () => {});
        It('drains the node', () => { throw new Error('drain refused'); });
        It('uncordons the node', () => {});
        It('checks the PVCs', () => {});
      });`);
    expect(result.passed).to.deep.equal(['drain creates the cluster']);
    expect(result.failed.map((f) => f.title)).to.deep.equal(['drain drains the node']);
    expect(result.pending).to.deep.equal([
      'drain uncordons the node (skipped: an earlier spec in this Ordered container failed: "drain drains the node")',
      'drain checks the PVCs (skipped: an earlier spec in this Ordered container failed: "drain drains the node")',
    ]);
  });

  it('keeps running an Ordered container marked ContinueOnFailure after a failure', async () => {
    const result = await runNestedSpecs(`${header}
      Describe('drain', Ordered, ContinueOnFailure, () => {
        It('fails', () => { throw new Error('no'); });
        It('still runs', () => {});
      });`);
    expect(result.passed).to.deep.equal(['drain still runs']);
    expect(result.pending).to.deep.equal([]);
  });

  it('refuses ContinueOnFailure without Ordered when the file loads', async () => {
    await expect(
      runNestedSpecs(`${header}
      Describe('drain', ContinueOnFailure, () => { It('spec', () => {}); });`),
    ).to.be.rejectedWith(
      'Describe("drain"): ContinueOnFailure only applies to an Ordered container; add Ordered',
    );
  });

  it('keeps running the rest of a container that is not Ordered after a failure', async () => {
    const result = await runNestedSpecs(`${header}
      Describe('plain', () => {
        It('fails', () => { throw new Error('no'); });
        It('still runs', () => {});
      });`);
    expect(result.passed).to.deep.equal(['plain still runs']);
    expect(result.pending).to.deep.equal([]);
  });

  it('runs DeferCleanup functions last in, first out, after AfterEach, even when the spec fails', async () => {
    const result = await runNestedSpecs(`${header}
      const order = [];
      Describe('cleanup', () => {
        AfterEach(() => { order.push('AfterEach'); });
        BeforeEach(() => { DeferCleanup((what) => { order.push(what); }, 'from BeforeEach'); });
        It('fails after registering two cleanups', () => {
          DeferCleanup(() => { order.push('first registered'); });
          DeferCleanup(() => { order.push('second registered'); });
          throw new Error('spec failed');
        });
        It('sees the order', () => {
          if (order.join(' > ') !== 'AfterEach > second registered > first registered > from BeforeEach') {
            throw new Error('order was ' + order.join(' > '));
          }
        });
      });`);
    expect(result.failed.map((f) => f.title)).to.deep.equal(['cleanup fails after registering two cleanups']);
    expect(result.passed).to.deep.equal(['cleanup sees the order']);
  });

  it('takes the failure report before any AfterEach or DeferCleanup runs', async () => {
    const result =
      await runNestedSpecs(`import { AfterEach, DeferCleanup, DiagnoseOnFailure, Describe, It } from '${DSL_PATH}';
      const order = [];
      Describe('diagnostics first', () => {
        AfterEach(() => { order.push('AfterEach'); });
        It('fails', () => {
          DiagnoseOnFailure({ title: 'probe', collect: async () => { order.push('report'); return 'seen'; } });
          DeferCleanup(() => { order.push('cleanup'); });
          throw new Error('failed');
        });
      });
      Describe('after', () => {
        It('sees the order', () => {
          if (order.join(' > ') !== 'report > AfterEach > cleanup') throw new Error('order was ' + order.join(' > '));
        });
      });`);
    expect(result.failed.map((f) => f.title)).to.deep.equal(['diagnostics first fails']);
    expect(result.passed).to.deep.equal(['after sees the order']);
  });

  it('runs cleanups registered in BeforeAll after AfterAll', async () => {
    const result = await runNestedSpecs(`${header}
      const order = [];
      Describe('outer', () => {
        Describe('inner', () => {
          BeforeAll(() => { DeferCleanup(() => { order.push('BeforeAll cleanup'); }); });
          AfterAll(() => { order.push('AfterAll'); });
          It('runs', () => {});
        });
        // mocha runs a container's own specs before its nested containers, so the check is a sibling.
        Describe('after inner', () => {
          It('sees the order', () => {
            if (order.join(' > ') !== 'AfterAll > BeforeAll cleanup') throw new Error('order was ' + order.join(' > '));
          });
        });
      });`);
    expect(result.failed).to.deep.equal([]);
    expect(result.passed).to.have.length(2);
  });

  it('runs the cleanups of a container and of a spec when an AfterAll or an AfterEach beside them fails', async () => {
    const result = await runNestedSpecs(`${header}
      globalThis.cleanups = [];
      Describe('outer', () => {
        BeforeAll(() => { DeferCleanup(() => { globalThis.cleanups.push('container cleanup'); }); });
        AfterEach(() => { throw new Error('AfterEach failed'); });
        AfterAll(() => { throw new Error('AfterAll failed'); });
        It('registers', () => { DeferCleanup(() => { globalThis.cleanups.push('spec cleanup'); }); });
      });`);
    expect(result.failed.map((f) => f.message.split('\n')[0])).to.deep.equal([
      'AfterEach failed',
      'AfterAll failed',
    ]);
    expect((globalThis as { cleanups?: string[] }).cleanups).to.deep.equal([
      'spec cleanup',
      'container cleanup',
    ]);
  });

  it("bounds every spec's cleanups by the hook's timeout, not only the first spec's", async () => {
    const result = await runNestedSpecs(
      `${header}
      Describe('two specs', () => {
        It('first', () => { DeferCleanup(() => {}); });
        It('second', () => { DeferCleanup(() => new Promise(() => {})); });
      });`,
      { timeoutMs: 300 },
    );
    expect(result.failed.map((f) => f.message.split('\n')[1])).to.have.length(1);
    expect(result.failed[0]?.message).to.match(
      /registered at .*: did not finish within 0\.3s; the cleanups after it ran anyway$/,
    );
  });

  it('runs every cleanup even when one throws, and fails with each failure named', async () => {
    const result = await runNestedSpecs(`${header}
      Describe('broken cleanup', () => {
        It('registers', () => {
          DeferCleanup(() => { throw new Error('uncordon failed'); });
          DeferCleanup(() => { throw new Error('namespace delete failed'); });
        });
      });`);
    expect(result.failed).to.have.length(1);
    const { message } = result.failed[0]!;
    expect(message).to.match(/^DeferCleanup: 2 cleanup\(s\) of "broken cleanup registers" failed:\n/);
    expect(message).to.match(/registered at .*nested\.spec\.ts:\d+:\d+: namespace delete failed\n/);
    expect(message).to.match(/registered at .*nested\.spec\.ts:\d+:\d+: uncordon failed$/);
  });

  it('writes a failure report with the steps and summarises it in the error', async () => {
    const result = await runNestedSpecs(`${header}
      Describe('report', Label('disruptive'), () => {
        It('fails in the second step', async () => {
          By('creating the cluster');
          By('draining the node');
          throw new Error('the pod never went Pending');
        });
      });`);
    const { message } = result.failed[0]!;
    // The step's offset is wall time: +0.00s on an idle machine, more on a busy one.
    const [head, step] = message.split('\n  during ');
    expect(head).to.equal(
      `the pod never went Pending\n\nFailure report: ${join(result.dir, 'reports', 'nested', 'report-disruptive-fails-in-the-second-step.md')}`,
    );
    expect(step).to.match(/^step 2 "draining the node" \(\+\d+\.\d{2}s\)$/);
    const files = await readdir(join(result.dir, 'reports', 'nested'));
    const report = await readFile(join(result.dir, 'reports', 'nested', files[0]!), 'utf8');
    expect(report).to.match(/^# report \[disruptive\] fails in the second step\n/);
    expect(report).to.include('labels: disruptive\n');
    expect(report).to.include('## Failure\n\nthe pod never went Pending\n');
    expect(report).to.match(/ {2}1\. \[\+0\.\d\ds, 0\.\d\ds\] creating the cluster\n/);
    expect(report).to.match(/ {2}2\. \[\+0\.\d\ds, 0\.\d\ds\] draining the node {2}✗ failed here\n/);
  });

  it('puts the report summary into the stack mocha prints exactly once', async () => {
    const result = await runNestedSpecs(`${header}
      Describe('stack', () => { It('throws a plain Error', () => { throw new Error('plain failure'); }); });`);
    const { stack } = result.failed[0]!;
    expect(stack.match(/Failure report: /g)).to.have.length(1);
    expect(stack).to.match(/^Error: plain failure\n\nFailure report: .*\.md\n {4}at /);
  });

  it('shows labels in titles so --grep can select them', async () => {
    const result = await runNestedSpecs(`${header}
      Describe('drain', Label('disruptive', 'maintenance'), () => {
        It('single instance', Label('pdb'), () => {});
      });`);
    expect(result.passed).to.deep.equal(['drain [disruptive, maintenance] single instance [pdb]']);
  });

  it('leaves out specs whose inherited labels do not match KUBEXPECT_LABEL_FILTER', async () => {
    const result = await runNestedSpecs(
      `${header}
      Describe('suite', Label('disruptive'), () => {
        It('drain', Label('maintenance'), () => {});
        It('failover', Label('self-healing'), () => {});
        Context('switchover', () => { It('promote', () => {}); });
      });`,
      { env: { KUBEXPECT_LABEL_FILTER: 'disruptive && !self-healing' } },
    );
    expect(result.passed).to.deep.equal([
      'suite [disruptive] drain [maintenance]',
      'suite [disruptive] switchover promote',
    ]);
    expect(result.pending).to.deep.equal([]);
  });

  it('prefixes When titles with "when"', async () => {
    const result = await runNestedSpecs(`${header}
      Describe('a cluster', () => { When('the primary node is drained', () => { It('fails over', () => {}); }); });`);
    expect(result.passed).to.deep.equal(['a cluster when the primary node is drained fails over']);
  });

  it('skips a spec with Skip and keeps the reason in its title', async () => {
    const result = await runNestedSpecs(`${header}
      Describe('maintenance', () => {
        It('re-clones elsewhere', () => { Skip('volumes of the default storage class can follow the pod'); });
      });`);
    expect(result.pending).to.deep.equal([
      'maintenance re-clones elsewhere (skipped: volumes of the default storage class can follow the pod)',
    ]);
    expect(result.failed).to.deep.equal([]);
  });

  it('writes no failure report for a skipped spec, and does not skip the rest of an Ordered container', async () => {
    const result = await runNestedSpecs(`${header}
      Describe('ordered', Ordered, () => {
        It('does not apply here', () => { Skip('not on this storage'); });
        It('still runs', () => {});
      });`);
    expect(result.passed).to.deep.equal(['ordered still runs']);
    expect(existsSync(join(result.dir, 'reports'))).to.equal(false);
  });

  it("applies SpecTimeout to every spec of a container as mocha's timeout", async () => {
    const result = await runNestedSpecs(`${header}
      Describe('slow', SpecTimeout('50ms'), () => {
        It('sleeps', () => new Promise((r) => setTimeout(r, 300)));
      });`);
    expect(result.failed[0]?.message).to.match(
      /^Timeout of 50ms exceeded \(SpecTimeout or mocha's timeout\): "slow sleeps" was stopped; its waits and API calls were aborted and its cleanups run next\n\nFailure report: /,
    );
  });

  it('rejects By outside a running node with a message saying where to call it', async () => {
    const { By } = await import('./index.ts');
    expect(() => By('too early')).to.throw(
      'By was called outside a running It, BeforeEach, AfterEach, BeforeAll or AfterAll of kubexpect/dsl; call it from inside one of those bodies',
    );
  });

  it('rejects a non-decorator between the title and the body when the file loads', async () => {
    const run = runNestedSpecs(`${header}
      Describe('bad', () => { It('spec', 'disruptive', () => {}); });`);
    await expect(run).to.be.rejectedWith(
      'It("spec"): between the title and the body only decorators are allowed (Label(...), Ordered, ContinueOnFailure, Serial, SpecTimeout(...)), got "disruptive"',
    );
  });

  it('refuses Ordered on a spec when the file loads', async () => {
    await expect(
      runNestedSpecs(`${header}
      Describe('bad', () => { It('spec', Ordered, () => {}); });`),
    ).to.be.rejectedWith('It("spec"): Ordered decorates containers (Describe, Context, When), not specs');
  });

  it("reports a failing BeforeAll, with its steps, as the container's failure", async () => {
    const result = await runNestedSpecs(`${header}
      Describe('setup', () => {
        BeforeAll(() => { By('starting the cluster'); throw new Error('no cluster'); });
        It('never runs', () => {});
      });`);
    expect(result.passed).to.deep.equal([]);
    expect(result.failed.map((f) => f.title)).to.deep.equal(['setup "before all" hook for "never runs"']);
    expect(result.failed[0]!.message).to.match(
      /^no cluster\n\nFailure report: .*setup-beforeall\.md\n {2}during step 1 "starting the cluster" \(\+0\.\d\ds\)$/,
    );
  });
});
