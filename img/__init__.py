"""The lessons' diagrams (drawn by tools/figures.py), shipped inside lessonlib as ``lessonlib.img``."""
