"""The kiosk without a network: the tablet's encrypted outbox and the server's intake of it."""
