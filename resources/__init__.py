"""Files shipped with the program; installed as the package backorder_desktop.resources."""
