"""Tests of legday's store."""
