import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node';
import { PassThrough, Writable } from 'node:stream';
import type { ExecResult } from '../../protocol/index.js';
import { toDriverError } from './errors.js';
import { CONTAINER_NAME } from './names.js';
import { execExitCode } from './status.js';

/** Output beyond this, per stream, is dropped (ExecResult.truncated). */
export const EXEC_OUTPUT_CAP = 1024 * 1024;

/** Keeps the first `cap` bytes written to it and notes whether more came. */
export class CappedSink extends Writable {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly cap: number) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const room = this.cap - this.size;
    if (chunk.length > room) this.truncated = true;
    if (room > 0) {
      const kept = chunk.subarray(0, room);
      this.chunks.push(kept);
      this.size += kept.length;
    }
    callback();
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/**
 * Runs `command` through the API server's `pods/exec` (no shell, no stdin, no TTY). On timeout
 * the stream is closed and `timedOut` set; the container runtime may let the process finish on
 * its own, since closing an exec stream does not signal it.
 */
export async function execInPod(kubeConfig: KubeConfig, namespace: string, pod: string, command: string[], timeoutMs: number): Promise<ExecResult> {
  const stdout = new CappedSink(EXEC_OUTPUT_CAP);
  const stderr = new CappedSink(EXEC_OUTPUT_CAP);
  const result = (exitCode: number | null, timedOut: boolean): ExecResult => ({
    exitCode,
    stdout: stdout.text(),
    stderr: stderr.text(),
    timedOut,
    truncated: stdout.truncated || stderr.truncated,
  });
  return new Promise<ExecResult>((resolve, reject) => {
    let settled = false;
    let close: () => void = () => undefined;
    const finish = (outcome: ExecResult | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      close();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(() => finish(result(null, true)), timeoutMs);
    const onStatus = (status: V1Status): void => finish(result(execExitCode(status), false));
    new Exec(kubeConfig).exec(namespace, pod, CONTAINER_NAME, command, stdout, stderr, null, false, onStatus).then(
      (ws) => {
        close = () => ws.close();
        if (settled) ws.close();
        // A stream that ends without a status (a dropped connection) has no known exit code.
        ws.on('close', () => finish(result(null, false)));
      },
      (error: unknown) => finish(toDriverError(error, `running ${JSON.stringify(command[0])} in the environment`)),
    );
  });
}

/** Bytes written to an attached command's stdin that may wait to be sent before the writer waits. */
const SEND_BUFFER_BYTES = 8 * 1024 * 1024;

/** A command started through `pods/exec` with its stdin open (see {@link execAttached}). */
export interface AttachedExec {
  /** What the command reads; never ended by us (see execAttached). */
  stdin: PassThrough;
  /** Resolves once what was written has mostly left for the API server (bounds what waits in memory). */
  drained(): Promise<void>;
  /** The exit code once the command ended; null when the stream closed without one (the connection or the pod went away). */
  exited: Promise<number | null>;
  /** Closes the stream (the command's stdin ends with it). */
  close(): void;
}

/**
 * Starts `command` through `pods/exec` with stdin attached and its output streamed to `stdout` and
 * `stderr`. Our side of stdin is never ended: on the `v4.channel.k8s.io` protocol client-node
 * answers the end of stdin by closing the whole stream, exit status included; commands get their
 * own end-of-input marker instead, and closing the stream ends their stdin in the container.
 */
export async function execAttached(kubeConfig: KubeConfig, namespace: string, pod: string, command: string[], stdout: Writable, stderr: Writable): Promise<AttachedExec> {
  const stdin = new PassThrough();
  let settle: (code: number | null) => void = () => undefined;
  const exited = new Promise<number | null>((resolve) => (settle = resolve));
  const ws = await new Exec(kubeConfig)
    .exec(namespace, pod, CONTAINER_NAME, command, stdout, stderr, stdin, false, (status: V1Status) => settle(execExitCode(status)))
    .catch((error: unknown) => {
      throw toDriverError(error, `running ${JSON.stringify(command[0])} in the environment`);
    });
  ws.on('close', () => settle(null));
  const drained = async (): Promise<void> => {
    while (ws.readyState === ws.OPEN && ws.bufferedAmount > SEND_BUFFER_BYTES) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return { stdin, exited, drained, close: () => ws.close() };
}
