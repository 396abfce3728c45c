import { createHash, randomBytes } from 'node:crypto';

/** Who a ticket or browser session belongs to, and which run of which environment it opens. */
export interface BrowserGrant {
  userId: string;
  /** The bearer token that asked for the ticket: revoking it ends the browser session too. */
  tokenId: string;
  envId: string;
  /** `startedAt` of the environment's run: a stop or restart ends the session. */
  runStartedAt: string;
}

interface Held extends BrowserGrant {
  expiresAt: number;
}

export const TICKET_TTL_MS = 60_000;
export const SESSION_TTL_MS = 12 * 60 * 60_000;

const hash = (secret: string): string => createHash('sha256').update(secret).digest('hex');
const secret = (): string => randomBytes(32).toString('base64url');

/**
 * Tickets and browser sessions for "Open in Jupyter (browser)", in memory (a backend restart logs
 * browsers out). Only hashes of the secrets are kept. A ticket is redeemed once, within a minute,
 * for a session secret that the browser keeps in a cookie; neither outlives its expiry.
 */
export class JupyterBrowserLogins {
  private readonly tickets = new Map<string, Held>();
  private readonly sessions = new Map<string, Held>();

  constructor(private readonly now: () => number = Date.now) {}

  issueTicket(grant: BrowserGrant): { ticket: string; expiresAt: Date } {
    this.sweep();
    const ticket = secret();
    const expiresAt = this.now() + TICKET_TTL_MS;
    this.tickets.set(hash(ticket), { ...grant, expiresAt });
    return { ticket, expiresAt: new Date(expiresAt) };
  }

  /** Spends the ticket (whatever the outcome) and opens a session on `envId`, or undefined. */
  redeem(ticket: string, envId: string): { session: string; grant: BrowserGrant; expiresAt: Date } | undefined {
    const key = hash(ticket);
    const held = this.tickets.get(key);
    this.tickets.delete(key);
    if (!held || held.envId !== envId || held.expiresAt <= this.now()) return undefined;
    const session = secret();
    const expiresAt = this.now() + SESSION_TTL_MS;
    this.sessions.set(hash(session), { ...strip(held), expiresAt });
    return { session, grant: strip(held), expiresAt: new Date(expiresAt) };
  }

  /** The grant of a live session on `envId`, or undefined (an expired one is forgotten). */
  session(sessionSecret: string, envId: string): BrowserGrant | undefined {
    const key = hash(sessionSecret);
    const held = this.sessions.get(key);
    if (!held) return undefined;
    if (held.expiresAt <= this.now()) {
      this.sessions.delete(key);
      return undefined;
    }
    return held.envId === envId ? strip(held) : undefined;
  }

  end(sessionSecret: string): void {
    this.sessions.delete(hash(sessionSecret));
  }

  private sweep(): void {
    const now = this.now();
    for (const map of [this.tickets, this.sessions]) for (const [key, held] of map) if (held.expiresAt <= now) map.delete(key);
  }
}

const strip = ({ userId, tokenId, envId, runStartedAt }: BrowserGrant): BrowserGrant => ({ userId, tokenId, envId, runStartedAt });
