import type { ImageCatalog } from '../environments/catalog.js';
import type { EnvironmentService } from '../environments/service.js';
import type { EventBus } from '../events/bus.js';
import type { ImageBuilder } from '../images/build-runner.js';
import type { JobService } from '../jobs/service.js';
import type { Store } from '../store/index.js';
import type { DatasetService } from '../data/service/service.js';
import type { SyncService } from '../sync/service.js';

/** What the server runs with, as `GET /api/v1/me` reports it. */
export interface ServerInfo {
  version: string;
  driver: 'local' | 'docker' | 'kubernetes';
  tls: boolean;
  startedAt: string;
}

/** Everything routes need, built once by the process wiring (or by a test) and passed in. */
export interface AppDeps {
  /** Datasets and their versions (issue 5). */
  datasets?: DatasetService;
  store: Store;
  bus: EventBus;
  info: ServerInfo;
  /** Absent in tests that exercise only the foundation routes. */
  environments?: { service: EnvironmentService; catalog: ImageCatalog; builder: ImageBuilder };
  /** Jobs in environments; present whenever `environments` is. */
  jobs?: JobService;
  /** Workspace sync into environments; present whenever `environments` is. */
  sync?: SyncService;
}
