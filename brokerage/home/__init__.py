"""The front page: what the brokerage is for, and each user's starting points."""
