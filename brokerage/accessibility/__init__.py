"""The accessibility statement: what standard the site aims at, how it is checked, what
still falls short and whom to tell."""
