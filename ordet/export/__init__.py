"""Excel export of results and rollout tracking: rows apart from the openpyxl writer."""
