"""What every HTML page Rempart makes shares (served pages and the self-contained scan report)."""
