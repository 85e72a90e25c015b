"""The in-app inbox: what happened that a person should know about (a new message on a
match, an expressed interest, a move), with an unread count in the page header and a copy
by email through the mail module."""
