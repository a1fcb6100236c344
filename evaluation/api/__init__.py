"""The read-only HTTP API for funders' and evaluators' tools (issue 18, point 4).

``service`` holds what a request needs (the token's principal, the disclosed data in its
scope, tables as JSON records or CSV); ``app`` is the FastAPI application, thin handlers over
``service``. Started with ``evaluation api``; see the README.
"""
