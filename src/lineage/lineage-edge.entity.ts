import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { DateColumn } from '../common/base.entity';

/** How one node feeds another. Edges point from input to output. */
export enum LineageRelation {
  /** Experiment → Run, Model → ModelVersion, Dataset → DatasetVersion */
  CONTAINS = 'contains',
  /** DatasetVersion → Run */
  CONSUMED = 'consumed',
  /** Run → ModelVersion */
  PRODUCED = 'produced',
  /** DatasetVersion → ModelVersion (role: TRAINING, VALIDATION, …) */
  TRAINED_ON = 'trained_on',
  /** ModelVersion → ModelVersion (parent → child) */
  PARENT_OF = 'parent_of',
  /** DatasetVersion → DatasetVersion (source → derived) */
  DERIVED = 'derived',
  /** ModelVersion → Deployment: one row per serving interval */
  SERVED = 'served',
}

/**
 * One table for every lineage link. Ids are global, so one recursive query walks every kind of node.
 * Rows are written in the transaction that creates the link, only by lineage/links.ts. A SERVED row is one serving interval: opened
 * by the deployment revision `sinceRevision` (at `createdAt`), closed by setting `endedAt` when a later
 * revision takes the version out of the traffic; a version that returns gets a new row. Every other row
 * has `sinceRevision` 0, never ends and never changes.
 */
@Entity('lineage_edge')
// Upstream walks read (to_id → from_id, ended_at) from this index alone; downstream ones use the primary key.
@Index('IDX_lineage_edge_to', ['toId', 'fromId', 'endedAt'])
export class LineageEdgeRow {
  @PrimaryColumn({ name: 'from_id', type: 'varchar', length: 40 })
  fromId: string;

  @PrimaryColumn({ name: 'to_id', type: 'varchar', length: 40 })
  toId: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  relation: LineageRelation;

  /** SERVED: the deployment revision that put the version into the traffic; 0 for every other relation. */
  @PrimaryColumn({ name: 'since_revision', type: 'integer' })
  sinceRevision: number;

  @Column({ type: 'varchar', length: 16, nullable: true })
  role: string | null;

  @DateColumn('created_at')
  createdAt: Date;

  /** SERVED: when the version left the deployment's traffic; null while it serves (and for other relations). */
  @DateColumn('ended_at', { nullable: true })
  endedAt: Date | null;
}
