"""The paper's numbers for the layerwise CNN experiment (Sec. 4.2, App. C.2), beside which ours are shown."""

# Final test accuracy (%) of the BM stages per m, the end-to-end ReLU CNN baseline of the same
# depth, and the training time (s) of the whole chain on one GTX 1080 Ti.
PAPER = {
    "fashion_mnist": {"bm": {1: 91.5, 2: 91.4, 4: 91.6}, "end_to_end": 91.2, "seconds": 4931},
    "cifar10": {"bm": {1: 80.9, 2: 81.1, 4: 81.5}, "end_to_end": 81.6, "seconds": 9163},
}
NAMES = {"fashion_mnist": "Fashion-MNIST", "cifar10": "CIFAR-10"}
