"""The Qt (PySide6) desktop GUI. The only package that imports Qt.

Talks to storage through ``db`` and prints through ``reports``; holds no domain rules.
"""
