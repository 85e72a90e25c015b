"""The TOMs catalogue: frameworks of themes, outcomes and measures, with proxy values."""
