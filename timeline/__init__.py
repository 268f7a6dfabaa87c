"""timeline: explore the history of space programmes from a validated YAML dataset."""
