"""The PySide6 window: a thin door into the domain, like the command line."""
