// The request journal: the last requests this instance answered, for a test to see what its
// code sent. A ring of fixed size in memory; each entry names the sandbox it was in (null:
// the main data), and the control plane shows and clears one sandbox's entries at a time.

export interface JournalEntry {
  request_id: string;
  sandbox: string | null;
  method: string;
  path: string;
  route: string | null;
  status: number;
  token_id: number | null;
  duration_ms: number;
  validation_errors: unknown[] | null;
  error_code: string | null;
  at: number;
}

/** What GET /_mirror/requests filters on: all given must match; `path` is a part of the path. */
export interface JournalFilter {
  method?: string;
  path?: string;
  status?: number;
  token_id?: number;
  /** At most this many entries (100 by default). */
  limit?: number;
}

export class Journal {
  private ring: JournalEntry[] = [];
  constructor(private size = 1000) {}

  add(e: JournalEntry) {
    this.ring.push(e);
    if (this.ring.length > this.size) this.ring.splice(0, this.ring.length - this.size);
  }

  /** The sandbox's entries, newest first. */
  list(sandbox: string | null): JournalEntry[] {
    return this.ring.filter((e) => e.sandbox === sandbox).reverse();
  }

  /** The sandbox's entries that match, newest first. */
  search(sandbox: string | null, q: JournalFilter): JournalEntry[] {
    const rows = this.list(sandbox).filter(
      (e) =>
        (q.method === undefined || e.method === q.method.toUpperCase()) &&
        (q.path === undefined || e.path.includes(q.path)) &&
        (q.status === undefined || e.status === q.status) &&
        (q.token_id === undefined || e.token_id === q.token_id),
    );
    return rows.slice(0, q.limit ?? 100);
  }

  clear(sandbox: string | null) {
    this.ring = this.ring.filter((e) => e.sandbox !== sandbox);
  }
}
