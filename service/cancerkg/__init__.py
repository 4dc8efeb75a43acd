"""cancerkg: a sourced knowledge graph of the European cancer-network ecosystem."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cancerkg")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"
