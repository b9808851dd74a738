"""Limes: an alert information system for border and police checks."""
