"""A learner's own settings: the interface language."""
