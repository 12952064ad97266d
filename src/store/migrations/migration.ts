/**
 * A numbered schema change. Migrations are append-only: never edit or renumber a shipped one, add
 * the next number. Both dialects share the numbers so every adapter's schema_migrations agree.
 */
export interface Migration {
  id: number;
  name: string;
  sqlite: string;
  postgres: string;
}
