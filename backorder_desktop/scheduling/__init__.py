"""Automation schedules: pure planning (plan.py), the background engine, and the Qt bridge."""
