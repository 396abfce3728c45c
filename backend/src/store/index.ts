import { join } from 'node:path';
import { AuditStore } from './audit.js';
import { DatasetStore } from './datasets.js';
import { openDb, type Db } from './db.js';
import { EnvironmentStore } from './environments.js';
import { JobStore } from './jobs.js';
import { TokenStore } from './tokens.js';
import { UserStore } from './users.js';

/** The metadata store: one SQLite file in the data directory, one repository per table group. */
export class Store {
  readonly users: UserStore;
  readonly tokens: TokenStore;
  readonly audit: AuditStore;
  readonly environments: EnvironmentStore;
  readonly jobs: JobStore;
  readonly datasets: DatasetStore;

  constructor(readonly db: Db) {
    this.users = new UserStore(db);
    this.tokens = new TokenStore(db);
    this.audit = new AuditStore(db);
    this.environments = new EnvironmentStore(db);
    this.jobs = new JobStore(db);
    this.datasets = new DatasetStore(db);
  }

  static open(dataDir: string): Store {
    return new Store(openDb(join(dataDir, 'mlwb.sqlite')));
  }

  /** Runs `fn` atomically: either every write in it lands or none does. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
