import { expect } from 'chai';
import { invalid } from './errors.ts';

describe('Status errors', () => {
  // kube-apiserver v1.36: PATCH …/configmaps/cm1 with ?force=true on a merge patch answers details
  // {"causes":[…],"group":"meta.k8s.io","kind":"PatchOptions"} — no name (StatusDetails.name is omitempty).
  it('leaves details.name out of a 422 on options that have no name', () => {
    const status = invalid('PatchOptions', 'meta.k8s.io', '', [
      { type: 'FieldValueForbidden', field: 'force', detail: 'may not be specified for non-apply patch' },
    ]).toStatus();
    expect(status.details).to.deep.equal({
      kind: 'PatchOptions',
      group: 'meta.k8s.io',
      causes: [
        {
          reason: 'FieldValueForbidden',
          message: 'Forbidden: may not be specified for non-apply patch',
          field: 'force',
        },
      ],
    });
    expect(status.message).to.equal(
      'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
    );
  });

  it('names the object in details.name of a 422 on an object', () => {
    const status = invalid('ConfigMap', '', 'cm1', [
      { type: 'FieldValueRequired', field: 'data' },
    ]).toStatus();
    expect(status.details?.name).to.equal('cm1');
  });
});
