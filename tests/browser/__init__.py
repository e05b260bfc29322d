"""Real-browser tests of the dashboard."""
