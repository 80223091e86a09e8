"""The migration scripts, oldest first: ``NNNN_what_it_does.py``."""
