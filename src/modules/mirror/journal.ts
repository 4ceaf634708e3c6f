// The request journal: the last requests this instance answered, for a test to see what its
// code sent. A ring of fixed size in memory.

export interface JournalEntry {
  request_id: string;
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

export class Journal {
  private ring: JournalEntry[] = [];
  constructor(private size = 1000) {}

  add(e: JournalEntry) {
    this.ring.push(e);
    if (this.ring.length > this.size) this.ring.splice(0, this.ring.length - this.size);
  }

  /** Newest first. */
  list(): JournalEntry[] {
    return [...this.ring].reverse();
  }

  clear() {
    this.ring = [];
  }
}
