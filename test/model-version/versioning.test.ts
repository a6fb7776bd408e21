import { GraphQLError } from 'graphql';
import { VersioningScheme } from '../../src/model/model.entity';
import { formatTimestamp, nextVersion, VersionBump } from '../../src/model-version/versioning';

const at = new Date('2026-11-27T12:05:01.123Z');
const next = (scheme: VersioningScheme, latest: string | null, extra: { explicit?: string; bump?: VersionBump } = {}) =>
  nextVersion({ scheme, latest, at, ...extra });
const fieldOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e instanceof GraphQLError ? [e.extensions.code, e.extensions.field] : e;
  }
  return 'no error';
};

describe('version numbering', () => {
  it('INTEGER counts up and accepts a greater explicit number', () => {
    expect(next(VersioningScheme.INTEGER, null)).toBe('1');
    expect(next(VersioningScheme.INTEGER, '9')).toBe('10');
    expect(next(VersioningScheme.INTEGER, '3', { explicit: '7' })).toBe('7');
    expect(fieldOf(() => next(VersioningScheme.INTEGER, '3', { explicit: '3' }))).toEqual(['BAD_USER_INPUT', 'input.version']);
    expect(fieldOf(() => next(VersioningScheme.INTEGER, '3', { explicit: '04' }))).toEqual(['BAD_USER_INPUT', 'input.version']);
    expect(fieldOf(() => next(VersioningScheme.INTEGER, '3', { bump: VersionBump.MINOR }))).toEqual(['BAD_USER_INPUT', 'input.bump']);
  });

  it('SEMVER starts at 1.0.0, bumps MINOR by default, honours MAJOR/PATCH and explicit versions', () => {
    expect(next(VersioningScheme.SEMVER, null)).toBe('1.0.0');
    expect(next(VersioningScheme.SEMVER, null, { explicit: '0.3.0' })).toBe('0.3.0');
    expect(next(VersioningScheme.SEMVER, '1.4.2')).toBe('1.5.0');
    expect(next(VersioningScheme.SEMVER, '1.4.2', { bump: VersionBump.MAJOR })).toBe('2.0.0');
    expect(next(VersioningScheme.SEMVER, '1.4.2', { bump: VersionBump.PATCH })).toBe('1.4.3');
    expect(next(VersioningScheme.SEMVER, '1.4.2', { explicit: '1.10.0' })).toBe('1.10.0');
    expect(next(VersioningScheme.SEMVER, '1.4.2', { explicit: '2.0.0-rc.1' })).toBe('2.0.0-rc.1');
    expect(next(VersioningScheme.SEMVER, '2.0.0-rc.1')).toBe('2.0.0');
    for (const bad of ['1.4.2', '1.4.1', 'v1.5.0', '1.5', 'latest']) {
      expect(fieldOf(() => next(VersioningScheme.SEMVER, '1.4.2', { explicit: bad }))).toEqual(['BAD_USER_INPUT', 'input.version']);
    }
    // bump together with version is refused by CreateModelVersionInput (test/errors/model-version-inputs.test.ts).
  });

  it('TIMESTAMP is YYYY.MM.DD.HHMMSS in UTC, unique within one second and monotonic against clock skew', () => {
    expect(formatTimestamp(at)).toBe('2026.11.27.120501');
    expect(next(VersioningScheme.TIMESTAMP, null)).toBe('2026.11.27.120501');
    expect(next(VersioningScheme.TIMESTAMP, '2026.11.27.120501')).toBe('2026.11.27.120501.1');
    expect(next(VersioningScheme.TIMESTAMP, '2026.11.27.120501.1')).toBe('2026.11.27.120501.2');
    expect(next(VersioningScheme.TIMESTAMP, '2026.11.27.120500.4')).toBe('2026.11.27.120501');
    expect(next(VersioningScheme.TIMESTAMP, '2026.11.28.000000')).toBe('2026.11.28.000000.1');
    expect(next(VersioningScheme.TIMESTAMP, '2026.11.27.120501', { explicit: '2026.12.01.000000' })).toBe('2026.12.01.000000');
    for (const bad of ['2026-11-27', '2026.11.27.120501', '2026.11.27.1205', 'now', '2026.13.01.000000', '2026.11.31.000000', '2026.12.01.246000']) {
      expect(fieldOf(() => next(VersioningScheme.TIMESTAMP, '2026.11.27.120501', { explicit: bad }))).toEqual(['BAD_USER_INPUT', 'input.version']);
    }
  });
});
