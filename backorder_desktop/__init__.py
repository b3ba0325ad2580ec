"""Backorder Desktop: fills waiting backorders from returning stock, on schedules."""

__version__ = "0.1.0"
