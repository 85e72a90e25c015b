"""Staff administration: people, organisations and platform roles."""
