/**
 * Tells long-lived connections (the live event stream) that some credential may have stopped being valid: a
 * session ended, an API token was revoked, a user was disabled, deleted or had the password changed. The signal
 * carries no detail; listeners re-check their own credential, which is one small read.
 */
export class CredentialRevocations {
  private readonly listeners = new Set<() => void>();

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // a listener's trouble is its own
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
