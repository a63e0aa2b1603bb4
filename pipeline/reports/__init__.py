"""Output formats: reports and interchange files written from the record."""
