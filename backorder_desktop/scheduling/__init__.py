"""Automation schedules: the background engine, runs in a child process, and the Qt bridge."""
