"""A reference landing flight software that knows only the ICD (imports only ``packets``)."""
