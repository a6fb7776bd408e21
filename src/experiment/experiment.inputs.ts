import { DescribedCreateInput } from '../common/inputs';
import { Field, InputType } from 'type-graphql';
import { ArchivableFilter } from '../common/archival';
import { IsName } from '../common/validation';

@InputType()
export class CreateExperimentInput extends DescribedCreateInput {
  @Field()
  @IsName()
  name: string;
}

@InputType()
export class ExperimentFilter extends ArchivableFilter {}
