"""The SPARQL 1.1 Protocol endpoint and web pages (``strikegraph serve``).

>>> from strikegraph.serve import ServeConfig, create_app
>>> app = create_app(ServeConfig(store="/path/to/store"))   # an ASGI app for uvicorn
"""

from strikegraph.serve.app import ServeConfig, create_app
from strikegraph.serve.limits import Limits

__all__ = ["Limits", "ServeConfig", "create_app"]
