"""The partnership's delivery plan: working groups, objectives, actions, KPIs and projects."""
