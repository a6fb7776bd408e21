import { ArgsType, Field, Int } from 'type-graphql';
import { IntRange } from '../common/validation';
import { MAX_ONE_HOP, ONE_HOP_DEFAULT } from './lineage.loaders';
import { MAX_LINEAGE_DEPTH, MAX_LINEAGE_NODES } from './lineage.service';

/** How far `lineage` walks and how many nodes it answers with. */
@ArgsType()
export class LineageBoundsArgs {
  @Field(() => Int, { defaultValue: 500, description: 'Nodes in the answer, the root included' })
  @IntRange(1, MAX_LINEAGE_NODES)
  first: number;

  @Field(() => Int, { defaultValue: 10 })
  @IntRange(0, MAX_LINEAGE_DEPTH)
  maxDepth: number;
}

/** `upstream` / `downstream`: how many direct neighbours. */
@ArgsType()
export class OneHopArgs {
  @Field(() => Int, { nullable: true, defaultValue: ONE_HOP_DEFAULT })
  @IntRange(0, MAX_ONE_HOP)
  first: number | null;
}
