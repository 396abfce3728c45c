import { z } from 'zod';
import { AuditList, AuditQuery } from './audit.js';
import { IdParams } from './common.js';
import {
  CompleteUploadBody,
  CreateUploadBody,
  DatasetDiff,
  DatasetList,
  DatasetParams,
  Dataset,
  DatasetVersion,
  DiffQuery,
  GcResult,
  RestoreBody,
  UploadSession,
  VerifyResult,
  VersionDetail,
  VersionList,
  VersionListQuery,
  VersionParams,
} from './data.js';
import {
  Capacity,
  CreateEnvironmentBody,
  DeleteEnvironmentQuery,
  Environment,
  EnvironmentList,
  EnvironmentListQuery,
  EnvironmentStats,
  ExecBody,
  ExecResult,
  LogLines,
  LogsQuery,
} from './environments.js';
import { ImageBuildStarted, ImageList, ImageNameParams } from './images.js';
import { CreateJobBody, Job, JobList, JobListQuery, JobLog, JobLogQuery } from './jobs.js';
import { JupyterLoginPage, JupyterLoginQuery, JupyterTicket } from './jupyter-browser.js';
import { ResizeBody } from './resources.js';
import { Health, Me } from './status.js';
import { SyncApplied, SyncApplyBody, SyncBlobParams, SyncBlobStored, SyncPlan, SyncPlanBody } from './sync.js';
import { CreatedToken, CreateTokenBody, TokenInfo, TokenList, TokenListQuery } from './tokens.js';
import { CreateUserBody, User, UserList } from './users.js';

/**
 * The route table: one entry per HTTP route, used by the server to register and validate it and by
 * the client to build the request and parse the answer. Nothing else spells out a URL.
 */
export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Status of a successful answer and the schema of its body. */
  status: 200 | 201 | 202 | 204;
  response: z.ZodType;
  /** Name written to the audit log for state-changing routes. */
  audit?: string;
  auth: 'none' | 'user' | 'admin';
  /**
   * The body is raw bytes (`application/octet-stream`) streamed to the handler, not JSON: the
   * server registers such a route with a pass-through parser and the client sends it with `upload`.
   */
  rawBody?: true;
}

const route = <const R extends RouteDef>(r: R): R => r;

