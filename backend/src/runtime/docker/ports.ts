import type { ContainerInspectInfo } from 'dockerode';
import type { PortAddress } from '../driver.js';
import { NETWORK } from './spec.js';

/**
 * A port inside a running container, reached at the container's address on our bridge network.
 * Only Jupyter's port is published; a debugger's port is chosen per job, after the container was
 * created, so it cannot be published. The backend shares the engine's host, where bridge addresses
 * are routable (Linux engines; Docker Desktop keeps them inside its VM, see CONTRIBUTING).
 */
export function containerPortAddress(info: ContainerInspectInfo | undefined, port: number): PortAddress | undefined {
  if (!info?.State.Running) return undefined;
  const ip = info.NetworkSettings.Networks?.[NETWORK]?.IPAddress;
  return ip ? { host: ip, port } : undefined;
}
