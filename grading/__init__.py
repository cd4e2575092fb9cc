"""Grading for nbgrader courses: parallel, sandboxed autograde and bulk gradebook views."""
