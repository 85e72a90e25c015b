"""Liveness and readiness probes for load balancers and process managers."""
