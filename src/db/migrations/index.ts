import { CoreGraph1764200000000 } from './1764200000000-core-graph';

/** Every migration, oldest first; run at start. */
export const MIGRATIONS = [CoreGraph1764200000000];
