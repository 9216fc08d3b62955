"""The counter console, the leader page and the rating tablet."""
