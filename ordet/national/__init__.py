"""The national level: national rounds that organisations' own rounds take part in, the
institutions of the rollout, and the national figures computed from the core questions under
the same anonymity model as every other published number."""
