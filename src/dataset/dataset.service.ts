import type { Database } from '../db/database';
import { requireActive } from '../common/archival';
import { EventType } from '../audit/event-type';
import { recordEvent, type Caller } from '../audit/record';
import { now } from '../common/base.entity';
import { BadInputError, ConflictError } from '../common/errors';
import { newId } from '../common/ids';
import { createOnce } from '../common/idempotency';
import { lock, parentKey } from '../common/lock';
import { requireAll } from '../common/lookup';
import { NamedAggregateService } from '../common/named-aggregate.service';
import { insertTags } from '../common/tags';
import { linkDatasetVersion } from '../lineage/links';
import { Dataset, DatasetVersion } from './dataset.entity';
import type { CreateDatasetInput, CreateDatasetVersionInput, DatasetFilter } from './dataset.inputs';

export class DatasetService extends NamedAggregateService<Dataset, CreateDatasetInput, DatasetFilter> {
  constructor(db: Database) {
    super(db, { entity: Dataset, type: 'Dataset', mutation: 'createDataset', noun: 'A dataset', archivable: true, event: EventType.DATASET_CREATED });
  }

  protected columns(): Partial<Dataset> {
    return { versionCount: 0 };
  }

  /** Numbering is decided under the dataset's row lock: sequences are gap-free under concurrency. */
  createVersion(input: CreateDatasetVersionInput, caller: Caller): Promise<DatasetVersion> {
    const { actor } = caller;
    return createOnce(this.db, {
      mutation: 'createDatasetVersion',
      actor,
      input,
      id: newId('DatasetVersion'),
      find: (id) => this.db.manager.findOneBy(DatasetVersion, { id }),
      onConflict: () => new ConflictError(`Version ${JSON.stringify(input.version)} of this dataset already exists`, 'input.version'),
      create: async (em, id) => {
        const dataset = await lock(this.db, Dataset, ...parentKey('dataset', { id: input.datasetId, name: input.datasetName }));
        requireActive(dataset, 'Dataset');
        const sources = input.derivedFromIds ?? [];
        await requireAll(em, DatasetVersion, 'DatasetVersion', sources, 'input.derivedFromIds');
        const at = now();
        const sequence = dataset.versionCount + 1;
        // Digit-only labels are the automatic numbering: an explicit one must be the number it would get.
        if (input.version != null && /^\d+$/.test(input.version) && input.version !== String(sequence)) {
          throw new BadInputError('input.version', `digit-only labels are sequence numbers: this version would be ${sequence}`);
        }
        const version = em.create(DatasetVersion, {
          id, datasetId: dataset.id, version: input.version ?? String(sequence), sequence, uri: input.uri,
          digest: input.digest, rowCount: input.rowCount ?? null, schema: input.schema ?? null,
          description: input.description ?? null, createdBy: actor, createdAt: at, updatedAt: at,
        });
        await em.insert(DatasetVersion, version);
        await em.update(Dataset, { id: dataset.id }, { versionCount: sequence, updatedAt: at });
        await linkDatasetVersion(em, version, sources);
        await insertTags(em, id, input.tags);
        await recordEvent(this.db, caller, {
          action: EventType.DATASET_VERSION_CREATED, entityType: 'DatasetVersion', entityId: id,
          after: {
            datasetId: dataset.id, version: version.version, sequence, uri: version.uri, digest: version.digest, rowCount: version.rowCount,
            description: version.description, derivedFromIds: sources, tags: input.tags ?? [],
          },
        });
        return version;
      },
    });
  }
}
