"""Pårørende invitations: lists, personal links, reminders, opt-out and purge."""
