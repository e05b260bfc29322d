"""Tests of legday's charts."""
