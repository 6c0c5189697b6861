"""The networks: torchvision and timm backbones with a new head for any number of bands."""
