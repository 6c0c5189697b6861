"""The use cases, one module each: train (and find the learning rate), preview, export
chips, evaluate, check the dependencies; what the tools and the command line run."""
