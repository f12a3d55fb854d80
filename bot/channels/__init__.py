"""Channel adapters: translate between a messenger and the engine's plain messages."""
