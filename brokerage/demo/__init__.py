"""Demo data drawn from the OIEP delivery plan 2023/24, for `flask seed-demo`."""
