import { defineLoader } from '../common/loaders';
import { childPageLoader, SortDirection, type PageArgs } from '../common/pagination';
import { AuditEvent } from './audit-event.entity';

/** An object's audit events, newest first: one windowed statement for all the parents of a level. */
export const auditEventPages = defineLoader('auditEventPages', (db, page: PageArgs) =>
  childPageLoader(db, {
    query: (d) => d.manager.createQueryBuilder(AuditEvent, 'e'),
    parentProperty: 'entityId',
    sort: { property: 'position', direction: SortDirection.DESC },
  }, page));
