"""One answering flow for the kiosk and the pårørende link: drafts, answers, submit."""
