"""What every surface shares: middleware, rate limits, errors, JSON, templating, base static files."""
