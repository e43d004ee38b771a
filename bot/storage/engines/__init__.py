"""Storage engines: SQLite (embedded default) and PostgreSQL behind one protocol."""
