"""Pure functions of the model: the review year, hours, the reports, the checklist, digests, supporting-document judgements, the site's public view, the CV's order. No I/O."""
