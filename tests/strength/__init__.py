"""Tests of legday's strength."""
