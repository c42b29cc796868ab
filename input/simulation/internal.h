/* Simulator internals shared by its files: the particle list, hits, sensor planes and the generator. */
#ifndef KST_SIM_INTERNAL_H
#define KST_SIM_INTERNAL_H

#include <stdint.h>

#include "input/simulation/generate.h"
#include "input/simulation/kinematics.h"
#include "input/simulation/magnet.h"
#include "input/simulation/particles.h"
#include "input/simulation/rng.h"

/* One particle of the generator's list (made in order, so a mother always precedes its daughters). */
typedef struct sim_particle {
  int32_t pid;
  const kst_sim_species *sp;
  double charge;
  kst_p4 p4;
  double origin[3];
  double end[3];         /* decay vertex (when decayed) */
  double tau_ps;         /* proper decay time, ps (0 for stable and instant decays) */
  int32_t mother;        /* index in the list, -1 for particles from the interaction */
  int32_t pv;            /* interaction index */
  uint8_t at_pv;         /* made at the primary vertex itself (prompt, or from instant decays there) */
  uint8_t decayed, signal, stored;
  uint32_t hit_first, n_hits; /* into the event's hit list */
  uint32_t ut_first, n_ut, ft_first, n_ft; /* into the merged downstream (particle, LHCbID) pairs */
  int32_t key;           /* MC key once stored, else -1 */
} sim_particle;

/* One cluster a particle made (before merging clusters shared by several particles). */
typedef struct sim_hit {
  uint16_t sensor;
  uint32_t word, lhcbid;
  int32_t particle;      /* index in the particle list, -1 for noise */
} sim_hit;

/* One UT or SciFi cluster in the making: strips or channels lo..hi of one unit (UT: lane row 6 board + lane;
 * SciFi: SiPM, the channel id >> 7), and for the UT the centre in quarter strips. */
typedef struct sim_dhit {
  uint32_t unit;
  uint16_t lo, hi, pos;
  int32_t particle;      /* index in the particle list, -1 for noise */
} sim_dhit;

/* A particle's downstream LHCbID after clusters are merged. */
typedef struct sim_pair {
  int32_t particle;
  uint32_t id;
} sim_pair;

/* A growable array of T with its count and capacity. */
#define SIM_ARRAY(T) struct { T *a; uint32_t n, cap; }

#define SIM_UT_MAX_LAYER_SECTORS 300
#define SIM_FT_SIPMS 8192     /* SiPM ids are channel ids >> 7, below 2^13 */
#define SIM_FT_NO_BANK 0xFFFFu

/* The downstream detector as the simulator uses it (downstream.c). */
typedef struct sim_downstream {
  kst_sim_downstream files;
  kst_sim_field field;
  uint16_t ut_lane[KST_UT_SECTORS];                     /* lane row of each sector */
  uint16_t ut_sectors[KST_UT_LAYERS][SIM_UT_MAX_LAYER_SECTORS];
  uint32_t ut_n[KST_UT_LAYERS];
  double ut_z[KST_UT_LAYERS];                            /* mean sector z of a layer */
  float ut_box[KST_UT_SECTORS][4];                       /* x and y bounds of a sector (with a margin): a quick test */
  float ut_width[KST_UT_LAYERS];                         /* the widest box of a layer in x (sectors go by box x_lo) */
  uint16_t ft_mats[KST_SCIFI_LAYERS][96];                /* used mats of a layer */
  uint32_t ft_n[KST_SCIFI_LAYERS];
  double ft_z0[KST_SCIFI_LAYERS], ft_dzdy[KST_SCIFI_LAYERS];
  float ft_box[KST_SCIFI_MATS][4];                       /* x and y bounds of a mat (with a margin) */
  float ft_width[KST_SCIFI_LAYERS];                      /* the widest box of a layer in x (mats go by box x_lo) */
  uint16_t ft_bank_link[SIM_FT_SIPMS];                   /* bank << 8 | link, or SIM_FT_NO_BANK */
  uint16_t ft_sipms[SIM_FT_SIPMS];                       /* used SiPMs, for noise */
  uint32_t n_ft_sipms;
  kst_rng rng;                                           /* its own stream: the VELO's draws stay the same */
  SIM_ARRAY(sim_dhit) ut, ft;
  SIM_ARRAY(sim_pair) pairs;
} sim_downstream;

