const STORAGE_KEY = 'travesia.apiKey';

export type Role = 'analyst' | 'client' | 'owner' | 'admin';

export interface CurrentKey {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
}

/**
 * Who is using the client: an API key (kept in this browser's local storage) and what the
 * service says it is. A 401 from any call ends the session, so the sign-in shows again.
 */
class Session {
  current: CurrentKey | null = null;
  private readonly listeners = new Set<(reason?: string) => void>();

  get apiKey(): string | null {
    return localStorage.getItem(STORAGE_KEY);
  }

  signIn(apiKey: string, current: CurrentKey): void {
    localStorage.setItem(STORAGE_KEY, apiKey);
    this.current = current;
    this.changed();
  }

  signOut(): void {
    localStorage.removeItem(STORAGE_KEY);
    this.current = null;
    this.changed();
  }

  /** The service refused the key (revoked, or never valid). */
  expired(reason: string): void {
    if (!this.apiKey) return;
    localStorage.removeItem(STORAGE_KEY);
    this.current = null;
    this.changed(reason);
  }

  /** Whether the key's role may do what `roles` allow (admins may do everything). */
  can(...roles: Role[]): boolean {
    return this.current !== null && (this.current.role === 'admin' || roles.includes(this.current.role));
  }

  onChange(listener: (reason?: string) => void): void {
    this.listeners.add(listener);
  }

  private changed(reason?: string): void {
    for (const listener of this.listeners) listener(reason);
  }
}

export const session = new Session();
