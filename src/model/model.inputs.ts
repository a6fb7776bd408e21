import { DescribedCreateInput } from '../common/inputs';
import { Field, InputType } from 'type-graphql';
import { ArchivableFilter } from '../common/archival';
import { IsName } from '../common/validation';
import { VersioningScheme } from './model.entity';

@InputType()
export class RegisterModelInput extends DescribedCreateInput {
  @Field()
  @IsName()
  name: string;

  @Field(() => VersioningScheme, { defaultValue: VersioningScheme.INTEGER })
  versioningScheme: VersioningScheme = VersioningScheme.INTEGER;
}

@InputType()
export class ModelFilter extends ArchivableFilter {}
