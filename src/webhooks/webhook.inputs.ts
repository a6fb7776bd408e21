import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { EventType } from '../audit/event-type';
import { IsDescription, LIMITS, MaxChars, MaxItems, MinItems, rule, UniqueBy } from '../common/validation';
import { urlProblem } from './address';

/** http(s), no credentials, no literal private address (that one depends on the mode: the service checks it). */
const IsWebhookUrl = () =>
  rule('isWebhookUrl', (v) => (typeof v !== 'string' ? 'must be a string'
    : v.length > LIMITS.uri ? `must be at most ${LIMITS.uri} characters` : urlProblem(v, true)));

@InputType()
export class CreateWebhookInput {
  @Field({ description: 'http(s); no credentials; private, loopback and link-local addresses only with WEBHOOK_ALLOW_PRIVATE=true' })
  @IsWebhookUrl()
  url: string;

  @Field(() => [EventType], { description: 'The event types to receive' })
  @UniqueBy('event type')
  @MaxItems(100)
  @MinItems(1)
  events: EventType[];

  @Field(() => String, { nullable: true, description: 'The signing key (16 to 200 characters); generated (256 bits) when absent' })
  @MaxChars(200, 16)
  secret?: string | null;

  @Field(() => String, { nullable: true })
  @IsDescription()
  description?: string | null;
}

@ArgsType()
export class DeliveryIdArgs {
  @Field(() => ID)
  deliveryId: string;
}
