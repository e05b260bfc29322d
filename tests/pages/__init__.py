"""AppTests of the dashboard pages."""
