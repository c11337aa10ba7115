#pragma once
// Everything the inverse pipeline needs about one subject's model, built once (by the model loader,
// after scaling and impairments) and shared read-only by every thread: the multibody tree, the
// muscles, the joint-load sites, passive joint moments, ideal torque actuators and the point where a
// held load is carried.
#include <string>
#include <vector>

#include "multibody/model.hpp"
#include "multibody/spline.hpp"
#include "muscle/muscle_set.hpp"

namespace dembones {

// Where and in which anatomical frame a joint's transmitted load is reported.
struct LoadSite {
  enum class Kind { joint_reaction, patellofemoral };
  std::string name;
  Kind kind = Kind::joint_reaction;
  // joint_reaction: the body whose joint (to its parent) transmits the load. Every chain of the model
  // rises from the feet, so the parent is the lower segment and the child the upper one.
  int body = -1;
  int frame_body = -1;             // body the site frame is fixed in
  SE3 X_BS = SE3::Identity();      // site frame in frame_body's frame
  int normal_axis = 1;             // site axis normal to the endplate / plateau, pointing to the upper segment
  int anterior_axis = 0;           // site axis pointing anterior
  double side_factor = 1.0;        // 0.5: a bilateral joint lumped into one (report per side)
  // A midline joint (the lumbar levels) of a left-right symmetric model whose bilateral bodies and
  // muscles are lumped into one side (sides: 2). Of each real pair, the left copy is the mirror image
  // of the right about the midsagittal plane (through the site origin, normal to world z, the model's
  // joint axes), so across a midline joint their lateral forces and their moments about the in-plane
  // axes cancel, while the lumped copy, on the right, would double them. The site reports the pair.
  bool mirror_pair = false;
  // patellofemoral: F_pf = ratio(q[coordinate]) · Σ quadriceps tension (per side).
  int coordinate = -1;
  std::vector<int> muscles;
  CubicSpline ratio;
};

// A passive moment–angle relation of one coordinate (discs and ligaments of a motion segment):
// generalized force moment(q) acting with the coordinate.
//
// Part of it may be the tension of posterior structures (ligaments): in flexion a structure with share
// s and lever arm d behind the disc centre pulls the two vertebrae together along the disc normal with
// T = s·M / d (as OpenSim and AnyBody model ligaments, as forces; shares of the flexion resistance:
// Adams, Hutton & Stott 1980). The moment on the coordinate is unchanged; the disc compression gains
// T. In extension the structures are slack and the whole moment stays a pure moment.
struct PosteriorElement {
  std::string name;
  double share = 0.0;        // fraction of the passive moment carried in flexion
  double lever_arm_m = 0.0;  // behind the disc centre, along the site's posterior axis
};

struct PassiveMoment {
  std::string name;
  int coordinate = -1;
  CubicSpline moment_Nm;
  int site = -1;  // index in MusculoskeletalModel::sites whose frame is the disc frame (-1: none)
  std::vector<PosteriorElement> posterior;
};

struct IdealActuator {
  std::string name;
  int coordinate = -1;
  double optimal_force = 1.0;  // N·m per unit control
};

// Coordinates moved together by fixed ratios, q_k = r_k θ (velocity indices), e.g. a lumbar rhythm
// spreading one flexion angle over five intervertebral joints. With `couple_coordinates` the
// pipeline's static optimization balances the generalized force on θ, Σ r_k τ_k (virtual work),
// instead of each coordinate's: the remainder at each level is carried by the coupling constraint,
// as with OpenSim's CoordinateCouplerConstraint (Christophy et al. 2012 couple their lumbar levels
// this way). Joint reaction forces do not depend on it (force balance); only moments do.
struct CoordinateCoupling {
  std::string name;
  std::vector<int> coordinates;  // velocity indices
  std::vector<double> ratios;
};

struct MusculoskeletalModel {
  Model model;
  MuscleSet muscles;
  VecX muscle_sides;     // (m) 2 for a bilateral muscle listed once (both sides act), else 1
  VecX activation_cap;   // (m) maximum activation (nerve-root impairments lower it), default 1
  std::vector<LoadSite> sites;
  std::vector<PassiveMoment> passive;
  std::vector<IdealActuator> actuators;
  std::vector<CoordinateCoupling> couplings;
  int load_body = -1;                 // where a held object is carried (the hand)
  Vec3 load_point_B = Vec3::Zero();
  double body_mass_kg = 0.0;          // subject mass (body weight = mass · |g|)
};

}  // namespace dembones
