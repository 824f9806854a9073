"""Synthetic meetings through the same DeviceStore API the UI uses (no Qt)."""

from survey_app.simulate.runner import SimClock, SimulationReport, simulate

__all__ = ["SimClock", "SimulationReport", "simulate"]
