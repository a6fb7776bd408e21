import { Field, ID, InputType, ObjectType, Int } from 'type-graphql';
import { LIMITS, MaxChars } from '../common/validation';
import { EventType } from './event-type';

@InputType({ description: 'Every given condition must hold' })
export class AuditEventFilter {
  @Field(() => ID, { nullable: true, description: 'Events about this object' })
  @MaxChars(LIMITS.name)
  entityId?: string | null;

  @Field(() => String, { nullable: true, description: 'Events made by this subject (exact)' })
  @MaxChars(LIMITS.name)
  actor?: string | null;

  @Field(() => EventType, { nullable: true })
  action?: EventType | null;

  @Field(() => Date, { nullable: true, description: 'At or after this instant' })
  since?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Before this instant' })
  until?: Date | null;
}

@ObjectType({ description: 'The result of recomputing the audit hash chain' })
export class AuditVerification {
  @Field({ description: 'Every sealed event matches its stored text and hash, in sequence 1, 2, … with no gap' })
  ok: boolean;

  @Field(() => Int, { description: 'Sealed events checked (up to the first broken one)' })
  checked: number;

  @Field(() => Int, { nullable: true, description: 'The first sequence where the chain breaks (an edited, missing or misplaced event)' })
  firstBrokenSequence: number | null;
}
