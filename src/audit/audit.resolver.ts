import { Arg, Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root, type ClassType } from 'type-graphql';
import { Role } from '../auth/role';
import type { Context } from '../context';
import { PageArgs, toConnection, type Connection } from '../common/pagination';
import { JSONScalar, type JsonValue } from '../common/scalars';
import { NODE_TYPE_NAMES, NODE_TYPES } from '../node/node-types';
import { AuditEvent, AuditEventConnection } from './audit-event.entity';
import { AuditEventFilter, AuditVerification } from './audit.inputs';
import { auditEventPages } from './audit.loaders';

const parsed = (text: string | null): JsonValue | null => (text == null ? null : JSON.parse(text) as JsonValue);

@Resolver(() => AuditEvent)
export class AuditResolver {
  @Authorized(Role.VIEWER)
  @Query(() => AuditEventConnection, { description: 'The audit log: every change the registry made, newest first' })
  async auditEvents(
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('filter', () => AuditEventFilter, { nullable: true }) filter?: AuditEventFilter,
  ): Promise<Connection<AuditEvent>> {
    return toConnection(AuditEventConnection, await ctx.services.audit.list(page, filter));
  }

  @Authorized(Role.ADMIN)
  @Query(() => AuditVerification, { description: 'Recomputes the audit hash chain over every sealed event' })
  verifyAuditLog(@Ctx() ctx: Context): Promise<AuditVerification> {
    return ctx.services.audit.verify();
  }

  @FieldResolver(() => JSONScalar, { nullable: true, description: 'What changed, as it was (secrets redacted); null for a creation' })
  before(@Root() event: AuditEvent): JsonValue | null {
    return parsed(event.beforeJson);
  }

  @FieldResolver(() => JSONScalar, { nullable: true, description: 'What changed, as it became (secrets redacted)' })
  after(@Root() event: AuditEvent): JsonValue | null {
    return parsed(event.afterJson);
  }
}

/** `auditEvents(first, after)` on every node type: its own events, newest first, batched across parents. */
function auditEventsResolver(type: ClassType<{ id: string }>) {
  @Resolver(() => type)
  class NodeAuditEvents {
    @FieldResolver(() => AuditEventConnection, { description: 'Changes to this object, newest first' })
    async auditEvents(@Root() node: { id: string }, @Ctx() ctx: Context, @Args() page: PageArgs): Promise<Connection<AuditEvent>> {
      return toConnection(AuditEventConnection, await ctx.loaders.get(auditEventPages, { ...page }).load(node.id));
    }
  }
  Object.defineProperty(NodeAuditEvents, 'name', { value: `${type.name}AuditEvents` });
  return NodeAuditEvents;
}

export const AUDIT_FIELD_RESOLVERS = NODE_TYPE_NAMES.map((type) => auditEventsResolver(NODE_TYPES[type].entity as ClassType<{ id: string }>));
