"""Signals other features listen to when listings change, so that listings need not know
who cares (matches recompute, the directory refreshes). Sent after the change is flushed,
inside the caller's transaction."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: the Offer, Opportunity or Need saved, published, archived or unpublished.
listing_changed = _signals.signal("listing-changed")
# sender: the Organisation whose profile (service radius, sector, size...) changed.
profile_changed = _signals.signal("profile-changed")
# sender: None. Many listings changed at once (a bulk import, refreshed locations):
# listeners should treat everything as changed rather than expect one signal per row.
listings_changed_in_bulk = _signals.signal("listings-changed-in-bulk")
