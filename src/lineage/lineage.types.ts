import { createUnionType, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DatasetVersion } from '../dataset/dataset.entity';
import { Deployment } from '../deployment/deployment.entity';
import { Experiment } from '../experiment/experiment.entity';
import { ModelVersion } from '../model-version/model-version.entity';
import { Run } from '../run/run.entity';

export enum LineageDirection {
  UPSTREAM = 'UPSTREAM',
  DOWNSTREAM = 'DOWNSTREAM',
  BOTH = 'BOTH',
}
registerEnumType(LineageDirection, {
  name: 'LineageDirection',
  valuesConfig: {
    UPSTREAM: { description: 'What went into the root: data, runs, parents' },
    DOWNSTREAM: { description: 'What came out of the root: runs, versions, derived data, deployments' },
    BOTH: { description: 'Ancestors and descendants (two directed walks, not an undirected flood)' },
  },
});

const LINEAGE_TYPES = [Experiment, Run, ModelVersion, DatasetVersion, Deployment] as const;

export const LineageNode = createUnionType({
  name: 'LineageNode',
  description: 'Anything lineage links: experiments, runs, model versions, dataset versions, deployments',
  types: () => LINEAGE_TYPES,
  resolveType: (value) => LINEAGE_TYPES.find((type) => value instanceof type)?.name,
});

export type LineageNodeValue = Experiment | Run | ModelVersion | DatasetVersion | Deployment;

@ObjectType()
export class LineageEntry {
  @Field(() => LineageNode)
  node: LineageNodeValue;

  @Field(() => Int, { description: 'Shortest distance from the root (the root is 0)' })
  depth: number;
}

@ObjectType('LineageEdge')
export class LineageLink {
  @Field(() => ID)
  from: string;

  @Field(() => ID)
  to: string;

  @Field({ description: 'contains, consumed, produced, trained_on, parent_of, derived or served' })
  relation: string;

  @Field(() => String, { nullable: true, description: 'For trained_on: the dataset role (TRAINING, VALIDATION, …)' })
  role: string | null;
}

@ObjectType()
export class LineageGraph {
  @Field(() => LineageNode)
  root: LineageNodeValue;

  @Field(() => [LineageEntry], { description: 'The root first, then by depth, then by creation time' })
  nodes: LineageEntry[];

  @Field(() => [LineageLink], { description: 'Edges between returned nodes, pointing from input to output' })
  edges: LineageLink[];

  @Field({ description: 'True when maxDepth or first left reachable nodes out' })
  truncated: boolean;
}
