"""Training: the trainer (the epoch loop, steps, early stopping), the learning-rate finder,
checkpoints, and CUDA graphs for long runs on a GPU."""
