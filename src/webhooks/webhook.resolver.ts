import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { EventType } from '../audit/event-type';
import { callerOf } from '../audit/record';
import { IdArgs } from '../auth/id.args';
import { Role } from '../auth/role';
import type { Context } from '../context';
import { PageArgs, toConnection, type Connection } from '../common/pagination';
import { CreatedWebhook, Webhook, WebhookConnection, WebhookDelivery, WebhookDeliveryConnection } from './webhook.entity';
import { CreateWebhookInput, DeliveryIdArgs } from './webhook.inputs';
import { deliveryPages } from './webhook.loaders';

/** Webhooks: subscriptions to the audit log, their deliveries, redelivery and skipping. */
@Resolver(() => Webhook)
export class WebhookResolver {
  @Authorized(Role.ADMIN)
  @Query(() => WebhookConnection, { description: 'Webhooks, newest first, deleted ones included (never their secrets)' })
  async webhooks(@Ctx() ctx: Context, @Args() page: PageArgs): Promise<Connection<Webhook>> {
    return toConnection(WebhookConnection, await ctx.services.webhooks.list(page));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreatedWebhook, { description: 'A new webhook; its signing secret is in this answer only. Events sealed from now on are delivered' })
  createWebhook(@Ctx() ctx: Context, @Arg('input', () => CreateWebhookInput) input: CreateWebhookInput): Promise<CreatedWebhook> {
    return ctx.services.webhooks.create(input, callerOf(ctx));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Boolean, { description: 'Deactivates the webhook (its deliveries stay readable); false when it was inactive already' })
  deleteWebhook(@Ctx() ctx: Context, @Args() { id }: IdArgs): Promise<boolean> {
    return ctx.services.webhooks.delete(id, callerOf(ctx));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => WebhookDelivery, { description: 'Sends the delivery again from its first attempt (a DEAD one included)' })
  redeliver(@Ctx() ctx: Context, @Args() { deliveryId }: DeliveryIdArgs): Promise<WebhookDelivery> {
    return ctx.services.webhooks.redeliver(deliveryId, callerOf(ctx));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => WebhookDelivery, { description: 'Gives up on a DEAD or FAILED delivery, so later events of its entity are delivered' })
  skipDelivery(@Ctx() ctx: Context, @Args() { deliveryId }: DeliveryIdArgs): Promise<WebhookDelivery> {
    return ctx.services.webhooks.skip(deliveryId, callerOf(ctx));
  }

  @FieldResolver(() => [EventType], { description: 'The event types it receives' })
  events(@Root() hook: Webhook): EventType[] {
    return hook.events;
  }

  @FieldResolver(() => WebhookDeliveryConnection, { description: 'Its deliveries, newest event first' })
  async deliveries(@Root() hook: Webhook, @Ctx() ctx: Context, @Args() page: PageArgs): Promise<Connection<WebhookDelivery>> {
    return toConnection(WebhookDeliveryConnection, await ctx.loaders.get(deliveryPages, { ...page }).load(hook.id));
  }
}
