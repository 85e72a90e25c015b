"""Profiles, social value offers, procurement opportunities and beneficiaries' needs."""
