import { expect } from 'chai';
import { nextRun, parseCronSchedule } from './cron-schedule.ts';

const next = (schedule: string, after: string) =>
  nextRun(parseCronSchedule(schedule), new Date(after))?.toISOString();

describe('cron schedules', () => {
  it('steps through minutes, hours and ranges', () => {
    expect(next('*/15 * * * *', '2026-01-01T10:07:30Z')).to.equal('2026-01-01T10:15:00.000Z');
    expect(next('0 9-17/4 * * *', '2026-01-01T13:00:00Z')).to.equal('2026-01-01T17:00:00.000Z');
    expect(next('30 2 * * *', '2026-01-01T02:30:00Z')).to.equal('2026-01-02T02:30:00.000Z');
  });

  it('reads names, descriptors and Sunday as 7', () => {
    expect(next('0 0 * * MON', '2026-01-01T00:00:00Z')).to.equal('2026-01-05T00:00:00.000Z');
    expect(next('@monthly', '2026-01-15T00:00:00Z')).to.equal('2026-02-01T00:00:00.000Z');
    expect(next('0 0 1 jan *', '2026-06-01T00:00:00Z')).to.equal('2027-01-01T00:00:00.000Z');
    expect(next('0 12 * * 7', '2026-01-01T00:00:00Z')).to.equal('2026-01-04T12:00:00.000Z');
  });

  it('matches either day field when both are restricted, as cron does', () => {
    // The 13th, or any Friday: 2026-01-02 is a Friday.
    expect(next('0 0 13 * 5', '2026-01-01T00:00:00Z')).to.equal('2026-01-02T00:00:00.000Z');
    expect(next('0 0 13 * *', '2026-01-01T00:00:00Z')).to.equal('2026-01-13T00:00:00.000Z');
  });

  it('refuses what robfig/cron refuses, in its words', () => {
    expect(() => parseCronSchedule('every minute')).to.throw(
      'expected exactly 5 fields, found 2: [every minute]',
    );
    expect(() => parseCronSchedule('61 * * * *')).to.throw('end of range (61) above maximum (59): 61');
    expect(() => parseCronSchedule('@fortnightly')).to.throw('unrecognized descriptor: @fortnightly');
    expect(() => parseCronSchedule('*/0 * * * *')).to.throw('step of range should be a positive number: */0');
  });
});
