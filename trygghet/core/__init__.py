"""The bottom layer: the clock, configuration, calendar periods, text, formats, reference lists and the personal-data guard. Imports nothing else from trygghet."""
