"""Server intelligence: what gives an abusive server away without any registered photo — the
way members talk (message signals), the server's risk, and the earlier servers a new one
continues. Reads messages and fingerprints handed to it; stores nothing itself."""
