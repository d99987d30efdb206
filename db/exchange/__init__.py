"""Moving data between laptops and up to the upper level: export packages, validate them
whole, import and merge them into a commune file, and read last year's Excel lists.

The package format is described in docs/exchange-format.md. Nothing here imports Qt.
"""
