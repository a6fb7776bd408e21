import { IsNull, LessThan, type FindOptionsWhere } from 'typeorm';
import { EventType } from '../audit/event-type';
import { recordEvent, type Caller } from '../audit/record';
import { now } from '../common/base.entity';
import { NotFoundError } from '../common/errors';
import { isRecordIdOf, newRecordId } from '../common/ids';
import { paginate, SortDirection, type Page, type PageArgs } from '../common/pagination';
import type { Database } from '../db/database';
import { ApiToken, type CreatedApiToken } from './api-token.entity';
import type { Role } from './role';
import { newTokenSecret, sha256Hex } from './secrets';

/** `last_used_at` is written at most this often per token. */
export const LAST_USED_INTERVAL_MS = 60_000;

/** API tokens: create (secret shown once), revoke, list, and the lookup of a presented secret. */
export class TokenService {
  private readonly createdListeners: (() => void)[] = [];

  constructor(private readonly db: Database) {}

  /** Called after a token is stored (the process then enforces authentication). */
  onCreated(listener: () => void): void {
    this.createdListeners.push(listener);
  }

  async create(input: { name: string; role: Role; expiresAt?: Date | null }, caller: Caller): Promise<CreatedApiToken> {
    const token = newTokenSecret();
    const row = Object.assign(new ApiToken(), {
      id: newRecordId('ApiToken'), name: input.name, role: input.role, tokenHash: sha256Hex(token),
      createdAt: now(), createdBy: caller.actor, expiresAt: input.expiresAt ?? null, lastUsedAt: null, revokedAt: null,
    });
    await this.db.transaction(async (em) => {
      await em.insert(ApiToken, row);
      // Never the secret or its hash: what a reader of the log needs to know which token this was.
      await recordEvent(this.db, caller, {
        action: EventType.API_TOKEN_CREATED, entityType: 'ApiToken', entityId: row.id,
        after: { name: row.name, role: row.role, expiresAt: row.expiresAt },
      });
    });
    for (const listener of this.createdListeners) listener();
    return { token, apiToken: row };
  }

  /** True when this call revoked it; false when it was revoked already. */
  async revoke(id: string, caller: Caller): Promise<boolean> {
    return this.db.transaction(async (em) => {
      const row = isRecordIdOf('ApiToken', id) ? await em.findOneBy(ApiToken, { id }) : null;
      if (!row) throw new NotFoundError('ApiToken', id, 'id');
      if (row.revokedAt) return false;
      const revokedAt = now();
      const result = await em.update(ApiToken, { id, revokedAt: IsNull() }, { revokedAt });
      if ((result.affected ?? 1) === 0) return false;
      await recordEvent(this.db, caller, {
        action: EventType.API_TOKEN_REVOKED, entityType: 'ApiToken', entityId: id, before: { revokedAt: null }, after: { revokedAt },
      });
      return true;
    });
  }

  list(page: PageArgs, includeRevoked: boolean): Promise<Page<ApiToken>> {
    const qb = this.db.manager.createQueryBuilder(ApiToken, 't');
    if (!includeRevoked) qb.where('t.revokedAt IS NULL');
    return paginate(qb, { property: 'id', direction: SortDirection.DESC }, page);
  }

  /** Whether any unrevoked token is stored (one indexed read). */
  async anyStored(): Promise<boolean> {
    const rows = await this.db.manager.createQueryBuilder(ApiToken, 't').select('t.id', 'id')
      .where('t.revokedAt IS NULL').limit(1).getRawMany<{ id: string }>();
    return rows.length > 0;
  }

  /** The live (unrevoked, unexpired) token with this secret, or null. One read; a write at most once a minute. */
  async verify(secret: string): Promise<ApiToken | null> {
    const row = await this.db.manager.findOneBy(ApiToken, { tokenHash: sha256Hex(secret) });
    const at = now();
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= at.getTime())) return null;
    const cutoff = new Date(at.getTime() - LAST_USED_INTERVAL_MS);
    if (!row.lastUsedAt || row.lastUsedAt.getTime() < cutoff.getTime()) {
      const stale: FindOptionsWhere<ApiToken>[] = [
        { id: row.id, lastUsedAt: IsNull() },
        { id: row.id, lastUsedAt: LessThan(this.db.dateParam(cutoff) as Date) },
      ];
      await this.db.transaction((em) => em.update(ApiToken, stale, { lastUsedAt: at }));
    }
    return row;
  }
}
