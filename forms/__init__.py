"""Forms, standards and classification: the domain core of Rà soát.

Pure Python (no Qt, no SQL): the household data model (``forms.model``), the poverty
standards as data files with their legal sources, the Phiếu A/B form definitions, the
deprivation indicators and ``classify``. Everything else in the application builds on it.
"""
