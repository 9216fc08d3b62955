"""Reports: figure definitions as data, portable SQL builders (SQLite here, PostgreSQL at the province
hub), the report shape, XLSX/CSV exports, charts and the "Hành chính phục vụ người dân" letters report.

The SQL text is built here (pure functions, no I/O) so the hub can import the same builders;
it is executed only through `server.store.reports`.
"""
