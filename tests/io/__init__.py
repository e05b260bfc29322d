"""Tests of legday's io."""
