/**
 * The backend's proxy of an environment's Jupyter server (it needs the backend's token, as every
 * route does). Built like the client builds URLs: the path replaces any path of the backend URL.
 */
export function jupyterUrl(backendUrl: string, envId: string): string {
  return new URL(`/api/v1/environments/${encodeURIComponent(envId)}/jupyter/`, backendUrl).toString();
}

/**
 * The browser link of a Jupyter ticket (`POST …/jupyter-ticket` answers a path): opened within a
 * minute, it logs the browser in to that environment's Jupyter UI only.
 */
export function jupyterLoginUrl(backendUrl: string, ticketPath: string): string {
  return new URL(ticketPath, backendUrl).toString();
}
