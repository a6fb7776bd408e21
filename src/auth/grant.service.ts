import { EventType } from '../audit/event-type';
import { recordEvent, type Caller } from '../audit/record';
import { now } from '../common/base.entity';
import { lock } from '../common/lock';
import type { Database } from '../db/database';
import { Model } from '../model/model.entity';
import { ModelGrant } from './model-grant.entity';
import type { Role } from './role';

/** Per-model roles: one row per (model, subject). */
export class GrantService {
  constructor(private readonly db: Database) {}

  /** Creates or replaces the subject's grant on the model. */
  grant(modelId: string, subject: string, role: Role, caller: Caller): Promise<ModelGrant> {
    return this.db.transaction(async (em) => {
      await lock(this.db, Model, modelId, 'modelId');
      const row = Object.assign(new ModelGrant(), { modelId, subject, role, grantedBy: caller.actor, grantedAt: now() });
      const existing = await em.findOneBy(ModelGrant, { modelId, subject });
      if (existing?.role !== role) {
        await recordEvent(this.db, caller, {
          action: EventType.MODEL_ROLE_GRANTED, entityType: 'Model', entityId: modelId,
          before: { subject, role: existing?.role ?? null }, after: { subject, role },
        });
      }
      if (existing) {
        await em.update(ModelGrant, { seq: existing.seq }, { role, grantedBy: caller.actor, grantedAt: row.grantedAt });
        return Object.assign(row, { seq: existing.seq });
      }
      await em.insert(ModelGrant, row);
      return row;
    });
  }

  /** True when a grant was removed. */
  revoke(modelId: string, subject: string, caller: Caller): Promise<boolean> {
    return this.db.transaction(async (em) => {
      await lock(this.db, Model, modelId, 'modelId');
      const existing = await em.findOneBy(ModelGrant, { modelId, subject });
      if (!existing) return false;
      await em.delete(ModelGrant, { seq: existing.seq });
      await recordEvent(this.db, caller, {
        action: EventType.MODEL_ROLE_REVOKED, entityType: 'Model', entityId: modelId,
        before: { subject, role: existing.role }, after: { subject, role: null },
      });
      return true;
    });
  }
}
