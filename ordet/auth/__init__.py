"""Staff users, their roles over a scope, and sign-in."""
