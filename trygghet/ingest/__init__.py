"""Getting data in: reading uploaded files under limits, the sheets' specs, cell parsing, validation, the import itself, undo, the police feed and the Excel template and exports."""
