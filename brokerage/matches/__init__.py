"""Stored matches and what decides them: the matching policy in force, its versions, and
(later) candidates, the match workflow and the task force's review."""
