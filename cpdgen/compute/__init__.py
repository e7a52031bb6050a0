"""Computation: pure functions of the records and the policy, no I/O.

`year` (what belongs to a review year), `hours`, `reports` (the CPD Activity
and Planning Reports), `digest` (stable fingerprints of a year) and
`checklist` (the declaration's items) read the model and return values; the
CLI and the renderers decide what to do with them.
"""
