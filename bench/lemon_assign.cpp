// Evaluation of LEMON 1.3.1 min-cost-flow solvers on assign_graph.py instances (issue 6).
// s -> candidate (cap 1, cost 0), candidate -> opportunity (cap 1, cost -score),
// opportunity -> t (cap places, cost 0), s -> t bypass (cap C, cost 0); supply C at s.
#include <lemon/smart_graph.h>
#include <lemon/network_simplex.h>
#include <lemon/cost_scaling.h>
#include <lemon/capacity_scaling.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>
using namespace lemon;
static double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }
int main(int argc, char** argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s FILE ns|cs|cs-push|cs-aug|caps\n", argv[0]); return 2; }
  std::string algo = argv[2];
  FILE* f = fopen(argv[1], "rb"); if (!f) { perror("open"); return 1; }
  fseek(f, 0, SEEK_END); long n = ftell(f); fseek(f, 0, SEEK_SET);
  std::vector<char> buf(n + 1); fread(buf.data(), 1, n, f); buf[n] = 0; fclose(f);
  char* p = buf.data();
  long C = strtol(p, &p, 10), O = strtol(p, &p, 10);
  std::vector<long> cap(O); for (long j = 0; j < O; j++) cap[j] = strtol(p, &p, 10);
  std::vector<int> ai, aj, as;
  for (;;) { char* q = p; long i = strtol(p, &p, 10); if (p == q) break; long j = strtol(p, &p, 10); long s = strtol(p, &p, 10);
    ai.push_back(i); aj.push_back(j); as.push_back(s); }
  double t0 = now();
  SmartDigraph g; g.reserveNode(C + O + 2); g.reserveArc(C + O + ai.size() + 1);
  std::vector<SmartDigraph::Node> cn(C), on(O);
  SmartDigraph::Node s = g.addNode(), t = g.addNode();
  for (long i = 0; i < C; i++) cn[i] = g.addNode();
  for (long j = 0; j < O; j++) on[j] = g.addNode();
  SmartDigraph::ArcMap<long> upper(g), cost(g);
  for (long i = 0; i < C; i++) { auto a = g.addArc(s, cn[i]); upper[a] = 1; cost[a] = 0; }
  std::vector<SmartDigraph::Arc> mid(ai.size());
  for (size_t k = 0; k < ai.size(); k++) { auto a = g.addArc(cn[ai[k]], on[aj[k]]); upper[a] = 1; cost[a] = -as[k]; mid[k] = a; }
  for (long j = 0; j < O; j++) { auto a = g.addArc(on[j], t); upper[a] = cap[j]; cost[a] = 0; }
  { auto a = g.addArc(s, t); upper[a] = C; cost[a] = 0; }
  SmartDigraph::NodeMap<long> supply(g, 0); supply[s] = C; supply[t] = -C;
  double t1 = now();
  long total = 0, placed = 0; double t2 = 0;
  auto collect = [&](auto& solver) { for (size_t k = 0; k < mid.size(); k++) if (solver.flow(mid[k]) > 0) { total += as[k]; placed++; } };
  if (algo == "ns") {
    NetworkSimplex<SmartDigraph, long, long> ns(g); ns.upperMap(upper).costMap(cost).supplyMap(supply);
    auto r = ns.run(); t2 = now(); if (r != NetworkSimplex<SmartDigraph, long, long>::OPTIMAL) { fprintf(stderr, "not optimal\n"); return 1; } collect(ns);
  } else if (algo.rfind("cs", 0) == 0) {
    typedef CostScaling<SmartDigraph, long, long> CS; CS cs(g); cs.upperMap(upper).costMap(cost).supplyMap(supply);
    CS::Method m = algo == "cs-push" ? CS::PUSH : algo == "cs-aug" ? CS::AUGMENT : CS::PARTIAL_AUGMENT;
    auto r = cs.run(m); t2 = now(); if (r != CS::OPTIMAL) { fprintf(stderr, "not optimal\n"); return 1; } collect(cs);
  } else if (algo == "caps") {
    CapacityScaling<SmartDigraph, long, long> cs(g); cs.upperMap(upper).costMap(cost).supplyMap(supply);
    auto r = cs.run(); t2 = now(); if (r != CapacityScaling<SmartDigraph, long, long>::OPTIMAL) { fprintf(stderr, "not optimal\n"); return 1; } collect(cs);
  } else { fprintf(stderr, "unknown algorithm\n"); return 2; }
  printf("lemon-%s total_score=%ld placed=%ld build_s=%.3f solve_s=%.3f\n", algo.c_str(), total, placed, t1 - t0, t2 - t1);
}
