"""The task force's workspace: the queue of outcomes to verify, the review dashboard and its
exports, and the case studies staff choose for the public impact page."""
