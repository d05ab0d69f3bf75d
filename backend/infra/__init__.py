"""Library: what the rest shares: cache, rate limiter, secret box, request bodies, services."""
