"""Training: the loop (trainer: fit, epochs, validation, early stopping), the order of the
chips (sampler), one optimizer step (step), where the run trains (placement: device, torchrun,
seeds, cancel hooks), optional CUDA graphs (cuda_graphs), the epoch table and best epoch
(history), checkpoints, and the learning-rate finder (lr_finder)."""
