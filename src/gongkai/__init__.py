"""gongkai (公开): full-text search over Chinese government information-disclosure archives."""

from .models import Attachment, Document, Section

__version__ = "0.1.0"
__all__ = ["Attachment", "Document", "Section", "__version__"]
