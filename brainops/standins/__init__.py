"""Local servers that speak the wire formats of the services we integrate, serving the sample business.

Sample mode and tests point the real clients at these, so the same client code runs here as against
the live APIs.
"""
