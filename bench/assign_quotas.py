#!/usr/bin/env python3
"""Shares on an assign_graph.py instance, checked with OR-Tools' min-cost flow.

An extension of the instance format (protocol.md §2.5, `jonction-bench assign --groups`):
  FILE.groups     one line per candidate i = 0..C-1: "origin sex", origin among returnee,
                  displaced, host_youth, other and sex among F, M; written here from a seed
                  (40 % returnees, 30 % displaced, 30 % host youth; half women), since the
                  generator draws no such attributes.

  assign_quotas.py groups FILE [--seed S]
      writes FILE.groups.
  assign_quotas.py check FILE RESERVED [--minimum G=P] [--maximum G=P] [--round-minimum G=P]
                   [--round-maximum G=P]
      the same shares as given to `jonction-bench assign`; RESERVED is the file its
      --reserved-out wrote: one line per share "j group places" (j "round" for a share of all
      the places), the places each share's minimum kept after the first solve (what it could
      fill). Builds the constrained network with exact lower bounds (no bonus), as protocol.md
      §2.5 states it:
        source -> [round share node] -> candidate -> [opportunity share node] -> opportunity -> sink
      When the shares of a scope (every opportunity, or all the places) are of one dimension,
      every candidate of a share's group passes through the share's node, whose arc carries
      between the places kept and the maximum's places (floor of the share), or the scope's
      places. When they name both origin and sex (minimums only), a candidate reaches the next
      node directly or through one share's node, whose arc carries exactly the places kept.
      Lower bounds are moved into the node supplies (the usual transformation). Prints the
      optimum and the solve time.
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


def parse_shares(minimums, maximums):
    shares = {}
    for text, key in [(t, "minimum") for t in minimums] + [(t, "maximum") for t in maximums]:
        group, percent = text.split("=")
        shares.setdefault(group, {})[key] = int(percent)
    return shares


def one_dimension(shares):
    origins = [g for g in shares if g not in ("F", "M", "X")]
    return not origins or len(origins) == len(shares)


def check(path, reserved_path, minimums, maximums, round_minimums, round_maximums):
    from ortools.graph.python import min_cost_flow
    C, O, cap, arcs, groups = read_instance(path)
    t0 = time.perf_counter()
    per_opportunity = parse_shares(minimums, maximums)
    whole = parse_shares(round_minimums, round_maximums)
    kept = {}
    with open(reserved_path) as f:
        for line in f:
            j, group, n = line.split()
            kept[(j if j == "round" else int(j), group)] = int(n)
    g = min_cost_flow.SimpleMinCostFlow()
    supply = {}

    def bounded(tail, head, lower, upper, cost=0):
        # [lower, upper]: capacity upper - lower, the lower units moved into the supplies.
        g.add_arc_with_capacity_and_unit_cost(tail, head, upper - lower, cost)
        supply[tail] = supply.get(tail, 0) - lower
        supply[head] = supply.get(head, 0) + lower

    src, snk = C + O, C + O + 1
    nxt = [C + O + 2]

    def node():
        nxt[0] += 1
        return nxt[0] - 1

    def members(group, i):
        return group in groups[i]

    places = sum(cap)
    # The whole round's shares, on the source side.
    single = one_dimension(whole)
    entries = [[] for _ in range(C)]
    for group, b in sorted(whole.items()):
        n = node()
        k = kept[("round", group)]
        top = places * b["maximum"] // 100 if "maximum" in b else C
        bounded(src, n, k, top if single else k)
        for i in range(C):
            if members(group, i):
                entries[i].append(n)
    for i in range(C):
        if not single or not entries[i]:
            entries[i].append(src)
        if len(entries[i]) == 1:
            g.add_arc_with_capacity_and_unit_cost(entries[i][0], i, 1, 0)
        else:
            gate = node()
            for e in entries[i]:
                g.add_arc_with_capacity_and_unit_cost(e, gate, 1, 0)
            g.add_arc_with_capacity_and_unit_cost(gate, i, 1, 0)
    # Every opportunity's shares, on the sink side.
    single = one_dimension(per_opportunity)
    share_node = {}
    for j in range(O):
        g.add_arc_with_capacity_and_unit_cost(C + j, snk, cap[j], 0)
        for group, b in sorted(per_opportunity.items()):
            n = node()
            share_node[(j, group)] = n
            k = kept[(j, group)]
            top = cap[j] * b["maximum"] // 100 if "maximum" in b else cap[j]
            bounded(n, C + j, k, top if single else k)
    for i, j, s in arcs:
        hits = [grp for grp in groups[i] if (j, grp) in share_node]
        if not single or not hits:
            g.add_arc_with_capacity_and_unit_cost(i, C + j, 1, -s)
        for grp in hits:
            g.add_arc_with_capacity_and_unit_cost(i, share_node[(j, grp)], 1, -s)
    g.add_arc_with_capacity_and_unit_cost(src, snk, C, 0)
    supply[src] = supply.get(src, 0) + C
    supply[snk] = supply.get(snk, 0) - C
    for n, s in supply.items():
        g.set_node_supply(n, s)
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    st = g.solve()
    t_solve = time.perf_counter() - t0
    if st != g.OPTIMAL:
        print("ortools status=%s (the shares kept are not feasible)" % st)
        sys.exit(1)
    placed = sum(1 for a in range(g.num_arcs()) if g.flow(a) and g.tail(a) < C)
    print("ortools_quotas shares=%d reserved=%d: total_score=%d placed=%d build_s=%.2f solve_s=%.2f"
          % (len(kept), sum(kept.values()), -g.optimal_cost(), placed, t_build, t_solve))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="command", required=True)
    a = sub.add_parser("groups")
    a.add_argument("path")
    a.add_argument("--seed", type=int, default=18)
    b = sub.add_parser("check")
    b.add_argument("path")
    b.add_argument("reserved")
    for option in ("--minimum", "--maximum", "--round-minimum", "--round-maximum"):
        b.add_argument(option, action="append", default=[])
    args = ap.parse_args()
    if args.command == "groups":
        write_groups(args.path, args.seed)
    else:
        check(args.path, args.reserved, args.minimum, args.maximum, args.round_minimum, args.round_maximum)
