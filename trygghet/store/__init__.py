"""The database file: connection, schema and migrations, daily counts, the audit log, accounts and access, snapshots and retention."""
