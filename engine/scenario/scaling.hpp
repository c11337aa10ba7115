#pragma once
// Scales a model spec from its reference subject to a subject of given stature, mass and sex.
//
// Rules (docs/models.md, "Scaling"):
// - Length factor of a body with anthropometric segment S:
//     s_L = (lambda_S(sex) * H) / (lambda_S(sex_ref) * H_ref),  lambda = segment length / stature
//   (de Leva 1996, Table 4, segment lengths of the Zatsiorsky-Seluyanov subjects); a body without a
//   segment scales with stature, s_L = H / H_ref. Everything fixed in the body scales with s_L: centre
//   of mass, joint locations in that body, path points, wrap surfaces (location, radius, length),
//   markers, load-site origins.
// - Mass factor: s_m = (f_S(sex) / f_S(sex_ref)) * (M / M_ref), f = segment mass fraction (de Leva
//   1996); without a segment s_m = M / M_ref. Inertia scales with s_m * s_L^2 (same radii of gyration
//   relative to segment length).
// - Optimal fibre and tendon slack lengths scale with the musculotendon length at the default pose
//   (straight-line path through the active points, scaled / unscaled), so each keeps its share of the
//   musculotendon length (the rule of OpenSim's scale tool, Delp et al. 2007, IEEE TBME
//   54:1940-1950). A muscle spanning a segment it has no point on (gastrocnemius over the shank) is
//   stretched with it.
// - Maximum isometric force scales with (M / M_ref)^(2/3): force follows physiological cross-section,
//   an area, and under geometric similarity area ~ mass^(2/3) (Hill 1950, Sci Prog 38:209-230;
//   allometric strength normalisation, Jaric 2002, Sports Med 32:615-631).
// - Passive moment-angle curves (intervertebral discs and ligaments) scale with (M / M_ref)^(2/3) x
//   s_L of the joint's child body (tissue force with cross-section, like the muscles'; lever arm with
//   length), and their posterior elements' lever arms with s_L.
// - Custom-joint translations (e.g. the knee's tibiofemoral translation) scale with the parent's s_L;
//   angles and actuator strengths are not scaled.
#include "scenario/model_spec.hpp"

namespace dembones {

struct BodyScale {
  std::string body;
  double length_factor = 1;
  double mass_factor = 1;
};

// Per-body factors for `subject` (in ModelSpec::bodies order).
std::vector<BodyScale> calc_body_scales(const ModelSpec& spec, const SubjectSpec& subject);

// The spec scaled to `subject`; the result's reference_subject is `subject`. The parameter log is
// kept as read (the published generic values and their sources).
ModelSpec scale_model(const ModelSpec& spec, const SubjectSpec& subject);

}  // namespace dembones
