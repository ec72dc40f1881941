# Re-export through a star import in __init__.py; map() over the class.
from .nodes import *  # noqa: F403
