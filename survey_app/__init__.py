"""Offline, encrypted, multilingual survey app for field recruitment meetings."""

__version__ = "0.1.0"
