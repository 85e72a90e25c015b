"""The Inclusive Economy Charter: versioned pledges, sign-ups, 12-month terms with
check-ins and reminders, buddy introductions and the annual impact report."""
