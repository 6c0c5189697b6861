"""Training data: image files decoded into chips, training sets from folders, where the
chips are kept (memory or streamed), their normalisation and augmentation."""
