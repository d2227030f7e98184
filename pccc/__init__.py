"""Fire-safety (PCCC) criteria, per-unit assessments and the data-entry grid.

- ``CriteriaSet`` is a "mô hình" such as "Tỉnh an toàn PCCC" (Kế hoạch 64/KH-UBND). It plays
  the role of a programme for criteria but lives here so that pccc does not import ``tasks``;
  ``document_number`` is the natural key to match it with ``tasks.Programme`` when the two
  are unified (a nullable FK from CriteriaSet to Programme, filled by that number).
- ``Assessment`` rows are append-only; ``is_current`` marks the value that counts, one per
  (criterion, unit, period) by a partial unique constraint, so a recompute aggregates
  ``Assessment.objects.current()`` with GROUP BY.
- Writes go through ``services.assessment_grid_save``; reads through ``selectors``.
"""
