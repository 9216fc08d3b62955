"""HTML pages, one package per surface: admin, counter console, booking, reports."""
