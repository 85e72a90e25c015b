"""Postcodes, coordinates and distance."""