export const routes = {
  health: route({ method: 'GET', path: '/healthz', status: 200, response: Health, auth: 'none' }),
  me: route({ method: 'GET', path: '/api/v1/me', status: 200, response: Me, auth: 'user' }),

  listUsers: route({ method: 'GET', path: '/api/v1/users', status: 200, response: UserList, auth: 'admin' }),
  createUser: route({
    method: 'POST', path: '/api/v1/users', body: CreateUserBody, status: 201, response: User, auth: 'admin', audit: 'user.create',
  }),

  listTokens: route({ method: 'GET', path: '/api/v1/tokens', query: TokenListQuery, status: 200, response: TokenList, auth: 'user' }),
  createToken: route({
    method: 'POST', path: '/api/v1/tokens', body: CreateTokenBody, status: 201, response: CreatedToken, auth: 'user', audit: 'token.create',
  }),
  revokeToken: route({
    method: 'DELETE', path: '/api/v1/tokens/:id', params: IdParams, status: 200, response: TokenInfo, auth: 'user', audit: 'token.revoke',
  }),

  listImages: route({ method: 'GET', path: '/api/v1/images', status: 200, response: ImageList, auth: 'user' }),

  buildImage: route({
    method: 'POST', path: '/api/v1/images/:name/build', params: ImageNameParams, status: 202, response: ImageBuildStarted, auth: 'admin', audit: 'image.build',
  }),

  capacity: route({ method: 'GET', path: '/api/v1/capacity', status: 200, response: Capacity, auth: 'user' }),
  listEnvironments: route({ method: 'GET', path: '/api/v1/environments', query: EnvironmentListQuery, status: 200, response: EnvironmentList, auth: 'user' }),
  createEnvironment: route({
    method: 'POST', path: '/api/v1/environments', body: CreateEnvironmentBody, status: 201, response: Environment, auth: 'user', audit: 'environment.create',
  }),
  getEnvironment: route({ method: 'GET', path: '/api/v1/environments/:id', params: IdParams, status: 200, response: Environment, auth: 'user' }),
  startEnvironment: route({
    method: 'POST', path: '/api/v1/environments/:id/start', params: IdParams, status: 200, response: Environment, auth: 'user', audit: 'environment.start',
  }),
  stopEnvironment: route({
    method: 'POST', path: '/api/v1/environments/:id/stop', params: IdParams, status: 200, response: Environment, auth: 'user', audit: 'environment.stop',
  }),
  restartEnvironment: route({
    method: 'POST', path: '/api/v1/environments/:id/restart', params: IdParams, status: 200, response: Environment, auth: 'user', audit: 'environment.restart',
  }),
  deleteEnvironment: route({
    method: 'DELETE', path: '/api/v1/environments/:id', params: IdParams, query: DeleteEnvironmentQuery, status: 200, response: Environment, auth: 'user', audit: 'environment.delete',
  }),
  environmentLogs: route({ method: 'GET', path: '/api/v1/environments/:id/logs', params: IdParams, query: LogsQuery, status: 200, response: LogLines, auth: 'user' }),
  environmentStats: route({ method: 'GET', path: '/api/v1/environments/:id/stats', params: IdParams, status: 200, response: EnvironmentStats, auth: 'user' }),
  execEnvironment: route({
    method: 'POST', path: '/api/v1/environments/:id/exec', params: IdParams, body: ExecBody, status: 200, response: ExecResult, auth: 'user', audit: 'environment.exec',
  }),

  // Open in Jupyter (browser): a one-time ticket, redeemed by the browser for a cookie valid on
  // this environment's Jupyter proxy only (see api/routes/jupyter-browser.ts).
  createJupyterTicket: route({
    method: 'POST', path: '/api/v1/environments/:id/jupyter-ticket', params: IdParams, status: 200, response: JupyterTicket, auth: 'user', audit: 'environment.jupyter_login',
  }),
  jupyterLogin: route({
    method: 'GET', path: '/api/v1/environments/:id/jupyter-login', params: IdParams, query: JupyterLoginQuery, status: 200, response: JupyterLoginPage, auth: 'none',
  }),

  resizeEnvironment: route({
    method: 'PATCH', path: '/api/v1/environments/:id/resources', params: IdParams, body: ResizeBody, status: 200, response: Environment, auth: 'user', audit: 'environment.resize',
  }),

  createJob: route({ method: 'POST', path: '/api/v1/jobs', body: CreateJobBody, status: 201, response: Job, auth: 'user', audit: 'job.create' }),
  listJobs: route({ method: 'GET', path: '/api/v1/jobs', query: JobListQuery, status: 200, response: JobList, auth: 'user' }),
  getJob: route({ method: 'GET', path: '/api/v1/jobs/:id', params: IdParams, status: 200, response: Job, auth: 'user' }),
  jobLog: route({ method: 'GET', path: '/api/v1/jobs/:id/log', params: IdParams, query: JobLogQuery, status: 200, response: JobLog, auth: 'user' }),
  cancelJob: route({ method: 'POST', path: '/api/v1/jobs/:id/cancel', params: IdParams, status: 200, response: Job, auth: 'user', audit: 'job.cancel' }),

  syncPlan: route({
    method: 'POST', path: '/api/v1/environments/:id/sync/plan', params: IdParams, body: SyncPlanBody, status: 200, response: SyncPlan, auth: 'user',
  }),
  uploadSyncBlob: route({ method: 'PUT', path: '/api/v1/sync/blobs/:hash', params: SyncBlobParams, rawBody: true, status: 200, response: SyncBlobStored, auth: 'user' }),
  syncApply: route({
    method: 'POST', path: '/api/v1/environments/:id/sync/apply', params: IdParams, body: SyncApplyBody, status: 200, response: SyncApplied, auth: 'user', audit: 'workspace.sync',
  }),

  listAudit: route({ method: 'GET', path: '/api/v1/audit', query: AuditQuery, status: 200, response: AuditList, auth: 'admin' }),

  // Datasets (issue 5). Uploads and store maintenance live outside /datasets/:name so no dataset name can shadow them.
  listDatasets: route({ method: 'GET', path: '/api/v1/datasets', status: 200, response: DatasetList, auth: 'user' }),
  getDataset: route({ method: 'GET', path: '/api/v1/datasets/:name', params: DatasetParams, status: 200, response: Dataset, auth: 'user' }),
  listVersions: route({
    method: 'GET', path: '/api/v1/datasets/:name/versions', params: DatasetParams, query: VersionListQuery, status: 200, response: VersionList, auth: 'user',
  }),
  getVersion: route({ method: 'GET', path: '/api/v1/datasets/:name/versions/:number', params: VersionParams, status: 200, response: VersionDetail, auth: 'user' }),
  diffVersions: route({ method: 'GET', path: '/api/v1/datasets/:name/diff', params: DatasetParams, query: DiffQuery, status: 200, response: DatasetDiff, auth: 'user' }),
  restoreVersion: route({
    method: 'POST', path: '/api/v1/datasets/:name/versions/:number/restore', params: VersionParams, body: RestoreBody, status: 201, response: DatasetVersion, auth: 'user', audit: 'dataset.restore',
  }),
  deleteVersion: route({
    method: 'DELETE', path: '/api/v1/datasets/:name/versions/:number', params: VersionParams, status: 200, response: DatasetVersion, auth: 'user', audit: 'dataset.delete',
  }),
  createUpload: route({
    method: 'POST', path: '/api/v1/dataset-uploads', body: CreateUploadBody, status: 201, response: UploadSession, auth: 'user',
  }),
  getUpload: route({ method: 'GET', path: '/api/v1/dataset-uploads/:id', params: IdParams, status: 200, response: UploadSession, auth: 'user' }),
  cancelUpload: route({ method: 'DELETE', path: '/api/v1/dataset-uploads/:id', params: IdParams, status: 200, response: UploadSession, auth: 'user' }),
  completeUpload: route({
    method: 'POST', path: '/api/v1/dataset-uploads/:id/complete', params: IdParams, body: CompleteUploadBody, status: 201, response: DatasetVersion, auth: 'user', audit: 'dataset.add',
  }),
  gcDatasets: route({ method: 'POST', path: '/api/v1/dataset-store/gc', status: 200, response: GcResult, auth: 'admin', audit: 'dataset.gc' }),
  verifyDatasets: route({ method: 'POST', path: '/api/v1/dataset-store/verify', status: 200, response: VerifyResult, auth: 'user' }),
} as const;

export type Routes = typeof routes;
export type RouteName = keyof Routes;

/** The WebSocket endpoint is not in the table: it has no request/response pair. */
export const EVENTS_PATH = '/api/v1/events';
