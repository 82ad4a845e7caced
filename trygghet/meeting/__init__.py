"""The weekly meeting: its records, agenda, decisions and the changes made during it."""
