from typing import Optional

from dom.document import Document


class Element:
    def __init__(self, tag, document: Optional[Document] = None):
        self.tag = tag
        self.document = document  # MEM005
        if document is not None:
            document.elements.append(self)
