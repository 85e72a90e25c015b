"""The directory: buyers search suppliers, suppliers search needs and opportunities."""
