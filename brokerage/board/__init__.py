"""The partnership board's quarterly report: the delivery plan's RAG and KPIs, the
brokerage's results and the charter, gathered from each feature's own services."""
