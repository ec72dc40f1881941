# Re-export through __init__.py: users import pkg.Node, the class lives in pkg.models.
from .models import Node

__all__ = ["Node"]
