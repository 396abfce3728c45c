/** Identifiers shared by package.json's contributions and the code; a unit test keeps them in step. */
export const COMMANDS = {
  showConnection: 'mlwb.showConnection',
  reconnect: 'mlwb.reconnect',
  setBackendUrl: 'mlwb.setBackendUrl',
  setToken: 'mlwb.setToken',
  showLog: 'mlwb.showLog',
  createEnvironment: 'mlwb.environment.create',
  refreshEnvironments: 'mlwb.environment.refresh',
  startEnvironment: 'mlwb.environment.start',
  stopEnvironment: 'mlwb.environment.stop',
  restartEnvironment: 'mlwb.environment.restart',
  deleteEnvironment: 'mlwb.environment.delete',
  showEnvironmentLogs: 'mlwb.environment.showLogs',
  openEnvironmentTerminal: 'mlwb.environment.openTerminal',
  copyJupyterUrl: 'mlwb.environment.copyJupyterUrl',
  openJupyterInBrowser: 'mlwb.environment.openJupyterInBrowser',
  selectActiveEnvironment: 'mlwb.environment.selectActive',
  changeResources: 'mlwb.environment.changeResources',
  runFile: 'mlwb.job.runFile',
  debugFile: 'mlwb.job.debugFile',
  showJobLog: 'mlwb.job.showLog',
  cancelJob: 'mlwb.job.cancel',
  rerunJob: 'mlwb.job.rerun',
  copyJobId: 'mlwb.job.copyId',
  restartKernel: 'mlwb.notebook.restartKernel',
} as const;

/** Context key holding the connection status, for `when` clauses (views' welcome text). */
export const CONNECTION_CONTEXT_KEY = 'mlwb.connection';

/** SecretStorage key of the token for a remote backend. */
export const TOKEN_SECRET = 'mlwb.backend.token';

/** SecretStorage key of the embedded backend's admin token, shared by all windows (never shown to the user). */
export const EMBEDDED_TOKEN_SECRET = 'mlwb.embedded.token';

/** The settings section of the backend connection. */
export const BACKEND_SETTINGS = 'mlwb.backend';

/** workspaceState key of the environment the status-bar resource monitor watches. */
export const ACTIVE_ENVIRONMENT_KEY = 'mlwb.activeEnvironment';
