"""The typed, frozen records (`records`), the record kinds (`kinds`), the settings, a body's policy, and supporting-document facts: the shapes every stage passes on. No I/O."""
