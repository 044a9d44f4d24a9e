"""HTTP: routes, pure-ASGI middleware, health checks."""
