import { CoreGraph1764200000000 } from './1764200000000-core-graph';
import { LineageEdges1764300000000 } from './1764300000000-lineage-edges';
import { Lifecycle1764400000000 } from './1764400000000-lifecycle';
import { RunNames1764500000000 } from './1764500000000-run-names';
import { MetricLatestIndex1764500000100 } from './1764500000100-metric-latest-index';
import { ServedIntervals1764600000000 } from './1764600000000-served-intervals';
import { IdempotencyFingerprint1764700000000 } from './1764700000000-idempotency-fingerprint';
import { SchemaHygiene1764800000000 } from './1764800000000-schema-hygiene';
import { Evaluations1764900000000 } from './1764900000000-evaluations';
import { SearchIndexes1765000000000 } from './1765000000000-search-indexes';
import { Auth1765100000000 } from './1765100000000-auth';
import { MetricDirections1765400000000 } from './1765400000000-metric-directions-effective-hyperparameters';
import { ArchivalDeployableStages1765300000000 } from './1765300000000-archival-deployable-stages';
import { AuditLog1765200000000 } from './1765200000000-audit-log';
import { DriftMonitoring1765500000000 } from './1765500000000-drift-monitoring';
import { Webhooks1765600000000 } from './1765600000000-webhooks';

/** Every migration, oldest first; run at start. */
export const MIGRATIONS = [
  CoreGraph1764200000000, LineageEdges1764300000000, Lifecycle1764400000000, RunNames1764500000000,
  MetricLatestIndex1764500000100, ServedIntervals1764600000000, IdempotencyFingerprint1764700000000,
  SchemaHygiene1764800000000, Evaluations1764900000000, SearchIndexes1765000000000, Auth1765100000000,
  AuditLog1765200000000, ArchivalDeployableStages1765300000000, MetricDirections1765400000000,
  DriftMonitoring1765500000000,
  Webhooks1765600000000,
];
