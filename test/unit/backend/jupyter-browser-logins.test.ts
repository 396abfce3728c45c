import { describe, expect, it } from 'vitest';
import { withoutSessionCookie } from '../../../backend/src/api/routes/jupyter-browser.js';
import { JupyterBrowserLogins, SESSION_TTL_MS, TICKET_TTL_MS, type BrowserGrant } from '../../../backend/src/api/jupyter-browser-logins.js';

const grant: BrowserGrant = { userId: 'usr_alice0001', tokenId: 'tok_alice0001', envId: 'env_one00001', runStartedAt: '2026-11-27T00:00:00.000Z' };

function logins(): { store: JupyterBrowserLogins; advance: (ms: number) => void } {
  let now = 1_000_000;
  return { store: new JupyterBrowserLogins(() => now), advance: (ms) => (now += ms) };
}

describe('JupyterBrowserLogins', () => {
  it('redeems a ticket once, for a session on its environment only', () => {
    const { store } = logins();
    const { ticket } = store.issueTicket(grant);
    const redeemed = store.redeem(ticket, grant.envId);
    expect(redeemed?.grant).toEqual(grant);
    expect(redeemed?.session).not.toBe(ticket);
    expect(store.redeem(ticket, grant.envId)).toBeUndefined();
    expect(store.session(redeemed!.session, grant.envId)).toEqual(grant);
    expect(store.session(redeemed!.session, 'env_two00002')).toBeUndefined();
    expect(store.session(ticket, grant.envId)).toBeUndefined();
  });

  it('spends a ticket presented for another environment', () => {
    const { store } = logins();
    const { ticket } = store.issueTicket(grant);
    expect(store.redeem(ticket, 'env_two00002')).toBeUndefined();
    expect(store.redeem(ticket, grant.envId)).toBeUndefined();
  });

  it('refuses a ticket after a minute and a session after twelve hours', () => {
    const { store, advance } = logins();
    const late = store.issueTicket(grant);
    advance(TICKET_TTL_MS);
    expect(store.redeem(late.ticket, grant.envId)).toBeUndefined();

    const { session } = store.redeem(store.issueTicket(grant).ticket, grant.envId)!;
    advance(SESSION_TTL_MS - 1);
    expect(store.session(session, grant.envId)).toEqual(grant);
    advance(1);
    expect(store.session(session, grant.envId)).toBeUndefined();
  });

  it('forgets an ended session, and refuses secrets it never issued', () => {
    const { store } = logins();
    const { session } = store.redeem(store.issueTicket(grant).ticket, grant.envId)!;
    store.end(session);
    expect(store.session(session, grant.envId)).toBeUndefined();
    expect(store.redeem('guessed', grant.envId)).toBeUndefined();
    expect(store.session('', grant.envId)).toBeUndefined();
  });
});

describe('withoutSessionCookie (what the proxy forwards to Jupyter)', () => {
  it('drops our session cookie and keeps Jupyter\'s own', () => {
    expect(withoutSessionCookie('_xsrf=abc; mlwb_jupyter=secret; username-x=y')).toBe('_xsrf=abc; username-x=y');
    expect(withoutSessionCookie('mlwb_jupyter=secret')).toBeUndefined();
    expect(withoutSessionCookie(undefined)).toBeUndefined();
    expect(withoutSessionCookie('mlwb_jupyter_other=1')).toBe('mlwb_jupyter_other=1');
  });
});
