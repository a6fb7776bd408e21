import { DescribedCreateInput } from '../common/inputs';
import { Field, ID, InputType, Int } from 'type-graphql';
import { ArchivableFilter } from '../common/archival';
import { JSONScalar, type JsonValue } from '../common/scalars';
import { ExactlyOne, IntRange, IsDigest, IsName, IsUri, JsonSize, LIMITS, MaxChars, MaxItems, UniqueBy } from '../common/validation';

@InputType()
export class CreateDatasetInput extends DescribedCreateInput {
  @Field()
  @IsName()
  name: string;
}

@InputType()
@ExactlyOne<CreateDatasetVersionInput>('datasetId', 'datasetName')
export class CreateDatasetVersionInput extends DescribedCreateInput {
  @Field(() => ID, { nullable: true, description: 'The dataset, by id (or give datasetName)' })
  datasetId?: string | null;

  @Field(() => String, { nullable: true })
  datasetName?: string | null;

  @Field(() => String, { nullable: true, description: 'A label such as 2026-11 or v3; defaults to the sequence number' })
  @MaxChars(LIMITS.version, 1)
  version?: string | null;

  @Field()
  @IsUri()
  uri: string;

  @Field({ description: 'algorithm:hex — sha256:…64 hex, sha512:, sha1:, md5:' })
  @IsDigest()
  digest: string;

  @Field(() => Int, { nullable: true })
  @IntRange(0, 2 ** 31 - 1)
  rowCount?: number | null;

  @Field(() => JSONScalar, { nullable: true })
  @JsonSize()
  schema?: JsonValue | null;

  @Field(() => [ID], { nullable: true, description: 'Dataset versions this one was made from' })
  @MaxItems()
  @UniqueBy('id')
  derivedFromIds?: string[] | null;
}

@InputType()
export class DatasetFilter extends ArchivableFilter {}
