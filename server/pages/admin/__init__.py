"""The admin pages: catalogue and accounts, calendar, appointments."""