/* A sensor plane in double precision, for intersecting straight lines. */
typedef struct sim_plane {
  double normal[3], point[3];
  double inv[12];        /* global -> local (rotation row-major, then translation) */
  double fwd[12];        /* local -> global */
} sim_plane;

/* A primary vertex. */
typedef struct sim_pv {
  double x, y, z;
  int32_t n_tracks;
} sim_pv;

struct kst_sim {
  kst_sim_options o;
  kst_velo_geometry g;
  sim_plane planes[KST_VELO_SENSORS];
  int module_order[KST_VELO_MODULES]; /* by increasing z */
  double r_max;                       /* no sensor point lies further from the beam (mm) */
  double r_min;                       /* nor closer (the beam hole) */
  double x_lo, x_hi, y_hi;            /* the active area in local coordinates */
  double species_cdf[5];              /* prompt charged species mix */
  kst_rng rng;
  /* per-event scratch, reused */
  sim_particle *parts;
  uint32_t n_parts, cap_parts;
  sim_hit *hits;
  uint32_t n_hits, cap_hits;
  sim_pv *pvs;
  uint32_t n_pvs, cap_pvs;
  sim_downstream *ds;                 /* NULL: VELO only */
};

/* Appends a particle; returns its index or -1 when memory runs out. */
int32_t kst_sim_push(kst_sim *s, int32_t pid, const kst_p4 *p4, const double origin[3], int32_t mother, int32_t pv);
/* Appends a hit; returns 0 when memory runs out. */
int kst_sim_push_hit(kst_sim *s, const sim_hit *h);

/* physics.c: the crossing's interactions and their particles, then every decay. */
kst_status kst_sim_make_interactions(kst_sim *s);
/* physics.c: decays every particle that decays, in list order, daughters appended. */
kst_status kst_sim_decay_all(kst_sim *s, uint32_t from);
/* physics.c: heavy-hadron pT from pT (1 + pT/(nT))^-n with n = 6, whose mean is 2nT/(n-3). */
double kst_sim_heavy_pt(kst_rng *r, double mean);
/* physics.c: non-diffractive eta: flat dN/deta with a Fermi edge at |eta| = eta_edge. */
double kst_sim_plateau_eta(kst_sim *s);
/* signal.c: the forced decay of a signal-chain particle, NULL when its decay is not forced. */
const kst_sim_channel *kst_sim_signal_channel(int32_t pid);
/* signal.c: the forced signal decay in interaction 0 (no-op without --signal). */
kst_status kst_sim_make_signal(kst_sim *s);

/* detector.c: precomputes planes, module order and acceptance bounds. */
void kst_sim_detector_init(kst_sim *s);
/* detector.c: hits of every charged particle, then noise clusters. */
kst_status kst_sim_track_all(kst_sim *s);
/* detector.c: turns the unit direction d by two Gaussian angles of width theta0. */
void kst_sim_scatter(kst_rng *r, double d[3], double theta0);
/* detector.c: Highland's multiple-scattering angle for momentum p (MeV), velocity beta, x radiation lengths. */
double kst_sim_highland(double p, double beta, double x);

/* downstream.c: builds the detector maps from the files; an inconsistent file is KST_ERR_FORMAT. */
kst_status kst_sim_downstream_init(kst_sim *s);
/* downstream.c: frees the downstream state. */
void kst_sim_downstream_free(kst_sim *s);
/* downstream.c: seeds the downstream stream and empties its lists for event `index`. */
void kst_sim_downstream_begin(kst_sim *s, uint64_t index);
/* downstream.c: soft secondaries from the material between the VELO and the T stations (docs/simulation.md). */
kst_status kst_sim_downstream_secondaries(kst_sim *s);
/* downstream.c: particle i, leaving the VELO at o with unit direction d, through the magnet, UT and SciFi. */
kst_status kst_sim_downstream_track(kst_sim *s, uint32_t i, const double o[3], const double d[3]);
/* downstream.c: noise, merging, bank words into ev, and each particle's LHCbIDs (ut_first/n_ut, ft_first/n_ft). */
kst_status kst_sim_downstream_finish(kst_sim *s, kst_sim_event *ev);

#endif
