"""One ConfigurableResource per outside system."""
