"""Strength training: the exercise catalogue, the strength log and running's muscle share.

See docs/strength.md. Submodules: ``muscles`` (groups and regions), ``catalogue``
(exercises from ``legday/data/exercises.csv``), ``log`` (entries, readers, the
writer and session analytics) and ``running_share`` (what runs work: a model).
"""
