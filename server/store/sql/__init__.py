"""SQL builders shared by the office (SQLite) and the province hub (PostgreSQL): the report's statements
(`report`), the per-day summary's (`rollup`) and the letters report's (`letters`). Each returns an `Sql`
with `:name` parameters; the office's store and the hub's store run them. The figures they compute are
defined in `server.reports.definitions`."""
