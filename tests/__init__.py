"""legday test suite, mirroring the package."""
