import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { DateColumn } from '../common/base.entity';

/** How one node feeds another. Edges point from input to output. */
export enum LineageRelation {
  /** Experiment → Run */
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
  /** ModelVersion → Deployment: the version has served traffic there */
  SERVED = 'served',
}

/**
 * One table for every lineage link. Ids are global, so one recursive query walks every kind of node;
 * rows are written in the transaction that creates the link and never change.
 */
@Entity('lineage_edge')
@Index('IDX_lineage_edge_to', ['toId', 'fromId'])
export class LineageEdge {
  @PrimaryColumn({ name: 'from_id', type: 'varchar', length: 40 })
  fromId: string;

  @PrimaryColumn({ name: 'to_id', type: 'varchar', length: 40 })
  toId: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  relation: LineageRelation;

  @Column({ type: 'varchar', length: 16, nullable: true })
  role: string | null;

  @DateColumn('created_at')
  createdAt: Date;
}
