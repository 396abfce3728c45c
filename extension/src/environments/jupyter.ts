/**
 * The backend's proxy of an environment's Jupyter server (it needs the backend's token, as every
 * route does). Built like the client builds URLs: the path replaces any path of the backend URL.
 */
export function jupyterUrl(backendUrl: string, envId: string): string {
  return new URL(`/api/v1/environments/${encodeURIComponent(envId)}/jupyter/`, backendUrl).toString();
}
