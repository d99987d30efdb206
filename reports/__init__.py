"""The printed documents of the review: PDF (reportlab) and XLSX (openpyxl).

Reads through ``db`` and ``forms``; never imports Qt, so every document can be made by the CLI.
"""
