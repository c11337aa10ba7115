#include "scenario/scaling.hpp"

#include "scenario/model_pose.hpp"

#include <cmath>
#include <map>

namespace dembones {

using namespace mspec;  // NOLINT: the model-file parts

std::vector<BodyScale> calc_body_scales(const ModelSpec& spec, const SubjectSpec& subject) {
  const SubjectSpec& ref = spec.reference_subject;
  const double stature_ratio = subject.height_m / ref.height_m;
  const double mass_ratio = subject.mass_kg / ref.mass_kg;
  std::vector<BodyScale> out;
  out.reserve(spec.bodies.size());
  for (const auto& b : spec.bodies) {
    BodyScale s{b.name, stature_ratio, mass_ratio};
    if (const SegmentSpec* seg = spec.find_segment(b.segment)) {
      // de Leva 1996 Table 4: segment length and mass as fractions of stature and body mass, by sex.
      s.length_factor = stature_ratio * seg->of(subject.sex).length_fraction_of_height /
                        seg->of(ref.sex).length_fraction_of_height;
      s.mass_factor =
          mass_ratio * seg->of(subject.sex).mass_fraction / seg->of(ref.sex).mass_fraction;
    }
    out.push_back(s);
  }
  return out;
}

namespace {

void scale_function(FunctionSpec& f, double k) {
  f.constant *= k;
  f.slope *= k;
  f.intercept *= k;
  for (double& y : f.y) y *= k;
}

}  // namespace

ModelSpec scale_model(const ModelSpec& spec, const SubjectSpec& subject) {
  ModelSpec out = spec;
  const std::vector<BodyScale> scales = calc_body_scales(spec, subject);
  std::map<std::string, BodyScale> by_body;
  for (const auto& s : scales) by_body[s.body] = s;
  by_body["ground"] = BodyScale{"ground", 1.0, 1.0};
  auto L = [&](const std::string& body) { return by_body.at(body).length_factor; };

  for (auto& b : out.bodies) {
    const BodyScale& s = by_body.at(b.name);
    b.mass_kg *= s.mass_factor;
    b.com_m *= s.length_factor;
    // I = m r^2 with r a fixed fraction of segment length.
    const double k = s.mass_factor * s.length_factor * s.length_factor;
    b.inertia_kg_m2 *= k;
    b.products_kg_m2 *= k;
  }
  for (auto& j : out.joints) {
    j.location_in_parent_m *= L(j.parent);
    j.location_in_child_m *= L(j.child);
    // Translations are expressed in the parent's joint frame.
    for (auto& t : j.translation) scale_function(t, L(j.parent));
    if (j.type == JointType::prismatic)
      for (auto& c : j.coordinates) {
        c.range_min *= L(j.parent);
        c.range_max *= L(j.parent);
        c.default_value *= L(j.parent);
      }
  }
  for (auto& w : out.wraps) {
    const double k = L(w.body);
    w.location_m *= k;
    w.radius_m *= k;
    w.length_m *= k;
  }
  const double force_factor = std::pow(subject.mass_kg / spec.reference_subject.mass_kg, 2.0 / 3.0);
  for (auto& m : out.muscles)
    for (auto& p : m.path) {
      // A moving point's samples scale like a fixed point (its coordinate values do not).
      p.location_m *= L(p.body);
      for (auto* v : {&p.moving_x_m, &p.moving_y_m, &p.moving_z_m})
        for (double& x : *v) x *= L(p.body);
    }
  // Fibre and tendon lengths keep their share of the musculotendon length at the default pose.
  const auto X0 = calc_body_poses(spec);
  const auto X1 = calc_body_poses(out);
  for (std::size_t i = 0; i < out.muscles.size(); ++i) {
    auto& m = out.muscles[i];
    const double ratio = calc_path_length(m, {}, X1) / calc_path_length(spec.muscles[i], {}, X0);
    m.optimal_fiber_length_m *= ratio;
    m.tendon_slack_length_m *= ratio;
    m.max_isometric_force_N *= force_factor;
  }
  // Passive intervertebral moments (discs and ligaments) are tissue forces on lever arms: the force
  // scales with cross-section as the muscles' does, the lever arms with the joint's child body. Left
  // unscaled (as before) they carried the same moment in a 45 kg as in a 135 kg subject, so the share
  // left to the muscles, and with it the compression in body weights, changed with body size
  // (subject-scaling audit: unloaded squat 2.79 -> 3.63 BW at L5/S1 from 45 to 135 kg at 1.75 m).
  std::map<std::string, std::string> child_of_coordinate;
  for (const auto& j : out.joints)
    for (const auto& c : j.coordinates) child_of_coordinate[c.name] = j.child;
  for (auto& pm : out.passive_moments) {
    const auto child = child_of_coordinate.find(pm.coordinate);
    const double k_len = child != child_of_coordinate.end() ? L(child->second) : subject.height_m / spec.reference_subject.height_m;
    for (double& y : pm.moment_Nm.y) y *= force_factor * k_len;
    for (auto& pe : pm.posterior_elements) pe.lever_arm_m *= k_len;
  }
  for (auto& s : out.sites)
    if (s.kind == SiteKind::joint_reaction) s.origin_m *= L(s.body);
  for (auto& mk : out.markers) mk.location_m *= L(mk.body);
  out.reference_subject = subject;
  return out;
}

}  // namespace dembones
