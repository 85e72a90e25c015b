"""The OIEP delivery plan: working groups, objectives, actions, KPIs and funded projects."""
