"""Organisation → specialområde → tilbud."""
