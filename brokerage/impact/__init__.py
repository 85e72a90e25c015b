"""The public impact page: the partnership's verified social value, and nothing else."""
