#!/usr/bin/env python3
"""Minimum shares on an assign_graph.py instance, checked with OR-Tools' min-cost flow.

An extension of the instance format (protocol.md §2.5, `jonction-bench assign --groups`):
  FILE.groups     one line per candidate i = 0..C-1: "origin sex", origin among returnee,
                  displaced, host_youth, other and sex among F, M; written here from a seed
                  (40 % returnees, 30 % displaced, 30 % host youth; half women), since the
                  generator draws no such attributes.

  assign_quotas.py groups FILE [--seed S]
      writes FILE.groups.
  assign_quotas.py check FILE RESERVED --minimum host_youth=30 --minimum F=40
      RESERVED is the file `jonction-bench assign --reserved-out` wrote: one line per
      (opportunity, share) "j group places", the places each share kept after the first solve
      (what it could fill). Builds the constrained network with exact lower bounds (no bonus):
      source -> candidate (1) -> opportunity j's open node or, for a candidate of the share's
      group, j's node for that share -> sink; the arc of share r into the sink carries exactly
      its places (lower bound = upper bound, by the usual transformation of node supplies), the
      open node at most the places left. Prints the optimum and the solve time.
"""
import argparse, random, sys, time


def write_groups(path, seed):
    rng = random.Random(seed)
    with open(path) as f:
        C, _ = map(int, f.readline().split())
    with open(path + ".groups", "w") as out:
        for _ in range(C):
            r = rng.random()
            origin = "returnee" if r < 0.4 else "displaced" if r < 0.7 else "host_youth"
            sex = "F" if rng.random() < 0.5 else "M"
            out.write("%s %s\n" % (origin, sex))


def read_instance(path):
    with open(path) as f:
        C, O = map(int, f.readline().split())
        cap = [int(f.readline()) for _ in range(O)]
        arcs = [tuple(map(int, l.split())) for l in f if l.strip()]
    with open(path + ".groups") as f:
        groups = [tuple(l.split()) for l in f]
    assert len(groups) == C, "FILE.groups: %d lines, %d candidates" % (len(groups), C)
    return C, O, cap, arcs, groups


def check(path, reserved_path, minimums):
    from ortools.graph.python import min_cost_flow
    C, O, cap, arcs, groups = read_instance(path)
    t0 = time.perf_counter()
    # Shares kept per opportunity, in the order of --minimum.
    kept = {}
    with open(reserved_path) as f:
        for line in f:
            j, group, n = line.split()
            kept.setdefault(int(j), {})[group] = int(n)
    g = min_cost_flow.SimpleMinCostFlow()
    src, snk = C + O, C + O + 1
    nxt = C + O + 2
    share_node = {}
    supply = {}
    for j in range(O):
        shares = kept.get(j, {})
        for group, n in shares.items():
            if n > 0:
                share_node[(j, group)] = nxt
                # Exactly n units through (share -> sink): capacity 0 left, supplies moved.
                supply[nxt] = supply.get(nxt, 0) - n
                supply[snk] = supply.get(snk, 0) + n
                nxt += 1
        g.add_arc_with_capacity_and_unit_cost(C + j, snk, cap[j] - sum(shares.values()), 0)
    for i in range(C):
        g.add_arc_with_capacity_and_unit_cost(src, i, 1, 0)
    for i, j, s in arcs:
        g.add_arc_with_capacity_and_unit_cost(i, C + j, 1, -s)
        origin, sex = groups[i]
        for group in (origin, sex):
            node = share_node.get((j, group))
            if node is not None:
                g.add_arc_with_capacity_and_unit_cost(i, node, 1, -s)
    g.add_arc_with_capacity_and_unit_cost(src, snk, C, 0)
    g.set_node_supply(src, C)
    g.set_node_supply(snk, -C + supply.get(snk, 0))
    for node, s in supply.items():
        if node != snk:
            g.set_node_supply(node, s)
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    st = g.solve()
    t_solve = time.perf_counter() - t0
    if st != g.OPTIMAL:
        print("ortools status=%s (the shares kept are not feasible)" % st)
        sys.exit(1)
    placed = sum(1 for a in range(g.num_arcs()) if g.flow(a) and g.tail(a) < C)
    print("ortools_quotas shares=%d reserved=%d: total_score=%d placed=%d build_s=%.2f solve_s=%.2f"
          % (len(share_node), sum(sum(v.values()) for v in kept.values()), -g.optimal_cost(), placed, t_build, t_solve))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="command", required=True)
    a = sub.add_parser("groups")
    a.add_argument("path")
    a.add_argument("--seed", type=int, default=18)
    b = sub.add_parser("check")
    b.add_argument("path")
    b.add_argument("reserved")
    b.add_argument("--minimum", action="append", default=[])
    args = ap.parse_args()
    if args.command == "groups":
        write_groups(args.path, args.seed)
    else:
        check(args.path, args.reserved, args.minimum)
