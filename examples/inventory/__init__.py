"""A tiny inventory tool (memlint's demo project: it has every anti-pattern memlint knows)."""
