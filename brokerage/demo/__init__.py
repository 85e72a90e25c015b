"""Demo data from the partnership's demo file (its delivery plan's bodies and programmes),
for `flask seed-demo`."""
