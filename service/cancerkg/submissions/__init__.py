"""The way in for data stewards: submissions stored durably, tokens that say who may send what,
review, and publication of accepted submissions as the next release (docs/submissions.md)."""
