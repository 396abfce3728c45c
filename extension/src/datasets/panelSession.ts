import type { z } from 'zod';
import { describeInvalid, HOST_MESSAGES, WebviewMessage, type DiffState, type ProfileState, type WebviewApp } from '../../../webviews/shared/messages.js';
import { errorText } from '../environments/format.js';

type StateOf<A extends WebviewApp> = A extends 'dataset-profile' ? ProfileState : DiffState;

export interface PanelContent<A extends WebviewApp> {
  app: A;
  /** What the spinner says while `load` runs, e.g. `Loading the profile of iris@v3…`. */
  loadingTitle: string;
  /** The heading of an error, e.g. `Cannot show the profile of iris@v3`. */
  errorTitle: string;
  /** Fetches what the view shows (through the typed client; the webview never fetches). */
  load: () => Promise<StateOf<A>>;
}

/**
 * The host's side of one dataset webview, free of the editor API: it waits for the webview's
 * `ready`, then sends `loading` and the state (or the error), again on `reload`. Every message from
 * the webview is validated on arrival; every message to it is checked against the contract before
 * it is posted, so a host bug shows as an error naming the field, never as a half-drawn view.
 */
export class PanelSession<A extends WebviewApp> {
  private generation = 0;

  constructor(
    private readonly content: PanelContent<A>,
    private readonly post: (message: unknown) => void,
    private readonly log: (line: string) => void,
  ) {}

  /** Handles a message from the webview; resolves once the answer (if any) was posted. */
  async receive(raw: unknown): Promise<void> {
    const parsed = WebviewMessage.safeParse(raw);
    if (!parsed.success) {
      this.log(`${this.content.app} webview sent a message outside the contract (${describeInvalid(parsed.error)}): ignored`);
      return;
    }
    const message = parsed.data;
    if (message.type === 'ready' && message.app !== this.content.app) {
      this.send({ type: 'error', title: 'This view is out of date', message: `expected the ${this.content.app} view, got ${message.app}: reopen it` });
      return;
    }
    await this.load();
  }

  private async load(): Promise<void> {
    const generation = ++this.generation;
    this.send({ type: 'loading', title: this.content.loadingTitle });
    try {
      const state = await this.content.load();
      if (generation === this.generation) this.send({ type: 'state', state });
    } catch (error) {
      if (generation === this.generation) this.send({ type: 'error', title: this.content.errorTitle, message: errorText(error) });
    }
  }

  private send(message: unknown): void {
    const schema: z.ZodType = HOST_MESSAGES[this.content.app];
    const parsed = schema.safeParse(message);
    if (!parsed.success) throw new Error(`the extension built a message outside the contract: ${describeInvalid(parsed.error)}`);
    this.post(parsed.data);
  }
}
