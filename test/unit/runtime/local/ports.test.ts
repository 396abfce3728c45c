import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, portWasTaken } from '../../../../backend/src/runtime/local/ports.js';

describe('ports', () => {
  it('finds a loopback port that can be bound', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    server.close();
  });

  it("recognises jupyter_server's port-in-use lines of this attempt only", () => {
    const taken = [
      '[mlwb 2025-01-01T00:00:00.000Z] starting Jupyter on 127.0.0.1:41234; limits …',
      '[I 2025-01-01 00:00:01.000 ServerApp] The port 41234 is already in use.',
      '[C 2025-01-01 00:00:01.000 ServerApp] ERROR: the Jupyter server could not be started because port 41234 is not available.',
    ];
    expect(portWasTaken(taken, 41234)).toBe(true);
    expect(portWasTaken([...taken, '[mlwb 2025-01-01T00:01:00.000Z] starting Jupyter on 127.0.0.1:41234; limits …', 'Traceback: ImportError'], 41234)).toBe(false);
    expect(portWasTaken(taken, 4123)).toBe(false);
  });
});
