"""Users, organisations, memberships, invitations, API tokens and platform roles."""
