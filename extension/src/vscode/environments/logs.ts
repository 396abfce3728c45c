import * as vscode from 'vscode';
import type { Environment } from '../../../../backend/src/protocol/index.js';
import type { BackendLink, LinkedBackend } from '../../backend/link.js';
import { LogFollower } from '../../environments/logFollower.js';
import type { EnvironmentsModel } from '../../environments/model.js';

interface OpenLog {
  channel: vscode.OutputChannel;
  follower: LogFollower | undefined;
}

/**
 * One output channel per environment, opened on demand: the log's tail, then its lines as they
 * come. A new backend session starts it afresh; a deleted environment's channel goes.
 */
export class EnvironmentLogChannels implements vscode.Disposable {
  private readonly open = new Map<string, OpenLog>();
  private readonly offs: (() => void)[];

  constructor(
    private readonly link: BackendLink,
    private readonly model: EnvironmentsModel,
  ) {
    this.offs = [
      link.onDidChange((backend) => {
        for (const [id, log] of this.open) this.follow(id, log, backend);
      }),
      model.onDidChange(() => {
        if (model.status.status !== 'ready') return;
        for (const id of [...this.open.keys()]) if (!model.get(id)) this.close(id);
      }),
    ];
  }

  /** Opens (or reuses) the environment's channel; `reveal` shows it without taking the focus. */
  show(env: Environment, reveal = true): void {
    let log = this.open.get(env.id);
    if (!log) {
      log = { channel: vscode.window.createOutputChannel(`ML Workbench: ${env.name}`, 'log'), follower: undefined };
      this.open.set(env.id, log);
      this.follow(env.id, log, this.link.current);
    }
    if (reveal) log.channel.show(true);
  }

  dispose(): void {
    this.offs.forEach((off) => off());
    for (const id of [...this.open.keys()]) this.close(id);
  }

  private follow(id: string, log: OpenLog, backend: LinkedBackend | undefined): void {
    log.follower?.dispose();
    log.follower = undefined;
    if (!backend) {
      log.channel.appendLine('[mlwb] the backend is not connected; the log goes on once it is');
      return;
    }
    log.channel.clear();
    const env = this.model.get(id);
    const follower = new LogFollower(backend, id, (line) => log.channel.appendLine(line), { failure: env?.state === 'failed' ? env.reason : null });
    log.follower = follower;
    void follower.start();
  }

  private close(id: string): void {
    const log = this.open.get(id);
    this.open.delete(id);
    log?.follower?.dispose();
    log?.channel.dispose();
  }
}
