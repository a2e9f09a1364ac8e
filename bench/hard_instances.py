#!/usr/bin/env python3
"""Harder assignment instances for `jonction-bench assign`, in the text format of
../shared/bench/assign_graph.py (pip install numpy).

    python3 bench/hard_instances.py tight /tmp/assign/tight.txt
    python3 bench/hard_instances.py tight-wide /tmp/assign/tight-wide.txt
    python3 bench/hard_instances.py popular /tmp/assign/popular.txt

tight:   places ~= candidates, scores drawn from {10,20,30}, 20 arcs per candidate.
tight-wide: the same market with scores 1..100.
popular: 80% of candidates put their best arcs on the same 100 opportunities.
"""
import sys, numpy as np

def write(path, C, O, cap, I, J, S):
    order = np.lexsort((J, I))
    I, J, S = I[order], J[order], S[order]
    # one arc per (i, j): keep the first
    keep = np.ones(len(I), bool); keep[1:] = (I[1:] != I[:-1]) | (J[1:] != J[:-1])
    I, J, S = I[keep], J[keep], S[keep]
    with open(path, "w") as f:
        f.write("%d %d\n" % (C, O))
        f.write("\n".join(map(str, cap.tolist())) + "\n")
        lines = np.char.add(np.char.add(np.char.add(np.char.add(I.astype(str), " "), J.astype(str)), " "), S.astype(str))
        f.write("\n".join(lines.tolist()) + "\n")
    print("%s: C=%d O=%d arcs=%d places=%d" % (path, C, O, len(I), cap.sum()))

def tight(path, C=100_000, O=10_000, k=20, seed=7, scores=(10, 20, 30)):
    rng = np.random.default_rng(seed)
    cap = rng.integers(1, 20, O)                      # mean 10: ~C places
    cap = np.maximum(1, np.round(cap * C / cap.sum())).astype(np.int64)
    regions = 20                                      # candidates mostly look in their region
    oreg = rng.integers(0, regions, O)
    by_reg = [np.flatnonzero(oreg == r) for r in range(regions)]
    creg = rng.integers(0, regions, C)
    I = np.repeat(np.arange(C), k)
    J = np.empty(C * k, np.int64)
    local = rng.random(C * k) < 0.8
    for r in range(regions):
        m = (np.repeat(creg, k) == r) & local
        J[m] = by_reg[r][rng.integers(0, len(by_reg[r]), m.sum())]
    J[~local] = rng.integers(0, O, (~local).sum())
    S = np.array(scores)[rng.integers(0, len(scores), C * k)]
    write(path, C, O, cap, I, J, S)

def popular(path, C=100_000, O=10_000, k=20, seed=11, hot=100, share=0.8):
    rng = np.random.default_rng(seed)
    cap = rng.choice([1, 1, 2, 3, 5, 5, 8, 10, 15], O)
    hotset = rng.choice(O, hot, replace=False)
    I = np.repeat(np.arange(C), k)
    J = rng.integers(0, O, C * k)
    S = rng.integers(1, 61, C * k)
    fan = np.repeat(rng.random(C) < share, k) & (np.tile(np.arange(k), C) < k // 2)
    J[fan] = hotset[rng.integers(0, hot, fan.sum())]
    S[fan] = rng.integers(60, 101, fan.sum())
    write(path, C, O, cap, I, J, S)

if __name__ == "__main__":
    kind, path = sys.argv[1], sys.argv[2]
    kinds = {"tight": tight, "popular": popular,
             "tight-wide": lambda path: tight(path, scores=tuple(range(1, 101)))}
    if kind not in kinds:
        sys.exit("usage: hard_instances.py {%s} PATH" % "|".join(kinds))
    kinds[kind](path)
