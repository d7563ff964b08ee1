"""Layerwise BM convex CNNs (paper Sec. 3.2, 4.2; App. B.2, C.2-C.3).

files (the datasets on disk) -> loader (on the device) -> model (stage (126), convex form (23))
-> training (SGD per stage, progress, memory budget) and bound (Cor. 3.8) -> experiment (one stage
job) -> results (tables) and figures (Fig. 1, 5, 6; the paper's numbers in paper).
"""
