import { expect } from 'chai';
import { dslSettings } from './settings.ts';

describe('dslSettings', () => {
  it('prints steps live by default, and not in mocha --parallel workers unless asked', () => {
    expect(dslSettings({}).liveSteps).to.equal(true);
    expect(dslSettings({ MOCHA_WORKER_ID: '0' }).liveSteps).to.equal(false);
    expect(dslSettings({ MOCHA_WORKER_ID: '0', KUBEXPECT_STEPS: 'on' }).liveSteps).to.equal(true);
  });

  it('refuses a KUBEXPECT_STEPS value other than on or off', () => {
    expect(() => dslSettings({ KUBEXPECT_STEPS: 'yes' })).to.throw(
      'KUBEXPECT_STEPS must be "on" or "off", got "yes"',
    );
  });

  it('names the variable when the label filter does not parse', () => {
    expect(() => dslSettings({ KUBEXPECT_LABEL_FILTER: 'a &&' })).to.throw(
      'KUBEXPECT_LABEL_FILTER: Invalid label filter "a &&": a label expected but the filter ended at column 5',
    );
  });

  it('writes reports under reports/ unless KUBEXPECT_REPORT_DIR says otherwise', () => {
    expect(dslSettings({}).reportDir).to.equal('reports');
    expect(dslSettings({ KUBEXPECT_REPORT_DIR: '/tmp/r' }).reportDir).to.equal('/tmp/r');
  });
});
