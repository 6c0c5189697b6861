"""What every wing relies on: devices and precision, the optional dependencies, torchrun's
process group, free memory, progress and cancellation (Feedback), staged and checked
outputs, and PyTorch files read and written as data."""
