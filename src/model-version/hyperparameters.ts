import type { JsonValue } from '../common/scalars';

/**
 * The one rule for a version's effective hyperparameters: its own when registered with them (a deliberate,
 * complete statement, so they replace the run's rather than merge), else the params its run was started
 * with. A run's params are fixed when it starts, so the rule is applied once, at registration, and stored in
 * `model_version.effective_hyperparameters`; search, comparison and reproducibility all read that column.
 * (Migration 1765400000000 backfilled versions registered before it with the same rule, in SQL.)
 */
export function effectiveHyperparametersOf(own: JsonValue | null | undefined, runParams: JsonValue | null | undefined): JsonValue | null {
  return own ?? runParams ?? null;
}
