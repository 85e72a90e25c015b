"""Public procurement notices (OCDS) in: opportunities for local suppliers, and the awards
that say how much of the partnership's buyers' spend went to local, small and social
suppliers."""
