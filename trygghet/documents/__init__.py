"""Documents for the meeting and the council: the minutes of a meeting and the lägesbild report,
as Word (.docx) and PDF, with the charts drawn on the server (or as tables where they cannot be)."""
