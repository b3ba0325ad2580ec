"""The business rules of backorder management, free of Qt and of the command line."""
