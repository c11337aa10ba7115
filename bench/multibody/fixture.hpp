#pragma once
// Benchmark fixture shared by the multibody benchmarks: a sample model, one Data and a seeded
// random state, built once per benchmark (cheap: well under a millisecond).
#include <random>
#include <string>

#include "multibody/configuration.hpp"
#include "multibody/rnea.hpp"
#include "multibody/sample_models.hpp"

namespace dembones {

inline Model make_model(const std::string& name) {
  if (name == "chain7") return samples::chain(7);
  if (name == "human20") return samples::human20();
  return samples::tree40();
}

// Model, one Data and a random state, built once per benchmark.
struct Fixture {
  explicit Fixture(const std::string& name) : model(make_model(name)), data(model) {
    q = random_configuration(model, 1, 1.0);
    std::mt19937 rng(2);
    std::uniform_real_distribution<double> uni(-1.0, 1.0);
    v = VecX::NullaryExpr(model.nv, [&] { return uni(rng); });
    a = VecX::NullaryExpr(model.nv, [&] { return uni(rng); });
    tau = rnea(model, data, q, v, a);
  }
  Model model;
  Data data;
  VecX q, v, a, tau;
};

}  // namespace dembones
