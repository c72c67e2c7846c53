"""The HTTP service (`rempart serve`): Rempart's API, an HMA-compatible subset, API keys with
roles."""
