"""Bulk import and export of organisations and listings from the spreadsheets partners keep."""
