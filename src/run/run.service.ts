import type { Database } from '../db/database';
import { requireActive } from '../common/archival';
import { EventType } from '../audit/event-type';
import { recordEvent, type Caller } from '../audit/record';
import { now } from '../common/base.entity';
import { BadInputError, ConflictError, PreconditionFailedError } from '../common/errors';
import { newId } from '../common/ids';
import { createOnce } from '../common/idempotency';
import { lock } from '../common/lock';
import { requireAll } from '../common/lookup';
import { insertMetrics, type MetricInput } from '../common/metrics';
import { insertTags } from '../common/tags';
import { DatasetVersion } from '../dataset/dataset.entity';
import { Experiment } from '../experiment/experiment.entity';
import { linkRun } from '../lineage/links';
import { defaultRunName } from './run-names';
import { Run, RunStatus } from './run.entity';
import type { StartRunInput } from './run.inputs';

export class RunService {
  constructor(private readonly db: Database) {}

  start(input: StartRunInput, caller: Caller): Promise<Run> {
    const { actor } = caller;
    return createOnce(this.db, {
      mutation: 'startRun',
      actor,
      input,
      id: newId('Run'),
      find: (id) => this.db.manager.findOneBy(Run, { id }),
      onConflict: () => new ConflictError('The run conflicts with an existing one'),
      create: async (em, id) => {
        // Locked: an experiment being archived at the same time takes no new run.
        requireActive(await lock(this.db, Experiment, input.experimentId, 'input.experimentId'), 'Experiment');
        const inputIds = input.inputDatasetVersionIds ?? [];
        await requireAll(em, DatasetVersion, 'DatasetVersion', inputIds, 'input.inputDatasetVersionIds');
        const at = now();
        const run = em.create(Run, {
          id,
          experimentId: input.experimentId,
          name: input.name ?? defaultRunName(id),
          status: RunStatus.RUNNING,
          params: input.params ?? null,
          gitRepo: input.gitRepo ?? null,
          gitCommit: input.gitCommit ?? null,
          startedAt: input.startedAt ?? at,
          endedAt: null,
          createdBy: actor,
          createdAt: at,
          updatedAt: at,
        });
        await em.insert(Run, run);
        await linkRun(em, run, inputIds);
        await insertTags(em, id, input.tags);
        await recordEvent(this.db, caller, {
          action: EventType.RUN_STARTED, entityType: 'Run', entityId: id,
          after: {
            experimentId: run.experimentId, name: run.name, status: run.status, params: run.params, gitRepo: run.gitRepo,
            gitCommit: run.gitCommit, startedAt: run.startedAt, inputDatasetVersionIds: inputIds, tags: input.tags ?? [],
          },
        });
        return run;
      },
    });
  }

  /** Metrics may be logged while the run is going and after it ended (late evaluations). */
  logMetrics(runId: string, metrics: MetricInput[], caller: Caller): Promise<Run> {
    return this.db.transaction(async (em) => {
      const run = await lock(this.db, Run, runId, 'runId');
      await insertMetrics(em, run.id, metrics);
      run.updatedAt = now();
      await em.update(Run, { id: run.id }, { updatedAt: run.updatedAt });
      await recordEvent(this.db, caller, {
        action: EventType.RUN_METRICS_LOGGED, entityType: 'Run', entityId: run.id,
        after: { points: metrics.length, keys: [...new Set(metrics.map((m) => m.key))].sort() },
      });
      return run;
    });
  }

  finish(runId: string, status: RunStatus, endedAt: Date | null | undefined, caller: Caller): Promise<Run> {
    return this.db.transaction(async (em) => {
      const run = await lock(this.db, Run, runId, 'runId');
      if (run.status !== RunStatus.RUNNING) {
        throw new PreconditionFailedError(`Run ${runId} already ended with status ${run.status}`);
      }
      const at = now();
      const ended = endedAt ?? at;
      if (ended.getTime() < run.startedAt.getTime()) {
        throw new BadInputError('endedAt', `must not be before the run's startedAt (${run.startedAt.toISOString()})${endedAt ? '' : '; it defaults to now'}`);
      }
      const before = { status: run.status };
      Object.assign(run, { status, endedAt: ended, updatedAt: at });
      await em.update(Run, { id: run.id }, { status, endedAt: run.endedAt, updatedAt: at });
      await recordEvent(this.db, caller, {
        action: EventType.RUN_FINISHED, entityType: 'Run', entityId: run.id, before, after: { status, endedAt: ended },
      });
      return run;
    });
  }
}
