"""Results: counts kept as responses finish, aggregation, the anonymity rule, dashboards."""
