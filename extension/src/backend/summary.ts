import type { ConnectionState, Endpoint, Remedy, ServerDetails } from './connection.js';

/** How the status bar shows a state; `tone` picks the item's background. */
export interface StatusSummary {
  /** With a codicon, e.g. `$(check) ML Workbench`. */
  text: string;
  tooltip: string;
  tone: 'normal' | 'warning' | 'error';
}

export interface DetailRow {
  label: string;
  value: string;
}

const LABEL = 'ML Workbench';

const STATUS_WORDS: Record<ConnectionState['status'], string> = {
  idle: 'not started',
  starting: 'starting the built-in backend…',
  connecting: 'connecting…',
  connected: 'connected',
  reconnecting: 'reconnecting…',
  down: 'not connected',
};

/** The status bar's short word for each state (the tooltip has the long one). */
const SHORT_WORDS: Record<ConnectionState['status'], string> = {
  idle: 'stopped',
  starting: 'starting',
  connecting: 'connecting',
  connected: 'connected',
  reconnecting: 'reconnecting',
  down: 'down',
};

export const REMEDY_TITLES: Record<Remedy, string> = {
  restart: 'Restart Backend',
  reconnect: 'Reconnect',
  setToken: 'Set Backend Token…',
  configure: 'Open Settings',
};

function icon(state: ConnectionState): string {
  switch (state.status) {
    case 'connected':
      return '$(check)';
    case 'down':
      return '$(error)';
    case 'idle':
      return '$(debug-disconnect)';
    default:
      return '$(sync~spin)';
  }
}

export function statusSummary(state: ConnectionState): StatusSummary {
  const lines = [`${LABEL} backend: ${STATUS_WORDS[state.status]}`, ...detailRows(state).slice(1).map((r) => `${r.label}: ${r.value}`), '', 'Click for connection details.'];
  const tone = state.status === 'down' ? 'error' : state.status === 'reconnecting' ? 'warning' : 'normal';
  return { text: `${icon(state)} ${LABEL}: ${SHORT_WORDS[state.status]}`, tooltip: lines.join('\n'), tone };
}

/** What "Show Connection Details" lists, in order; rows without a known value are left out. */
export function detailRows(state: ConnectionState): DetailRow[] {
  const endpoint = 'endpoint' in state ? state.endpoint : undefined;
  const rows: [string, string | number | undefined][] = [
    ['Status', STATUS_WORDS[state.status]],
    ['Problem', state.status === 'down' ? state.reason : undefined],
    ['URL', endpoint?.url],
    ['Mode', endpoint && modeWords(endpoint)],
    ...serverRows('server' in state ? state.server : undefined),
    ['Data directory', endpoint?.dataDir],
    ['Process id', endpoint?.pid === undefined ? undefined : `${endpoint.pid}${endpoint.attached ? ' (another window\'s)' : ''}`],
  ];
  return rows.filter(([, value]) => value !== undefined && value !== '').map(([label, value]) => ({ label, value: String(value) }));
}

function modeWords(endpoint: Endpoint): string {
  if (endpoint.mode === 'remote') return 'remote server';
  return endpoint.attached ? 'built-in, shared (started by another window, which stops it)' : 'built-in (started by this window)';
}

function serverRows(server: ServerDetails | undefined): [string, string][] {
  if (!server) return [];
  return [
    ['User', `${server.user} (${server.role})`],
    ['Server version', server.version],
    ['Driver', server.driver],
    ['TLS', server.tls ? 'yes' : 'no'],
  ];
}
