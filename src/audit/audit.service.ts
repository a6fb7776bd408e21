import { MoreThan } from 'typeorm';
import type { Database } from '../db/database';
import { paginate, SortDirection, type Page, type PageArgs } from '../common/pagination';
import { AuditEvent } from './audit-event.entity';
import { canonicalText, chainHash } from './canonical';
import type { AuditEventFilter, AuditVerification } from './audit.inputs';

/** Events read per statement while verifying. */
export const VERIFY_PAGE = 500;

/** Reads of the audit log: the feed and the chain check. Writing is `recordEvent`; sealing, AuditSealer. */
export class AuditService {
  constructor(private readonly db: Database) {}

  /** The feed, newest first (insert order), keyset-paged. */
  list(args: PageArgs, filter?: AuditEventFilter | null): Promise<Page<AuditEvent>> {
    const qb = this.db.manager.createQueryBuilder(AuditEvent, 'e');
    if (filter?.entityId != null) qb.andWhere('e.entityId = :entityId', { entityId: filter.entityId });
    if (filter?.actor != null) qb.andWhere('e.actor = :actor', { actor: filter.actor });
    if (filter?.action != null) qb.andWhere('e.action = :action', { action: filter.action });
    if (filter?.since != null) qb.andWhere('e.at >= :since', { since: this.db.dateParam(filter.since) });
    if (filter?.until != null) qb.andWhere('e.at < :until', { until: this.db.dateParam(filter.until) });
    return paginate(qb, { property: 'position', direction: SortDirection.DESC }, args);
  }

  /**
   * Walks the sealed events in sequence order, a page at a time: each must carry the next sequence, its
   * stored canonical text must be what its columns say, and its hash sha256(previous hash + that text with
   * the sequence). The first event that fails breaks the chain.
   */
  async verify(): Promise<AuditVerification> {
    let expected = 1;
    let previous = '';
    let checked = 0;
    for (;;) {
      const page = await this.db.manager.find(AuditEvent, {
        where: { sequence: MoreThan(expected - 1) }, order: { sequence: 'ASC' }, take: VERIFY_PAGE,
      });
      for (const event of page) {
        const intact = event.sequence === expected && event.canonical === canonicalText(event)
          && event.hash === chainHash(previous, event.canonical, expected);
        if (!intact) return { ok: false, checked, firstBrokenSequence: expected };
        previous = event.hash!;
        checked += 1;
        expected += 1;
      }
      if (page.length < VERIFY_PAGE) return { ok: true, checked, firstBrokenSequence: null };
    }
  }
}
