"""Command-line interface: parses arguments, calls ``rempart.*`` and formats results."""
