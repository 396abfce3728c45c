import pkg from '../../package.json';

/** The version users see in `mlwb status`, `/healthz` and the extension's status bar. */
export const VERSION: string = pkg.version;
