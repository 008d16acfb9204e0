"""Writers: a report -> a file (.docx, the standard workbook, JSON, summaries)."""
