import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';
import { DateColumn } from '../common/base.entity';
import { ConnectionType } from '../common/pagination';
import { LIMITS } from '../common/validation';
import { Role } from './role';

/** An API token: only the SHA-256 hash of its secret is stored; the secret is shown once, at creation. */
@ObjectType({ description: 'A bearer token for scripts and services (its secret is never readable after creation)' })
@Entity('api_token')
@Unique('UQ_api_token_hash', ['tokenHash'])
@Index('IDX_api_token_revoked', ['revokedAt', 'id'])
export class ApiToken {
  @Field(() => ID)
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Field()
  @Column({ type: 'varchar', length: LIMITS.name })
  name: string;

  @Field(() => Role)
  @Column({ type: 'varchar', length: 16 })
  role: Role;

  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Field(() => Date)
  @DateColumn('created_at')
  createdAt: Date;

  @Field()
  @Column({ name: 'created_by', type: 'varchar', length: LIMITS.name })
  createdBy: string;

  @Field(() => Date, { nullable: true, description: 'After this instant the token is refused' })
  @DateColumn('expires_at', { nullable: true })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'Updated at most once a minute' })
  @DateColumn('last_used_at', { nullable: true })
  lastUsedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @DateColumn('revoked_at', { nullable: true })
  revokedAt: Date | null;
}

export const ApiTokenConnection = ConnectionType('ApiToken', ApiToken);

@ObjectType({ description: 'A new token: `token` is the secret, shown this once only' })
export class CreatedApiToken {
  @Field({ description: 'Send as `Authorization: Bearer <token>`; it cannot be read again' })
  token: string;

  @Field(() => ApiToken)
  apiToken: ApiToken;
}
