# Re-export through pkg/__init__.py; app/load.py uses pkg.Node in a comprehension.
