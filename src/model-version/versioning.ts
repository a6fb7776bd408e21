import semver from 'semver';
import { registerEnumType } from 'type-graphql';
import { BadInputError } from '../common/errors';
import { VersioningScheme } from '../model/model.entity';

export enum VersionBump {
  MAJOR = 'MAJOR',
  MINOR = 'MINOR',
  PATCH = 'PATCH',
}
registerEnumType(VersionBump, { name: 'VersionBump' });

export interface VersionRequest {
  scheme: VersioningScheme;
  /** The model's newest (and greatest) label, or null for the first version. */
  latest: string | null;
  explicit?: string | null;
  bump?: VersionBump | null;
  at: Date;
}

const FIELD = 'input.version';
const TIMESTAMP = /^(\d{4})\.(\d{2})\.(\d{2})\.(\d{6})(?:\.([1-9]\d{0,5}))?$/;

/** The next label of a model's version line; an explicit label must be greater than the latest. */
export function nextVersion(req: VersionRequest): string {
  if (req.bump != null && req.scheme !== VersioningScheme.SEMVER) {
    throw new BadInputError('input.bump', 'applies only to models with SEMVER versioning');
  }
  switch (req.scheme) {
    case VersioningScheme.INTEGER:
      return nextInteger(req);
    case VersioningScheme.SEMVER:
      return nextSemver(req);
    case VersioningScheme.TIMESTAMP:
      return nextTimestamp(req);
  }
}

function nextInteger({ latest, explicit }: VersionRequest): string {
  const current = latest == null ? 0 : Number(latest);
  if (explicit == null) return String(current + 1);
  if (!/^[1-9]\d{0,8}$/.test(explicit)) throw new BadInputError(FIELD, 'must be a positive integer for INTEGER versioning');
  if (Number(explicit) <= current) throw new BadInputError(FIELD, `must be greater than the latest version ${latest}`);
  return explicit;
}

function nextSemver({ latest, explicit, bump }: VersionRequest): string {
  if (explicit != null) {
    if (semver.valid(explicit) !== explicit) throw new BadInputError(FIELD, 'must be a semantic version such as 1.4.0 (no leading v)');
    if (latest != null && !semver.gt(explicit, latest)) throw new BadInputError(FIELD, `must be greater than the latest version ${latest}`);
    return explicit;
  }
  if (latest == null) return '1.0.0';
  const release = semver.inc(latest, (bump ?? VersionBump.MINOR).toLowerCase() as semver.ReleaseType);
  if (!release) throw new Error(`cannot bump ${latest}`);
  return release;
}

function parseTimestamp(label: string): [string, number] | null {
  const m = TIMESTAMP.exec(label);
  return m ? [`${m[1]}.${m[2]}.${m[3]}.${m[4]}`, m[5] ? Number(m[5]) : 0] : null;
}

const compareTimestamp = ([a, n]: [string, number], [b, m]: [string, number]) => (a < b ? -1 : a > b ? 1 : n - m);

/** 2026.11.27.120501 names a real UTC second (no month 13, no 25:61:61). */
function isRealInstant(base: string): boolean {
  const [y, mo, d, hms] = base.split('.');
  const iso = `${y}-${mo}-${d}T${hms.slice(0, 2)}:${hms.slice(2, 4)}:${hms.slice(4, 6)}.000Z`;
  const parsed = new Date(iso);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString() === iso;
}

export function formatTimestamp(at: Date): string {
  const iso = at.toISOString(); // 2026-11-27T12:05:01.123Z
  return `${iso.slice(0, 4)}.${iso.slice(5, 7)}.${iso.slice(8, 10)}.${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

/** YYYY.MM.DD.HHMMSS (UTC); a second version in the same second (or a clock behind the latest) gets .1, .2… */
function nextTimestamp({ latest, explicit, at }: VersionRequest): string {
  const previous = latest == null ? null : parseTimestamp(latest);
  if (explicit != null) {
    const parsed = parseTimestamp(explicit);
    if (!parsed || !isRealInstant(parsed[0])) {
      throw new BadInputError(FIELD, 'must look like 2026.11.27.120501 (UTC), optionally with a .N suffix');
    }
    if (previous && compareTimestamp(parsed, previous) <= 0) throw new BadInputError(FIELD, `must be greater than the latest version ${latest}`);
    return explicit;
  }
  const candidate: [string, number] = [formatTimestamp(at), 0];
  if (!previous || compareTimestamp(candidate, previous) > 0) return candidate[0];
  return `${previous[0]}.${previous[1] + 1}`;
}
