"""Local storage: one SQLite file per commune (sqlite-utils), with migrations, audit and search.

Takes and returns the dataclasses of ``forms.model``; no SQL lives outside this package.
"""
