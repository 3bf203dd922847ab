"""HTTP and WebSocket routers; thin: they parse, call the service, and shape answers."""
