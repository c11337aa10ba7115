#pragma once
// The immutable description of a kinematic tree. Body 0 is the ground (world frame, no joint).
// Bodies are numbered so that parent[i] < i. Built with add_body, then finalize(); after finalize
// a Model is read-only and may be shared by all threads (each owns a Data, see data.hpp).
#include <string>
#include <string_view>
#include <vector>

#include "multibody/joint.hpp"
#include "spatial/spatial.hpp"

namespace dembones {

struct Model {
  int nq = 0;        // number of position coordinates
  int nv = 0;        // number of velocity coordinates (nv <= nq; quaternions make them differ)
  int nbodies = 1;   // including the ground

  std::vector<int> parent{-1};                           // (nbodies) parent[0] = -1
  std::vector<std::string> body_names{"ground"};         // (nbodies)
  std::vector<Joint> joints{Joint::fixed()};             // (nbodies) joint connecting i to parent[i]
  std::vector<SE3> X_parent_joint{SE3::Identity()};      // (nbodies) joint frame in the parent body frame
  std::vector<SpatialInertia> inertia{SpatialInertia{}}; // (nbodies) in the body frame
  std::vector<int> idx_q{0};                             // (nbodies) first q index of body i's joint
  std::vector<int> idx_v{0};                             // (nbodies) first v index of body i's joint
  std::vector<int> nq_j{0};                              // (nbodies) joint coordinate count
  std::vector<int> nv_j{0};                              // (nbodies) joint velocity count
  std::vector<std::string> coordinate_names;             // (nv) one per velocity index
  Vec3 gravity{0.0, -9.81, 0.0};                         // m/s^2, OpenSim convention: Y up

  // ---- derived, filled by finalize() ----
  bool finalized = false;
  std::vector<JointKind> kind;                  // (nbodies) hot-loop joint kind
  std::vector<InertiaAtOrigin> inertia_o;       // (nbodies) inertia about the body origin
  std::vector<int> velocity_body;               // (nv) body whose joint owns velocity index k
  std::vector<int> parent_v;                    // (nv) Featherstone λ(k): previous velocity index up the tree of
                                                //      independent joints, -1 at root. With couplers M also has
                                                //      entries outside this pattern (driver x coupled subtree).
  std::vector<std::vector<int>> support;        // (nbodies) velocity indices that move body i, ascending
                                                //           (drivers of coupled ancestors included)
  // Motion-subspace columns. Every joint owns ns_j columns of data.S / data.J_W starting at idx_s;
  // ordinary joints own their velocity columns (idx_s = idx_v, ns_j = nv_j), each coupled joint one
  // extra column after the nv velocity ones. Column s multiplies the velocity v[column_v[s]], so a
  // body's Jacobian column k sums every column s on its path with column_v[s] = k.
  int ns = 0;                                   // number of columns: nv + number of coupled joints
  std::vector<int> idx_s;                       // (nbodies) first column of body i's joint
  std::vector<int> ns_j;                        // (nbodies) column count of body i's joint
  std::vector<int> column_v;                    // (ns) velocity index that column s multiplies
  std::vector<int> driver_v;                    // (nbodies) coupled joints: the driver's velocity index, else -1
  std::vector<int> driver_q;                    // (nbodies) coupled joints: the driver's q index, else -1
  std::vector<int> coupled_bodies;              // bodies whose joint is coupled, ascending
  bool has_couplers() const { return !coupled_bodies.empty(); }
  std::vector<std::vector<int>> children;       // (nbodies) child bodies
  // Facts about each body that the articulated-body algorithm (aba.cpp) branches on, decided once
  // here rather than tested in every call.
  struct BodyTraits {
    bool joint_rotation_free = false;  // X_parent_joint.rotation is exactly the identity (pure translation)
    bool principal_inertia = false;    // inertia_about_com is diagonal: the body axes are principal axes
    bool leaf = false;                 // no child bodies
  };
  std::vector<BodyTraits> traits;               // (nbodies)

  int find_body(std::string_view name) const;        // -1 when missing
  int find_coordinate(std::string_view name) const;  // velocity index, -1 when missing
  double total_mass() const;
  // The neutral configuration: zeros, identity quaternions (size nq).
  VecX neutral_configuration() const;
  // "rad" or "m" per velocity index: revolute, spherical and custom (OpenSim CustomJoint: the
  // coordinate is an angle, the translations follow it) joints are rotational, prismatic ones
  // translational; a free joint's v = [ω ; v_o] (joint.hpp) is three of each.
  std::vector<std::string> coordinate_units() const;
};

// Appends a body attached to `parent` through `joint`, whose joint frame sits at X_parent_joint in
// the parent's body frame; returns its index. coordinate_names must hold joint.nv() names (empty
// list: names "<body>_q0", ...). Throws InputError on a bad parent, bad axis, bad inertia or a
// wrong number of names.
int add_body(Model& model, int parent, const Joint& joint, const SE3& X_parent_joint,
             const SpatialInertia& inertia, std::string name,
             std::vector<std::string> coordinate_names = {});
// Computes the derived arrays and resolves the driver of every coupled joint (Joint::coupled). Must
// be called once after the last add_body and before use. Throws InputError when a driver coordinate
// does not exist or is not the coordinate of a 1-coordinate joint (revolute, prismatic, custom).
void finalize(Model& model);

}  // namespace dembones
