"""Forms, standards and classification: the domain core of Rà soát.

Pure Python (no Qt, no SQL): the household data model (``forms.model``), the poverty
standards as data files with their legal sources, the Phiếu A/B form definitions, the
deprivation indicators and ``classify``. Everything else in the application builds on it.

Where things are: ``standards`` (standards as data, province files), ``indicators`` (one pure
function per deprivation indicator), ``classify`` (``classify``, ``classify_many``,
``what_if``, ``Result``), ``transitions``, ``low_income``, ``b1`` (B1 point tables),
``definitions`` (Phiếu A/B1/B2 and member questions, skip logic, validation), ``catalog``
(causes, needs, flags), ``labels`` (Vietnamese labels of every enum), ``household_json``
(the versioned household file format). The rules and their sources: docs/domain.md.
"""
