import { createUnionType, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DatasetRole } from '../model-version/model-version.entity';
import { LINEAGE_CLASSES, type LineageClass } from '../node/node-types';
import { LineageRelation } from './lineage-edge.entity';

export enum LineageDirection {
  UPSTREAM = 'UPSTREAM',
  DOWNSTREAM = 'DOWNSTREAM',
  BOTH = 'BOTH',
}
registerEnumType(LineageDirection, {
  name: 'LineageDirection',
  valuesConfig: {
    UPSTREAM: { description: 'What went into the root: data, runs, parents, containers' },
    DOWNSTREAM: { description: 'What came out of the root: runs, versions, derived data, deployments' },
    BOTH: { description: 'Ancestors and descendants (two directed walks, not an undirected flood)' },
  },
});

registerEnumType(LineageRelation, {
  name: 'LineageRelation',
  description: 'How one lineage node feeds another (edges point from input to output)',
  valuesConfig: {
    CONTAINS: { description: 'Experiment → Run, Model → ModelVersion, Dataset → DatasetVersion' },
    CONSUMED: { description: 'DatasetVersion → Run (a run input)' },
    PRODUCED: { description: 'Run → ModelVersion' },
    TRAINED_ON: { description: 'DatasetVersion → ModelVersion, with the dataset role' },
    PARENT_OF: { description: 'ModelVersion → ModelVersion (parent → child)' },
    DERIVED: { description: 'DatasetVersion → DatasetVersion (source → derived)' },
    SERVED: { description: 'ModelVersion → Deployment: one edge per serving interval' },
  },
});

export const LineageNode = createUnionType({
  name: 'LineageNode',
  description: 'Anything lineage links: experiments, runs, models and their versions, datasets and their versions, deployments',
  types: () => LINEAGE_CLASSES,
  resolveType: (value) => LINEAGE_CLASSES.find((type) => value instanceof type)?.name,
});

export type LineageNodeValue = InstanceType<LineageClass>;

export function isLineageNode(value: object): value is LineageNodeValue {
  return LINEAGE_CLASSES.some((cls) => value instanceof cls);
}

@ObjectType()
export class LineageEntry {
  @Field(() => LineageNode)
  node: LineageNodeValue;

  @Field(() => Int, { description: 'Shortest distance from the root (the root is 0)' })
  depth: number;
}

@ObjectType({ description: 'A link between two returned nodes, from input to output' })
export class LineageEdge {
  @Field(() => ID)
  from: string;

  @Field(() => ID)
  to: string;

  @Field(() => LineageRelation)
  relation: LineageRelation;

  @Field(() => DatasetRole, { nullable: true, description: 'TRAINED_ON: the role the data played' })
  role: DatasetRole | null;

  @Field(() => Date, { description: 'When the link was recorded; SERVED: when the version entered the traffic' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'SERVED: when the version left the traffic (as known at asOf); null while serving' })
  until: Date | null;
}

@ObjectType()
export class LineageGraph {
  @Field(() => LineageNode)
  root: LineageNodeValue;

  @Field(() => [LineageEntry], { description: 'The root first, then by depth, then by creation time' })
  nodes: LineageEntry[];

  @Field(() => [LineageEdge], { description: 'Edges between returned nodes, pointing from input to output, oldest first' })
  edges: LineageEdge[];

  @Field({ description: 'True when maxDepth or first left reachable nodes out' })
  truncated: boolean;
}
