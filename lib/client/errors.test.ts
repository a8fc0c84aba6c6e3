import { expect } from 'chai';
import { classifyError, redact } from './errors.ts';

const apiException = (code: number, body: object, headers: Record<string, string> = {}) => ({
  code,
  body: JSON.stringify(body),
  headers,
  message: `HTTP-Code: ${code}`,
});

describe('classifyError', () => {
  it('treats 429 as transient and honours Retry-After in seconds', () => {
    const c = classifyError(
      apiException(
        429,
        { kind: 'Status', reason: 'TooManyRequests', message: 'slow down' },
        { 'retry-after': '2' },
      ),
    );
    expect(c).to.deep.include({ class: 'transient', status: 429, retryAfterMs: 2000 });
  });

  it('treats 5xx and network errors as transient', () => {
    expect(classifyError(apiException(503, { kind: 'Status', message: 'unavailable' })).class).to.equal(
      'transient',
    );
    const net = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
      type: 'system',
    });
    expect(classifyError(net)).to.deep.include({ class: 'transient', reason: 'ECONNREFUSED' });
  });

  it('treats NotFound of the object as a state', () => {
    const c = classifyError(
      apiException(404, {
        kind: 'Status',
        reason: 'NotFound',
        message: 'pods "x" not found',
        details: { name: 'x', kind: 'pods' },
      }),
      'default',
    );
    expect(c.class).to.equal('notFound');
  });

  it('treats NotFound of the namespace as final, saying what to fix', () => {
    const c = classifyError(
      apiException(404, {
        kind: 'Status',
        reason: 'NotFound',
        message: 'namespaces "ghost" not found',
        details: { name: 'ghost', kind: 'namespaces' },
      }),
      'ghost',
    );
    expect(c).to.deep.include({
      class: 'final',
      missingNamespace: 'ghost',
      message: 'namespace "ghost" does not exist; create it first or check the name',
    });
  });

  it('treats an unserved resource type as final', () => {
    const c = classifyError(
      apiException(404, {
        kind: 'Status',
        reason: 'NotFound',
        message: 'the server could not find the requested resource',
      }),
    );
    expect(c.class).to.equal('final');
    expect(c.message).to.include('is the CRD installed');
  });

  it('treats 403 as final and keeps the server reason', () => {
    const c = classifyError(
      apiException(403, {
        kind: 'Status',
        reason: 'Forbidden',
        message: 'pods is forbidden: User "u" cannot list',
      }),
    );
    expect(c.message).to.equal(
      'permission denied (403 Forbidden): pods is forbidden: User "u" cannot list; grant this verb and resource to the user or service account (RBAC)',
    );
  });

  it('reads a watch ERROR Status object (410 Expired) as transient', () => {
    const c = classifyError({
      kind: 'Status',
      code: 410,
      reason: 'Expired',
      message: 'too old resource version',
    });
    expect(c).to.deep.include({ class: 'transient', status: 410, reason: 'Expired' });
  });

  it("treats client-node 2.x's client-side TimeoutError as transient", () => {
    const c = classifyError(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    expect(c).to.deep.equal({
      class: 'transient',
      reason: 'Timeout',
      message: 'client-side timeout: The operation was aborted due to timeout',
    });
  });
});

describe('redact', () => {
  it('removes bearer tokens, passwords and URL credentials', () => {
    expect(redact('Authorization: Bearer abc.def-ghi')).to.equal('Authorization: Bearer <redacted>');
    expect(redact('token: s3cr3t and password=hunter2')).to.equal(
      'token: <redacted> and password=<redacted>',
    );
    expect(redact('https://user:pw@host/x')).to.equal('https://<redacted>@host/x');
  });
});
